package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// TestRoadshowByIDFromMemory: on the embedded engine a roadshow by id is
// answered from memory as the database gives it back (times to the
// millisecond in UTC, slots, invitations, start and end), as kept current
// and as reloaded; a copy changed by its caller changes nothing held; an
// unknown id is not found; a write by another process reaches only the
// MongoDB path, which reads the database.
func TestRoadshowByIDFromMemory(t *testing.T) {
	db, live := roomsSetup(t)
	ctx := context.Background()
	base := time.Now().Add(-48 * time.Hour).Add(1500 * time.Microsecond) // not whole milliseconds
	var ids []string
	for i := range 5 {
		r := &domain.Roadshow{OwnerID: "o", SpaceID: fmt.Sprint("space", i%2), Title: fmt.Sprint("路演", i), Visibility: domain.VisibilityPublic,
			Status: domain.RoadshowScheduled, StartsAt: base.Add(time.Duration(i) * time.Hour), Invited: []string{}, CreatedAt: base, UpdatedAt: base,
			Slots: []domain.Slot{{StartupID: fmt.Sprint("s", i), StartupName: "项目", OwnerID: "f", Minutes: 10}}}
		if i == 3 {
			r.Invited = []string{"inv1"}
		}
		if err := live.CreateRoadshow(ctx, r); err != nil {
			t.Fatal(err)
		}
		if i%2 == 1 {
			began, ended := base.Add(time.Hour), base.Add(2*time.Hour)
			r.Status, r.StartedAt, r.EndedAt, r.Registered = domain.RoadshowEnded, &began, &ended, 7
			if err := live.UpdateRoadshow(ctx, r, r.Version); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, r.ID)
	}
	tax, _ := taxonomy.Load("")
	reloaded, _ := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err := reloaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	asJSON := func(r *domain.Roadshow) string { b, _ := json.Marshal(r); return string(b) }
	for _, id := range ids {
		want, err := db.RoadshowByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for name, rm := range map[string]*app.ReadModel{"live": live, "reloaded": reloaded} {
			got, err := rm.RoadshowByID(ctx, id)
			if err != nil || asJSON(got) != asJSON(want) {
				t.Fatalf("%s %s: %v\n got %s\nwant %s", name, id, err, asJSON(got), asJSON(want))
			}
			got.Title, got.Slots[0].StartupName, got.Registered = "changed", "changed", 99
			if again, _ := rm.RoadshowByID(ctx, id); asJSON(again) != asJSON(want) {
				t.Fatalf("%s %s: a caller's change reached memory: %s", name, id, asJSON(again))
			}
		}
	}
	if _, err := live.RoadshowByID(ctx, "5ca1e0000000000000000000"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("an unknown roadshow: %v", err)
	}
	onMongo, _ := app.NewReadModel(mongoPath{db}, tax, slog.New(slog.DiscardHandler))
	if err := onMongo.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Another process renames one: only the database has it.
	other, _ := db.RoadshowByID(ctx, ids[0])
	other.Title = "别处改的"
	if err := db.UpdateRoadshow(ctx, other, other.Version); err != nil {
		t.Fatal(err)
	}
	if got, _ := live.RoadshowByID(ctx, ids[0]); got.Title != "路演0" {
		t.Fatalf("memory answered %q, want this process's last write", got.Title)
	}
	if got, err := onMongo.RoadshowByID(ctx, ids[0]); err != nil || got.Title != "别处改的" {
		t.Fatalf("the MongoDB path answered %v, %v; want the database's", got, err)
	}
}
