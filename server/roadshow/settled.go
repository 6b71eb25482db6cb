package roadshow

import "slices"

// Settled is what an ended room's record shows of its log, folded once
// with the room's own fold (Fold): the chat messages and questions the
// host did not hide, the stage changes and the end, and each investor's
// first interest in each startup. Each author is named once, in People;
// the record shows each person's current name. It holds no events, no
// maps and no voters, so that it is a fraction of its log in memory and
// when stored (EncodeSettled): a settled room's first read decodes it and
// folds nothing.
type Settled struct {
	// People are the messages' and questions' authors, in order of first
	// appearance (chat, then questions), each with the name the log
	// recorded at that first appearance; a signed-out author (no user id)
	// is one entry per recorded name.
	People    []Author
	Chat      []SettledLine
	Questions []SettledQuestion
	// Stages are the stage changes and the end, as logged.
	Stages   []Logged
	Interest []InterestSignal
	// InterestBy is each signal's investor in People, or -1 if they wrote
	// nothing.
	InterestBy []int32
}

// Author is a person as the log recorded them.
type Author struct{ UserID, Name string }

// SettledLine is a visible chat message.
type SettledLine struct {
	Seq    int64
	At     int64 // Unix milliseconds, as the log keeps it
	Person int32 // in People
	Text   string
}

// SettledQuestion is a visible question with its final votes and state.
type SettledQuestion struct {
	Seq      int64
	At       int64 // Unix milliseconds
	Person   int32 // in People
	Text     string
	Votes    int32
	Answered bool
}

// Settle folds an ended room's log into what its record shows.
func Settle(log []Logged) *Settled {
	st := Fold(log) // the same fold as the live room's
	f := &Settled{Chat: make([]SettledLine, 0, len(st.Chat)), Questions: make([]SettledQuestion, 0, len(st.Questions)),
		Stages: st.Stages, Interest: st.Interest, InterestBy: make([]int32, len(st.Interest))}
	people := map[string]int32{}
	personOf := func(userID, name string) int32 {
		key := userID
		if userID == "" {
			key = "\x00" + name // a guest: shown by the name recorded
		}
		i, ok := people[key]
		if !ok {
			i = int32(len(f.People))
			people[key] = i
			f.People = append(f.People, Author{UserID: userID, Name: name})
		}
		return i
	}
	for _, c := range st.Chat {
		if !c.Hidden {
			f.Chat = append(f.Chat, SettledLine{Seq: c.ID, At: c.At.UnixMilli(), Person: personOf(c.UserID, c.UserName), Text: c.Text})
		}
	}
	for _, q := range st.Questions {
		if !q.Hidden {
			f.Questions = append(f.Questions, SettledQuestion{Seq: q.ID, At: q.At.UnixMilli(), Person: personOf(q.UserID, q.UserName),
				Text: q.Text, Votes: int32(q.Votes), Answered: q.Answered})
		}
	}
	f.People = slices.Clone(f.People) // held for long: no room to grow
	for i, sig := range st.Interest {
		f.InterestBy[i] = -1
		if p, ok := people[sig.UserID]; ok && sig.UserID != "" {
			f.InterestBy[i] = p
		}
	}
	return f
}
