// Package roadshow is the language of a live roadshow room: the events its
// log holds (Go types, one per kind), the state they fold into (Apply), and
// the rules that turn a participant's command into events or a refusal
// (Decide). It is pure: no I/O and no clock but the time it is given. The
// live room, its rebuild after a restart and the roadshow's record all
// fold the same events with the same Apply; the log is the one source of
// a roadshow's lifecycle (started: its first stage event; ended: its end).
package roadshow

import (
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Kind names an event in the stored log and on the wire.
type Kind string

// The kinds of stored events.
const (
	KindChat     Kind = "chat"
	KindQuestion Kind = "question"
	KindVote     Kind = "question.vote"
	KindAnswer   Kind = "question.answer"
	KindHide     Kind = "message.hide"
	KindMute     Kind = "user.mute"
	KindStage    Kind = "stage"
	KindInterest Kind = "interest"
	KindEnded    Kind = "ended"
)

// Event is one of the types below.
type Event interface{ Kind() Kind }

// Chat is a chat message.
type Chat struct{ Text string }

// Question is a question to the presenters; its id is its seq.
type Question struct{ Text string }

// Vote is one person's vote for a question.
type Vote struct{ QuestionID int64 }

// Answer marks a question answered.
type Answer struct{ QuestionID int64 }

// Hide hides a chat message or a question.
type Hide struct{ MessageID int64 }

// Mute stops a user from chatting and asking.
type Mute struct{ UserID string }

// Stage is what is on screen: a slot of the agenda, its deck's page and
// when the slot's time is up. The first one starts the roadshow.
type Stage struct {
	Slot        int
	Page        int
	StartupID   string
	StartupName string
	Deadline    time.Time
}

// Interest is an investor's interest in a startup of the agenda.
type Interest struct{ StartupID string }

// Ended ends the roadshow; the room stays readable.
type Ended struct{}

func (Chat) Kind() Kind     { return KindChat }
func (Question) Kind() Kind { return KindQuestion }
func (Vote) Kind() Kind     { return KindVote }
func (Answer) Kind() Kind   { return KindAnswer }
func (Hide) Kind() Kind     { return KindHide }
func (Mute) Kind() Kind     { return KindMute }
func (Stage) Kind() Kind    { return KindStage }
func (Interest) Kind() Kind { return KindInterest }
func (Ended) Kind() Kind    { return KindEnded }

// Logged is an event as the log holds it: its place, time and author
// (empty for the host's commands over REST and the system).
type Logged struct {
	Seq      int64
	At       time.Time
	UserID   string
	UserName string
	Event    Event
}

// Record turns l into the stored form of roadshow id's log.
func Record(id string, l Logged) domain.RoomEvent {
	r := domain.RoomEvent{RoadshowID: id, Seq: l.Seq, Type: string(l.Event.Kind()), UserID: l.UserID, UserName: l.UserName, At: l.At,
		Data: map[string]any{}}
	switch e := l.Event.(type) {
	case Chat:
		r.Data["text"] = e.Text
	case Question:
		r.Data["text"] = e.Text
	case Vote:
		r.Data["id"] = e.QuestionID
	case Answer:
		r.Data["id"] = e.QuestionID
	case Hide:
		r.Data["id"] = e.MessageID
	case Mute:
		r.Data["userId"] = e.UserID
	case Stage:
		r.Data = map[string]any{"slot": e.Slot, "page": e.Page, "startupId": e.StartupID, "startupName": e.StartupName,
			"deadline": e.Deadline.UnixMilli()}
	case Interest:
		r.Data["startupId"] = e.StartupID
	case Speaker:
		r.Data["userId"], r.Data["name"] = e.UserID, e.Name
	case OffStage:
		r.Data["userId"] = e.UserID
	case Media:
		r.Data = map[string]any{"userId": e.UserID, "video": e.Video, "off": e.Off, "byHost": e.ByHost}
	}
	return r
}

// FromRecord reads a stored event.
func FromRecord(r domain.RoomEvent) (Logged, error) {
	l := Logged{Seq: r.Seq, At: r.At, UserID: r.UserID, UserName: r.UserName}
	str := func(k string) string { s, _ := r.Data[k].(string); return s }
	switch Kind(r.Type) {
	case KindChat:
		l.Event = Chat{Text: str("text")}
	case KindQuestion:
		l.Event = Question{Text: str("text")}
	case KindVote:
		l.Event = Vote{QuestionID: r.Int("id")}
	case KindAnswer:
		l.Event = Answer{QuestionID: r.Int("id")}
	case KindHide:
		l.Event = Hide{MessageID: r.Int("id")}
	case KindMute:
		l.Event = Mute{UserID: str("userId")}
	case KindStage:
		l.Event = Stage{Slot: int(r.Int("slot")), Page: int(r.Int("page")), StartupID: str("startupId"), StartupName: str("startupName"),
			Deadline: time.UnixMilli(r.Int("deadline"))}
	case KindInterest:
		l.Event = Interest{StartupID: str("startupId")}
	case KindEnded:
		l.Event = Ended{}
	case KindSpeaker:
		l.Event = Speaker{UserID: str("userId"), Name: str("name")}
	case KindOffStage:
		l.Event = OffStage{UserID: str("userId")}
	case KindMedia:
		flag := func(k string) bool { b, _ := r.Data[k].(bool); return b }
		l.Event = Media{UserID: str("userId"), Video: flag("video"), Off: flag("off"), ByHost: flag("byHost")}
	default:
		return l, fmt.Errorf("roadshow %s event %d: unknown kind %q", r.RoadshowID, r.Seq, r.Type)
	}
	return l, nil
}

// FromRecords reads a stored log, in order.
func FromRecords(rs []domain.RoomEvent) ([]Logged, error) {
	out := make([]Logged, 0, len(rs))
	for _, r := range rs {
		l, err := FromRecord(r)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}
