package mongo_test

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestScansWatched pins what the scan watcher reports on the embedded
// engine: a read or write by exact _id is not a scan; a filtered list, a
// count and a write with a compound filter are, each named by its
// collection, command and field names (never values).
func TestScansWatched(t *testing.T) {
	if os.Getenv("TEST_MONGODB_URI") != "" {
		t.Skip("not run on MongoDB: the scan watcher reports on the embedded engine only, where a filter not exactly {_id} decodes the whole collection")
	}
	db := mongotest.Open(t)
	ctx := context.Background()
	took := recordScans(db)

	s := &domain.Startup{Name: "越芯", Sector: "ic", Stage: "seed", District: "keqiao", Status: domain.StatusPublished, OwnerID: "o1", UpdatedAt: time.Now()}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	took()
	if _, err := db.StartupByID(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if got := took(); len(got) != 0 {
		t.Fatalf("a read by _id reported as scans: %+v", got)
	}

	if _, _, err := db.ListStartups(ctx, domain.StartupFilter{Sector: "ic"}, domain.Page{Page: 1, PageSize: 20}); err != nil {
		t.Fatal(err)
	}
	got := took()
	if len(got) == 0 {
		t.Fatal("a filtered list was not reported as a scan")
	}
	found := false
	for _, sc := range got {
		if sc.Collection == "startups" && sc.Command == "find" && sc.Filter != "" {
			found = true
		}
		if sc.Filter == "" || sc.Collection == "" {
			t.Errorf("scan without its collection or filter shape: %+v", sc)
		}
	}
	if !found {
		t.Fatalf("no find on startups among %+v", got)
	}
	t.Logf("reported: %+v", got)
}

// TestWarmReadsWhatMemoryHolds pins that after Warm the dispatcher's pass
// and the figures' history read no collection on the embedded engine: the
// server warms before /readyz, so neither scans once users are served.
func TestWarmReadsWhatMemoryHolds(t *testing.T) {
	if os.Getenv("TEST_MONGODB_URI") != "" {
		t.Skip("not run on MongoDB: Warm holds nothing there, and the scan watcher reports on the embedded engine only")
	}
	db := mongotest.Open(t)
	ctx := context.Background()
	if err := db.SaveSnapshot(ctx, &domain.Snapshot{Date: "2026-11-27"}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeInvestor, DocID: "i1"}); err != nil {
		t.Fatal(err)
	}
	if err := db.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	took := recordScans(db)
	marks, err := db.PendingOutbox(ctx, 100)
	if err != nil || len(marks) != 1 {
		t.Fatalf("PendingOutbox = %v, %v; want the one mark", marks, err)
	}
	days, err := db.Snapshots(ctx, "2026-01-01")
	if err != nil || len(days) != 1 {
		t.Fatalf("Snapshots = %v, %v; want the one day", days, err)
	}
	if scans := took(); len(scans) != 0 {
		t.Fatalf("after Warm, reads scanned: %+v", scans)
	}
}

// recordScans watches db's scans; the function it returns gives those
// reported since its last call.
func recordScans(db *mongo.DB) func() []mongo.Scan {
	var mu sync.Mutex
	var seen []mongo.Scan
	db.WatchScans(func(s mongo.Scan) { mu.Lock(); seen = append(seen, s); mu.Unlock() })
	return func() []mongo.Scan {
		mu.Lock()
		defer mu.Unlock()
		out := seen
		seen = nil
		return out
	}
}

// TestWarmFindsDrops: after Warm, which reads the drops' ids, a fan-out
// (the alerts a start dispatches before it is ready) and a read of a user
// who had no drops probe for none; and the start's sweep deletes the dead
// drops among the ids Warm found, without reading them again.
func TestWarmFindsDrops(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("drops are the embedded engine's path")
	}
	ctx := context.Background()
	fanOut(t, db, []string{"u", "v"}, "match", false)
	if err := db.MarkRead(ctx, "u", nil); err != nil { // absorbs u's drop 0
		t.Fatal(err)
	}
	waitDrops(t, db, 1)
	// As a crash between an absorb's head write and the sweep leaves it.
	if _, err := db.Raw(mongo.ColNoteDrops).InsertOne(ctx, bson.D{{Key: "_id", Value: "u/00000000"}, {Key: "items", Value: bson.A{}}}); err != nil {
		t.Fatal(err)
	}
	db.RestartDropHints() // a start
	if err := db.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	before := db.DropProbes()
	fanOut(t, db, []string{"w", "x", "y"}, "match", false)
	if _, total, _, err := db.ListNotifications(ctx, "z", false, mustPage(t, 1, 20)); err != nil || total != 0 {
		t.Fatalf("an empty log: %d, %v", total, err)
	}
	if n := db.DropProbes() - before; n != 0 {
		t.Fatalf("after Warm, %d probes for drops", n)
	}
	if got, total, _, err := db.ListNotifications(ctx, "x", false, mustPage(t, 1, 20)); err != nil || total != 1 || len(got) != 1 {
		t.Fatalf("x's alert after Warm: %d listed, total %d, %v", len(got), total, err)
	}
	if n, err := db.SweepDeadDrops(ctx); err != nil || n != 1 {
		t.Fatalf("dead drops queued: %d, %v; want u's 1", n, err)
	}
	waitDrops(t, db, 4) // u's dead one deleted; v's, w's, x's and y's wait
}
