package app

import (
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoomFold is what a roadshow's record shows of its room's log, folded
// once with the room's own fold (roadshow.Fold): the chat messages and
// questions the host did not hide, the stage changes and the end, and
// each investor's first interest in each startup. Names are those the log
// recorded; the record shows each person's current one (Roadshows.Record).
// It holds no maps and no voters, so that a full room costs a fraction of
// its events in memory.
type RoomFold struct {
	Chat      []FoldedLine
	Questions []FoldedQuestion
	Stages    []roadshow.Logged
	Interest  []roadshow.InterestSignal
}

// FoldedLine is a visible chat message.
type FoldedLine struct {
	Seq              int64
	At               int64 // Unix milliseconds, as the log keeps it
	UserID, UserName string
	Text             string
}

// FoldedQuestion is a visible question with its final votes and state.
type FoldedQuestion struct {
	Seq              int64
	At               int64 // Unix milliseconds
	UserID, UserName string
	Text             string
	Votes            int
	Answered         bool
}

func foldRoom(log []roadshow.Logged) *RoomFold {
	st := roadshow.Fold(log) // the same fold as the live room's
	f := &RoomFold{Chat: make([]FoldedLine, 0, len(st.Chat)), Questions: make([]FoldedQuestion, 0, len(st.Questions)),
		Stages: st.Stages, Interest: st.Interest}
	for _, c := range st.Chat {
		if !c.Hidden {
			f.Chat = append(f.Chat, FoldedLine{Seq: c.ID, At: c.At.UnixMilli(), UserID: c.UserID, UserName: c.UserName, Text: c.Text})
		}
	}
	for _, q := range st.Questions {
		if !q.Hidden {
			f.Questions = append(f.Questions, FoldedQuestion{Seq: q.ID, At: q.At.UnixMilli(), UserID: q.UserID, UserName: q.UserName,
				Text: q.Text, Votes: q.Votes, Answered: q.Answered})
		}
	}
	return f
}

// msTime is a time the log kept to the millisecond, as the database gives
// times back.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// size is about the bytes f holds, for the bound on rooms in memory
// (strings shared by several entries counted each time).
func (f *RoomFold) size() int {
	n := 0
	for _, c := range f.Chat {
		n += 64 + len(c.UserID) + len(c.UserName) + len(c.Text)
	}
	for _, q := range f.Questions {
		n += 80 + len(q.UserID) + len(q.UserName) + len(q.Text)
	}
	return n + 160*(len(f.Stages)+len(f.Interest))
}
