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
