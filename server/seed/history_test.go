package seed

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

func pastShow(events int) PastShow {
	id := func(n int) string { return fmt.Sprintf("%024x", n) }
	r := &domain.Roadshow{ID: id(1), OwnerID: id(2), StartsAt: time.Date(2026, 11, 3, 6, 0, 0, 0, time.UTC), Visibility: domain.VisibilityPublic}
	for j := range 3 {
		r.Slots = append(r.Slots, domain.Slot{StartupID: id(10 + j), StartupName: fmt.Sprint("越芯", j), OwnerID: id(20 + j),
			Presenter: fmt.Sprint("创始人", j), Minutes: 10})
	}
	p := PastShow{Roadshow: r, Host: Person{UserID: id(2), Name: "李兰"}, Products: []string{"车规级MCU芯片", "协作机器人"}, Events: events, Pages: 6}
	for k := range 40 {
		p.Audience = append(p.Audience, Person{UserID: id(100 + k), Name: fmt.Sprint("观众", k), Investor: k%3 == 0})
	}
	return p
}

// TestGenerateRoom: the generated room is a log the live room could have
// stored (the room's rules took every command), of the asked size, that
// folds into a record with every part a record shows, and the same seed
// gives the same room.
func TestGenerateRoom(t *testing.T) {
	room, err := GenerateRoom(rand.New(rand.NewPCG(1, 2)), pastShow(2000))
	if err != nil {
		t.Fatal(err)
	}
	if len(room.Events) != 2000 {
		t.Fatalf("%d events, want 2000", len(room.Events))
	}
	log, err := roadshow.FromRecords(room.Events)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range log {
		if l.Seq != int64(i+1) || i > 0 && l.At.Before(log[i-1].At) {
			t.Fatalf("event %d: seq %d at %v after %v", i, l.Seq, l.At, log[i-1].At)
		}
	}
	st := roadshow.Fold(log)
	r := room.Roadshow
	if !st.Ended || r.Status != domain.RoadshowEnded || !r.EndedAt.Equal(st.EndedAt) || !r.StartedAt.Equal(st.StartedAt) || !r.StartedAt.After(r.StartsAt) {
		t.Fatalf("lifecycle: log %+v, roadshow %s %v–%v", st.Lifecycle(), r.Status, r.StartedAt, r.EndedAt)
	}
	if _, ok := log[len(log)-1].Event.(roadshow.Ended); !ok {
		t.Fatalf("last event %T, want the end", log[len(log)-1].Event)
	}
	// Three pitches of a six-page deck: the start, five page turns each, two next pitches, the end.
	if len(st.Stages) != 1+15+2+1 {
		t.Fatalf("%d stage changes", len(st.Stages))
	}
	votes, answered, hidden := 0, 0, 0
	for _, q := range st.Questions {
		votes += q.Votes
		if q.Answered {
			answered++
		}
	}
	for _, c := range st.Chat {
		if c.Hidden {
			hidden++
		}
	}
	if len(st.Chat) < 1000 || len(st.Questions) < 50 || votes < 100 || answered < 10 || len(st.Interest) < 5 || hidden != 1 {
		t.Fatalf("%d chat (%d hidden), %d questions, %d votes, %d answered, %d interest", len(st.Chat), hidden, len(st.Questions), votes, answered, len(st.Interest))
	}
	texts := map[string]bool{}
	for _, c := range st.Chat {
		texts[c.Text] = true
	}
	if len(texts) < 100 {
		t.Fatalf("only %d different chat texts", len(texts))
	}
	roles := map[string]int{}
	for _, a := range room.Attendance {
		roles[a.Role]++
		if a.RoadshowID != r.ID || a.Name == "" || a.LastSeen.Before(a.FirstSeen) {
			t.Fatalf("attendance %+v", a)
		}
	}
	if roles["host"] != 1 || roles["presenter"] != 3 || roles["investor"] < 5 || roles["viewer"] < 5 {
		t.Fatalf("attendance by role: %v", roles)
	}
	again, err := GenerateRoom(rand.New(rand.NewPCG(1, 2)), pastShow(2000))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Events, room.Events) || !reflect.DeepEqual(again.Attendance, room.Attendance) {
		t.Fatal("the same seed gave another room")
	}
}

// TestGenerateRoomTooSmall: a size that cannot hold the stage changes is
// refused, not padded or cut.
func TestGenerateRoomTooSmall(t *testing.T) {
	if _, err := GenerateRoom(rand.New(rand.NewPCG(1, 2)), pastShow(10)); err == nil {
		t.Fatal("10 events for 19 stage changes: accepted")
	}
	room, err := GenerateRoom(rand.New(rand.NewPCG(1, 2)), pastShow(40))
	if err != nil || len(room.Events) != 40 {
		t.Fatalf("40 events: %v", err)
	}
}

func BenchmarkGenerateRoom(b *testing.B) {
	for b.Loop() {
		if _, err := GenerateRoom(rand.New(rand.NewPCG(1, 2)), pastShow(2000)); err != nil {
			b.Fatal(err)
		}
	}
}
