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
	v, err := svc.recordView(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return v.record(), nil
}

// RecordJSON decides what actor sees of the record as Record does and
// appends its JSON encoding to b, written from the room's fold without
// building a room event per message (roadshow_record_json.go).
func (svc *Roadshows) RecordJSON(ctx context.Context, actor domain.Actor, id string, b []byte) ([]byte, error) {
	v, err := svc.recordView(ctx, actor, id)
	if err != nil {
		return b, err
	}
	return v.appendJSON(b), nil
}

// recordView is what one reader sees of a record: the record's small parts
// as they are answered, and its chat and questions as the room's fold with
// each author's current name beside it.
type recordView struct {
	rec   Record // Chat and Questions empty
	fold  *RoomFold
	names *foldNames // by the index of fold's people
}

func (svc *Roadshows) recordView(ctx context.Context, actor domain.Actor, id string) (*recordView, error) {
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
	v := &recordView{fold: fold,
		rec: Record{Roadshow: r, Interest: []RecordInterest{}, Stages: make([]domain.RoomEvent, 0, len(fold.Stages))}}
	// Each person by their one display name, as it is now: the authors once
	// each, in order of first appearance, then whoever else is named.
	who := newNames(ctx, svc.store)
	v.names = svc.authorNames(fold, who)
	rec := &v.rec
	for _, l := range fold.Stages {
		rec.Stages = append(rec.Stages, roadshow.Record(id, l))
	}
	interest := map[string]*RecordInterest{}
	for _, s := range r.Slots {
		if interest[s.StartupID] == nil {
			interest[s.StartupID] = &RecordInterest{StartupID: s.StartupID, StartupName: s.StartupName}
		}
	}
	for i, sig := range fold.Interest {
		if in := interest[sig.StartupID]; in != nil {
			in.Count++
			if host || slotOwner(r, sig.StartupID) == actor.UserID {
				name := v.names.interest[i]
				if p := fold.InterestBy[i]; p >= 0 {
					name = v.names.names[p]
				}
				in.Investors = append(in.Investors, name)
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
		// An attendee who wrote is named as the fold names them. The
		// attendees are looked up among the authors, not the authors
		// among the attendees: a city room has about 60 of these and
		// 1,100 of those, and a map of the authors was made on every read.
		attendee := make(map[string]int, len(att))
		for i := range att {
			attendee[att[i].UserID] = i
		}
		named := make([]bool, len(att))
		for p, person := range fold.people {
			if i, ok := attendee[fold.str(person.id)]; ok && person.id.n > 0 {
				att[i].Name, named[i] = v.names.names[p], true
			}
		}
		for i := range att {
			if !named[i] {
				att[i].Name = who.of(att[i].UserID, att[i].Name)
			}
		}
		rec.Attendance.People = att
	}
	hideAgendaWork(actor, r)
	return v, nil
}

// authorNames returns the display names of the fold's authors, and of the
// investors who showed interest without writing. They are looked up once
// per change to anyone's name, not once per answer: a full room names
// 1,100 people, each a look-up among a city's accounts.
func (svc *Roadshows) authorNames(fold *RoomFold, who *names) *foldNames {
	version, ok := svc.store.NamesVersion()
	if c := fold.names.Load(); ok && c != nil && c.version == version {
		return c
	}
	out := &foldNames{version: version, names: who.lookUpAll(fold.authors()), interest: make([]string, len(fold.Interest))}
	var silent []roadshow.Author
	for i, sig := range fold.Interest {
		if fold.InterestBy[i] < 0 {
			silent = append(silent, roadshow.Author{UserID: sig.UserID, Name: sig.UserName})
		}
	}
	silentNames := who.lookUpAll(silent)
	for i := range fold.Interest {
		if fold.InterestBy[i] < 0 {
			out.interest[i], silentNames = silentNames[0], silentNames[1:]
		}
	}
	out.plain = make([]bool, len(out.names))
	for i, name := range out.names {
		out.plain[i] = jsonPlain(name)
	}
	if ok {
		fold.names.Store(out)
	}
	return out
}

// record is the view as a Record.
func (v *recordView) record() *Record {
	rec := v.rec
	id := rec.Roadshow.ID
	f := v.fold
	rec.Chat = make([]domain.RoomEvent, len(f.chat))
	for i, c := range f.chat {
		rec.Chat[i] = roadshow.Record(id, roadshow.Logged{Seq: c.Seq, At: msTime(c.At), UserID: f.str(f.people[c.Person].id),
			UserName: v.names.names[c.Person], Event: roadshow.Chat{Text: f.str(c.text)}})
	}
	rec.Questions = make([]RecordQuestion, len(f.questions))
	for i, q := range f.questions {
		rec.Questions[i] = RecordQuestion{ID: q.Seq, Text: f.str(q.text), UserName: v.names.names[q.Person], Votes: int(q.Votes), Answered: q.Answered, At: msTime(q.At)}
	}
	return &rec
}

func slotOwner(r *domain.Roadshow, startupID string) string {
	for _, s := range r.Slots {
		if s.StartupID == startupID {
			return s.OwnerID
		}
	}
	return ""
}
