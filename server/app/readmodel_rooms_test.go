package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

func roomsSetup(t testing.TB) (*mongo.DB, *app.ReadModel) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	rm, err := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return db, rm
}

// TestRoadshowListsFromMemory compares the read model's roadshow lists
// with the store's, by space, by status and across all, page by page, as
// kept current and as reloaded.
func TestRoadshowListsFromMemory(t *testing.T) {
	db, live := roomsSetup(t)
	ctx := context.Background()
	base := time.Now().Add(-48 * time.Hour)
	statuses := []string{domain.RoadshowScheduled, domain.RoadshowLive, domain.RoadshowEnded}
	for i := 0; i < 23; i++ {
		r := &domain.Roadshow{OwnerID: "o", SpaceID: fmt.Sprint("space", i%3), Title: fmt.Sprint("路演", i), Visibility: domain.VisibilityPublic,
			Status: domain.RoadshowScheduled, StartsAt: base.Add(time.Duration(i%7) * time.Hour), Invited: []string{}, CreatedAt: base, UpdatedAt: base}
		if err := live.CreateRoadshow(ctx, r); err != nil {
			t.Fatal(err)
		}
		if st := statuses[i%3]; st != domain.RoadshowScheduled {
			r.Status = st
			if err := live.UpdateRoadshow(ctx, r, r.Version); err != nil {
				t.Fatal(err)
			}
		}
	}
	tax, _ := taxonomy.Load("")
	reloaded, _ := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err := reloaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	type filter struct{ space, status string }
	filters := []filter{{"", ""}, {"space1", ""}, {"", domain.RoadshowScheduled}, {"", domain.RoadshowEnded}, {"space2", domain.RoadshowLive}, {"nowhere", ""}}
	for _, f := range filters {
		for page := 1; page <= 3; page++ {
			p, _ := domain.NewPage(page, 5)
			want, wantTotal, err := db.ListRoadshows(ctx, f.space, f.status, p)
			if err != nil {
				t.Fatal(err)
			}
			for name, rm := range map[string]*app.ReadModel{"live": live, "reloaded": reloaded} {
				got, total, err := rm.ListRoadshows(ctx, f.space, f.status, p)
				if err != nil || total != wantTotal || fmt.Sprint(showIDs(got)) != fmt.Sprint(showIDs(want)) {
					t.Errorf("%s %+v page %d: %d %v, store %d %v (%v)", name, f, page, total, showIDs(got), wantTotal, showIDs(want), err)
				}
			}
		}
	}
}

func showIDs(rs []domain.Roadshow) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = fmt.Sprintf("%s@%s/%s/v%d", r.ID, r.StartsAt.Format(time.RFC3339Nano), r.Status, r.Version)
	}
	return out
}

// TestEndedRoomRecordFolded: a room that ended more than the settling
// time ago is folded into one stored record on its first read and answers
// the same events as its buckets; a live room and one that just ended are
// read from their buckets and not folded.
func TestEndedRoomRecordFolded(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	now := time.Now()
	longAgo, justNow := now.Add(-time.Hour), now.Add(-10*time.Second)
	shows := map[string]*domain.Roadshow{}
	for name, ended := range map[string]*time.Time{"settled": &longAgo, "just": &justNow, "live": nil} {
		r := &domain.Roadshow{OwnerID: "o", SpaceID: "s", Title: name, Status: domain.RoadshowLive, StartsAt: now.Add(-2 * time.Hour), Invited: []string{}}
		if err := rm.CreateRoadshow(ctx, r); err != nil {
			t.Fatal(err)
		}
		var es []domain.RoomEvent
		for seq := int64(1); seq <= 150; seq++ {
			es = append(es, domain.RoomEvent{RoadshowID: r.ID, Seq: seq, Type: "chat", UserName: name, Data: map[string]any{"text": fmt.Sprint(seq)}, At: now})
		}
		if err := db.InsertRoomEvents(ctx, es); err != nil {
			t.Fatal(err)
		}
		if ended != nil {
			r.Status, r.EndedAt = domain.RoadshowEnded, ended
			if err := rm.UpdateRoadshow(ctx, r, r.Version); err != nil {
				t.Fatal(err)
			}
		}
		shows[name] = r
	}
	for name, r := range shows {
		want, _ := db.RoomEvents(ctx, r.ID)
		wantLog, _ := roadshow.FromRecords(want)
		for range 2 {
			got, err := rm.RoomEvents(ctx, r.ID)
			gotLog, _ := roadshow.FromRecords(got)
			if err != nil || len(got) != 150 || !reflect.DeepEqual(gotLog, wantLog) {
				t.Fatalf("%s: %d events, %v; the buckets have %d", name, len(got), err, len(want))
			}
			got[0].Type = "changed by a caller"
		}
		_, folded, err := db.RoomRecord(ctx, r.ID)
		if err != nil || folded != (name == "settled") {
			t.Errorf("%s: folded %v, %v", name, folded, err)
		}
	}
	// An event stored after the record was folded cannot exist for a
	// settled room; the record, not the buckets, now answers it.
	_ = db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: shows["settled"].ID, Seq: 151, Type: "chat"})
	if got, _ := rm.RoomEvents(ctx, shows["settled"].ID); len(got) != 150 {
		t.Fatalf("settled room answered %d events, want its folded 150", len(got))
	}
}

// TestViewRecomputedAfterChange: a view of memory is built once, served
// while nothing changes, and built again after any applied change.
func TestViewRecomputedAfterChange(t *testing.T) {
	_, rm := roomsSetup(t)
	builds := 0
	view := func() int {
		v, err := rm.View("n", func() (any, error) { builds++; return builds, nil })
		if err != nil {
			t.Fatal(err)
		}
		return v.(int)
	}
	if view() != 1 || view() != 1 {
		t.Fatalf("built %d times with no change in between", builds)
	}
	app.ApplyChange(rm, app.Change{Kind: domain.ChangeInvestor, ID: "i", Investor: &domain.Investor{ID: "i", OwnerID: "u"}})
	if view() != 2 || view() != 2 {
		t.Fatalf("built %d times, want 2 after one change", builds)
	}
}

// TestAttendanceFromMemory: on the embedded engine a roadshow's attendance
// is answered from memory as the database answers it (the first sighting
// kept, the latest name, role and last sighting, first come first), kept
// current and as reloaded; on the MongoDB path, where other processes'
// rooms write attendance too, it is read from the database, so an
// attendance stored by another process shows there and not in memory.
func TestAttendanceFromMemory(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	for i, u := range []string{"u3", "u1", "u2", "u1", "u3", "u4"} {
		seen := base.Add(time.Duration(i) * 1500 * time.Microsecond) // not whole milliseconds
		a := domain.Attendance{RoadshowID: "r", UserID: u, Name: fmt.Sprint("名", i), Role: "investor", FirstSeen: seen, LastSeen: seen}
		if err := rm.SaveAttendance(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := rm.SaveAttendance(ctx, domain.Attendance{RoadshowID: "other", UserID: "u1", FirstSeen: base, LastSeen: base}); err != nil {
		t.Fatal(err)
	}
	want, err := db.AttendanceOf(ctx, "r")
	if err != nil || len(want) != 4 {
		t.Fatalf("the database: %d attendees, %v", len(want), err)
	}
	for i := range want {
		want[i].ID = ""
	}
	tax, _ := taxonomy.Load("")
	reloaded, _ := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err := reloaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for name, m := range map[string]*app.ReadModel{"live": rm, "reloaded": reloaded} {
		got, err := m.AttendanceOf(ctx, "r")
		for i := range got {
			got[i].ID = ""
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: %+v, %v\nthe database: %+v", name, got, err, want)
		}
	}
	// Another process's room stores an attendance: only the database has it.
	if err := db.SaveAttendance(ctx, domain.Attendance{RoadshowID: "r", UserID: "u9", FirstSeen: base, LastSeen: base}); err != nil {
		t.Fatal(err)
	}
	if got, _ := rm.AttendanceOf(ctx, "r"); len(got) != 4 {
		t.Fatalf("memory has %d attendees, want the 4 this process stored", len(got))
	}
	onMongo, _ := app.NewReadModel(mongoPath{db}, tax, slog.New(slog.DiscardHandler))
	if err := onMongo.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := onMongo.AttendanceOf(ctx, "r"); len(got) != 5 {
		t.Fatalf("the MongoDB path answered %d attendees, want the database's 5", len(got))
	}
}

// mongoPath is the database as a real MongoDB's: not the embedded engine.
type mongoPath struct{ *mongo.DB }

func (mongoPath) Embedded() bool { return false }
