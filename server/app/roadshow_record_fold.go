package app

import (
	"slices"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoomFold is what a roadshow's record shows of its room's log, folded
// once with the room's own fold (roadshow.Fold): the chat messages and
// questions the host did not hide, the stage changes and the end, and
// each investor's first interest in each startup. Each author is named
// once, in People; the record shows each person's current name
// (Roadshows.Record). It holds no maps per event and no voters, so that a
// full room costs a fraction of its events in memory.
type RoomFold struct {
	// People are the messages' and questions' authors, in order of first
	// appearance (chat, then questions), each with the name the log
	// recorded at that first appearance; a signed-out author (no user id)
	// is one entry per recorded name.
	People    []FoldedPerson
	Chat      []FoldedLine
	Questions []FoldedQuestion
	Stages    []roadshow.Logged
	Interest  []roadshow.InterestSignal
	// InterestBy is each signal's investor in People, or -1 if they wrote
	// nothing.
	InterestBy []int32
	// names are People's display names as last looked up, with the
	// version they were found at (Roadshows.authorNames).
	names atomic.Pointer[foldNames]
}

type foldNames struct {
	version NamesVersion
	names   []string
}

// FoldedPerson is an author as the log recorded them.
type FoldedPerson struct {
	UserID, Name string
	PlainID      bool // UserID needs no escaping in JSON (jsonPlain)
}

// FoldedLine is a visible chat message.
type FoldedLine struct {
	Seq    int64
	At     int64 // Unix milliseconds, as the log keeps it
	Person int32 // in People
	Plain  bool  // Text needs no escaping in JSON (jsonPlain)
	Text   string
}

// FoldedQuestion is a visible question with its final votes and state.
type FoldedQuestion struct {
	Seq      int64
	At       int64 // Unix milliseconds
	Person   int32 // in People
	Text     string
	Votes    int32
	Answered bool
	Plain    bool // Text needs no escaping in JSON (jsonPlain)
}

func foldRoom(log []roadshow.Logged) *RoomFold {
	st := roadshow.Fold(log) // the same fold as the live room's
	f := &RoomFold{Chat: make([]FoldedLine, 0, len(st.Chat)), Questions: make([]FoldedQuestion, 0, len(st.Questions)),
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
			f.People = append(f.People, FoldedPerson{UserID: userID, Name: name, PlainID: jsonPlain(userID)})
		}
		return i
	}
	for _, c := range st.Chat {
		if !c.Hidden {
			f.Chat = append(f.Chat, FoldedLine{Seq: c.ID, At: c.At.UnixMilli(), Person: personOf(c.UserID, c.UserName), Text: c.Text, Plain: jsonPlain(c.Text)})
		}
	}
	for _, q := range st.Questions {
		if !q.Hidden {
			f.Questions = append(f.Questions, FoldedQuestion{Seq: q.ID, At: q.At.UnixMilli(), Person: personOf(q.UserID, q.UserName),
				Text: q.Text, Votes: int32(q.Votes), Answered: q.Answered, Plain: jsonPlain(q.Text)})
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

// msTime is a time the log kept to the millisecond, as the database gives
// times back.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// size is about the bytes f holds, for the bound on rooms in memory (a
// full room of 2,000 events: about 240 KB on the heap, its strings sharing
// the decoded record's bytes).
func (f *RoomFold) size() int {
	n := 4096 + 160*(len(f.Stages)+len(f.Interest))
	for _, p := range f.People {
		n += 56 + len(p.UserID) + len(p.Name) // the entry and its looked-up name
	}
	for _, c := range f.Chat {
		n += 48 + len(c.Text)
	}
	for _, q := range f.Questions {
		n += 56 + len(q.Text)
	}
	return n
}

// jsonPlain reports whether s is written in JSON as it is, between quotes:
// valid UTF-8 with nothing that domain.AppendJSONString escapes (control
// characters, quotes, backslashes, HTML's <, > and &, U+2028 and U+2029).
// Most messages are; the record checks each once, when it is folded.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		}
	}
	return utf8.ValidString(s)
}
