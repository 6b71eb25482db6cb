package mongo_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestRoomEventBuckets: a roadshow's events over several buckets come back
// in order; a sequence number stored twice is refused, also when two
// writers race with it, on both paths.
func TestRoomEventBuckets(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		for seq := int64(1); seq <= 250; seq++ {
			if err := db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: "r", Seq: seq, Type: "chat", At: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		_ = db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: "other", Seq: 1, Type: "chat"})
		evs, err := db.RoomEvents(ctx, "r")
		if err != nil || len(evs) != 250 {
			t.Fatalf("%d events, %v; want 250", len(evs), err)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d", i, e.Seq)
			}
		}
		errs := race(6, func(int) error {
			return db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: "r", Seq: 251, Type: "chat"})
		})
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if !domain.IsKind(err, domain.KindConflict) {
				t.Fatalf("duplicate seq: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d writers stored seq 251, want 1", won)
		}
		if evs, _ := db.RoomEvents(ctx, "r"); len(evs) != 251 {
			t.Fatalf("%d events after the race, want 251", len(evs))
		}
		// Many at once, a bucket a write, across bucket boundaries; a
		// stored seq is refused.
		var batch []domain.RoomEvent
		for seq := int64(252); seq <= 420; seq++ {
			batch = append(batch, domain.RoomEvent{RoadshowID: "r", Seq: seq, Type: "chat", At: time.Now()})
		}
		if err := db.AppendRoomEvents(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := db.AppendRoomEvents(ctx, batch[len(batch)-1:]); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("a stored seq appended again: %v", err)
		}
		evs, _ = db.RoomEvents(ctx, "r")
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("after the batch, event %d has seq %d", i, e.Seq)
			}
		}
		if len(evs) != 420 {
			t.Fatalf("%d events after the batch, want 420", len(evs))
		}
	})
}

// TestOwnerLists pins the lists behind registrations, attendance, interest
// in a startup, deck views, intros and pipelines.
func TestOwnerLists(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	for _, u := range []string{"a", "b", "c", "a"} {
		if _, err := db.Register(ctx, domain.Registration{RoadshowID: "r", UserID: u}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.CountRegistrations(ctx, "r"); err != nil || n != 3 {
		t.Fatalf("registrations %d, %v", n, err)
	}
	if users, _ := db.RegisteredUsers(ctx, "r"); !slices.Equal(users, []string{"a", "b", "c"}) {
		t.Fatalf("registered %v", users)
	}
	if ok, _ := db.IsRegistered(ctx, "r", "b"); !ok {
		t.Fatal("b not registered")
	}
	if ok, _ := db.IsRegistered(ctx, "r", "z"); ok {
		t.Fatal("z registered")
	}

	t0 := time.Now().UTC().Truncate(time.Millisecond)
	for i, u := range []string{"c", "a", "b"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		if err := db.SaveAttendance(ctx, domain.Attendance{RoadshowID: "r", UserID: u, FirstSeen: at, LastSeen: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveAttendance(ctx, domain.Attendance{RoadshowID: "r", UserID: "c", FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	att, err := db.AttendanceOf(ctx, "r")
	if err != nil || len(att) != 3 || att[0].UserID != "c" || !att[0].LastSeen.Equal(t0.Add(time.Hour)) || att[2].UserID != "b" {
		t.Fatalf("attendance %+v, %v", att, err)
	}

	for _, inv := range []string{"i1", "i2", "i3"} {
		if err := db.SaveFeedback(ctx, domain.Feedback{InvestorID: inv, StartupID: "s", Action: domain.FeedbackInterested}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteFeedback(ctx, "i2", "s"); err != nil {
		t.Fatal(err)
	}
	fb, err := db.FeedbackOn(ctx, "s")
	if err != nil || len(fb) != 2 || fb[0].InvestorID != "i1" || fb[1].InvestorID != "i3" {
		t.Fatalf("feedback %+v, %v", fb, err)
	}

	var views []string
	for i := range 3 {
		v := &domain.DeckView{StartupID: "s", ViewerID: fmt.Sprint("v", i)}
		if err := db.AddDeckView(ctx, v); err != nil {
			t.Fatal(err)
		}
		views = append(views, v.ID)
	}
	if err := db.UpdateDeckView(ctx, views[1], func(v *domain.DeckView) error { v.Pages = map[string]float64{"1": 12}; return nil }); err != nil {
		t.Fatal(err)
	}
	dv, err := db.DeckViewsOf(ctx, "s")
	if err != nil || len(dv) != 3 || dv[0].ID != views[2] || dv[1].Pages["1"] != 12 {
		t.Fatalf("deck views %+v, %v", dv, err)
	}

	var intros []string
	for _, s := range []string{"s1", "s2"} {
		in := &domain.Intro{StartupID: s, FounderID: "f", InvestorUserID: "iu", Status: "pending"}
		if err := db.CreateIntro(ctx, in); err != nil {
			t.Fatal(err)
		}
		intros = append(intros, in.ID)
	}
	for _, u := range []string{"f", "iu"} {
		got, err := db.IntrosOf(ctx, u)
		if err != nil || len(got) != 2 || got[0].ID != intros[1] {
			t.Fatalf("intros of %s: %+v, %v", u, got, err)
		}
	}
	for i, s := range []string{"s1", "s2", "s1"} {
		if err := db.SavePipelineItem(ctx, domain.PipelineItem{InvestorID: "iu", StartupID: s, Stage: fmt.Sprint(i), UpdatedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	pl, err := db.PipelineOf(ctx, "iu")
	if err != nil || len(pl) != 2 || pl[0].StartupID != "s1" || pl[0].Stage != "2" {
		t.Fatalf("pipeline %+v, %v", pl, err)
	}
}

// TestMigrateLists: version 3's documents are found through the lists and
// the event buckets after migration 4, and a re-run converges.
func TestMigrateLists(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	raw := map[string][]any{
		"roadshow_registrations": {domain.Registration{ID: "r:a", RoadshowID: "r", UserID: "a"}, domain.Registration{ID: "r:b", RoadshowID: "r", UserID: "b"}},
		"roadshow_attendance":    {domain.Attendance{ID: "r:a", RoadshowID: "r", UserID: "a", FirstSeen: t0}},
		"feedback":               {domain.Feedback{ID: "i:s", InvestorID: "i", StartupID: "s", Action: "interested"}},
		"deck_views":             {domain.DeckView{ID: mongo.NewID(), StartupID: "s", ViewerID: "i"}},
		"intros":                 {domain.Intro{ID: mongo.NewID(), FounderID: "f", InvestorUserID: "i", StartupID: "s"}},
		"pipeline":               {domain.PipelineItem{ID: "i:s", InvestorID: "i", StartupID: "s", Stage: "watch"}},
	}
	for seq := int64(1); seq <= 120; seq++ {
		raw["roadshow_events"] = append(raw["roadshow_events"], domain.RoomEvent{ID: fmt.Sprintf("r:%012d", seq), RoadshowID: "r", Seq: seq, Type: "chat"})
	}
	for col, docs := range raw {
		if _, err := db.Raw(col).InsertMany(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetStoredSchemaVersion(ctx, 3); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.CountRegistrations(ctx, "r"); n != 2 {
			t.Fatalf("registrations %d", n)
		}
		if a, _ := db.AttendanceOf(ctx, "r"); len(a) != 1 {
			t.Fatalf("attendance %d", len(a))
		}
		if f, _ := db.FeedbackOn(ctx, "s"); len(f) != 1 {
			t.Fatalf("feedback %d", len(f))
		}
		if v, _ := db.DeckViewsOf(ctx, "s"); len(v) != 1 {
			t.Fatalf("deck views %d", len(v))
		}
		if i, _ := db.IntrosOf(ctx, "f"); len(i) != 1 {
			t.Fatalf("intros %d", len(i))
		}
		if p, _ := db.PipelineOf(ctx, "i"); len(p) != 1 {
			t.Fatalf("pipeline %d", len(p))
		}
		if e, _ := db.RoomEvents(ctx, "r"); len(e) != 120 || e[119].Seq != 120 {
			t.Fatalf("events %d", len(e))
		}
		if err := db.SetStoredSchemaVersion(ctx, 3); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOwnerAndScheduleLists: a founder's startups (drafts too), a space's
// roadshows and the scheduled ones are read through their lists, and
// follow deletes and status changes.
func TestOwnerAndScheduleLists(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	var mine []string
	for i, st := range []string{domain.StatusDraft, domain.StatusPublished, domain.StatusPublished} {
		s := &domain.Startup{Name: fmt.Sprint(i), OwnerID: "f", Status: st, Sector: "ic", UpdatedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		mine = append(mine, s.ID)
	}
	_ = db.CreateStartup(ctx, &domain.Startup{Name: "x", OwnerID: "g", Status: domain.StatusPublished})
	got, total, err := db.ListStartups(ctx, domain.StartupFilter{OwnerID: "f"}, mustPage(t, 1, 2))
	if err != nil || total != 3 || len(got) != 2 || got[0].ID != mine[2] || got[1].ID != mine[1] {
		t.Fatalf("mine: %d of %d, %v", len(got), total, err)
	}
	if n, _ := db.CountStartups(ctx, domain.StartupFilter{OwnerID: "f", Status: domain.StatusPublished}); n != 2 {
		t.Fatalf("published of mine: %d", n)
	}
	if err := db.DeleteStartup(ctx, mine[0]); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountStartups(ctx, domain.StartupFilter{OwnerID: "f"}); n != 2 {
		t.Fatalf("after a delete: %d", n)
	}

	var shows []*domain.Roadshow
	for i, sp := range []string{"sp1", "sp1", "sp2"} {
		r := &domain.Roadshow{SpaceID: sp, Title: fmt.Sprint(i), Status: domain.RoadshowScheduled, StartsAt: t0.Add(time.Duration(3-i) * time.Hour)}
		if err := db.CreateRoadshow(ctx, r); err != nil {
			t.Fatal(err)
		}
		shows = append(shows, r)
	}
	shows[0].Status = domain.RoadshowLive
	if err := db.UpdateRoadshow(ctx, shows[0], 1); err != nil {
		t.Fatal(err)
	}
	sched, total, err := db.ListRoadshows(ctx, "", domain.RoadshowScheduled, mustPage(t, 1, 20))
	if err != nil || total != 2 || sched[0].ID != shows[2].ID || sched[1].ID != shows[1].ID {
		t.Fatalf("scheduled: %+v (%d), %v", sched, total, err)
	}
	inSpace, total, err := db.ListRoadshows(ctx, "sp1", "", mustPage(t, 1, 20))
	if err != nil || total != 2 || inSpace[0].ID != shows[1].ID {
		t.Fatalf("space sp1: %d, %v", total, err)
	}
	if live, total, _ := db.ListRoadshows(ctx, "sp1", domain.RoadshowLive, mustPage(t, 1, 20)); total != 1 || live[0].ID != shows[0].ID {
		t.Fatalf("live in sp1: %d", total)
	}
	if all, total, _ := db.ListRoadshows(ctx, "", "", mustPage(t, 1, 20)); total != 3 || len(all) != 3 {
		t.Fatalf("all roadshows: %d", total)
	}
}

// TestMigrateOwnerLists: migration 5 lists version 4's startups and
// roadshows.
func TestMigrateOwnerLists(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if _, err := db.Raw("startups").InsertMany(ctx, []any{domain.Startup{ID: mongo.NewID(), OwnerID: "f", Status: domain.StatusDraft}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Raw("roadshows").InsertMany(ctx, []any{domain.Roadshow{ID: mongo.NewID(), SpaceID: "sp", Status: domain.RoadshowScheduled}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountStartups(ctx, domain.StartupFilter{OwnerID: "f"}); n != 1 {
		t.Fatalf("founder's startups after migration: %d", n)
	}
	if _, n, _ := db.ListRoadshows(ctx, "", domain.RoadshowScheduled, mustPage(t, 1, 20)); n != 1 {
		t.Fatalf("scheduled after migration: %d", n)
	}
	if _, n, _ := db.ListRoadshows(ctx, "sp", "", mustPage(t, 1, 20)); n != 1 {
		t.Fatalf("space's roadshows after migration: %d", n)
	}
}
