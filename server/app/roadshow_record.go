package app

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Record is what happened in a roadshow room.
type Record struct {
	Roadshow   *domain.Roadshow   `json:"roadshow"`
	Chat       []domain.RoomEvent `json:"chat"`
	Questions  []RecordQuestion   `json:"questions"`
	Interest   []RecordInterest   `json:"interest"`
	Attendance RecordAttendance   `json:"attendance"`
	Stages     []domain.RoomEvent `json:"stages"`
}

// RecordQuestion is a question with its final votes and state.
type RecordQuestion struct {
	ID       int64     `json:"id"`
	Text     string    `json:"text"`
	UserName string    `json:"userName"`
	Votes    int       `json:"votes"`
	Answered bool      `json:"answered"`
	At       time.Time `json:"at"`
}

// RecordInterest is the interest signalled in one startup.
type RecordInterest struct {
	StartupID   string   `json:"startupId"`
	StartupName string   `json:"startupName"`
	Count       int      `json:"count"`
	Investors   []string `json:"investors,omitempty"` // names; host and that startup's founder only
}

// RecordAttendance counts who came; the list is for the host only.
type RecordAttendance struct {
	Unique int                 `json:"unique"`
	People []domain.Attendance `json:"people,omitempty"`
}

// Record returns the room's record, built from its stored events, to those
// the room admits (domain.Roadshow.RecordRefusal): hidden messages and
// questions are left out; who was interested and who attended is shown to
// the host (and each founder for their own startup).
func (svc *Roadshows) Record(ctx context.Context, actor domain.Actor, id string) (*Record, error) {
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	err = r.RecordRefusal(actor.UserID, actor.Role, func() (bool, error) { return svc.store.IsRegistered(ctx, id, actor.UserID) })
	if err != nil {
		return nil, err
	}
	if err := svc.counted(ctx, r); err != nil {
		return nil, err
	}
	fold, err := svc.store.RoomFold(ctx, id)
	if err != nil {
		return nil, err
	}
	host := actor.Owns(r.OwnerID)
	rec := &Record{Roadshow: r, Chat: make([]domain.RoomEvent, 0, len(fold.Chat)), Questions: make([]RecordQuestion, 0, len(fold.Questions)),
		Interest: []RecordInterest{}, Stages: make([]domain.RoomEvent, 0, len(fold.Stages))}
	who := newNames(ctx, svc.store) // each person by their one display name, as it is now
	for _, c := range fold.Chat {
		rec.Chat = append(rec.Chat, roadshow.Record(id, roadshow.Logged{Seq: c.Seq, At: msTime(c.At), UserID: c.UserID, UserName: who.of(c.UserID, c.UserName),
			Event: roadshow.Chat{Text: c.Text}}))
	}
	for _, q := range fold.Questions {
		rec.Questions = append(rec.Questions, RecordQuestion{ID: q.Seq, Text: q.Text, UserName: who.of(q.UserID, q.UserName), Votes: q.Votes, Answered: q.Answered, At: msTime(q.At)})
	}
	for _, l := range fold.Stages {
		rec.Stages = append(rec.Stages, roadshow.Record(id, l))
	}
	interest := map[string]*RecordInterest{}
	for _, s := range r.Slots {
		if interest[s.StartupID] == nil {
			interest[s.StartupID] = &RecordInterest{StartupID: s.StartupID, StartupName: s.StartupName}
		}
	}
	for _, sig := range fold.Interest {
		if in := interest[sig.StartupID]; in != nil {
			in.Count++
			if host || slotOwner(r, sig.StartupID) == actor.UserID {
				in.Investors = append(in.Investors, who.of(sig.UserID, sig.UserName))
			}
		}
	}
	for _, s := range r.Slots {
		if in := interest[s.StartupID]; in != nil {
			rec.Interest = append(rec.Interest, *in)
			delete(interest, s.StartupID)
		}
	}
	att, err := svc.store.AttendanceOf(ctx, id)
	if err != nil {
		return nil, err
	}
	rec.Attendance.Unique = len(att)
	if host {
		for i := range att {
			att[i].Name = who.of(att[i].UserID, att[i].Name)
		}
		rec.Attendance.People = att
	}
	hideAgendaWork(actor, r)
	return rec, nil
}

func slotOwner(r *domain.Roadshow, startupID string) string {
	for _, s := range r.Slots {
		if s.StartupID == startupID {
			return s.OwnerID
		}
	}
	return ""
}
