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
	var mu sync.Mutex
	var seen []mongo.Scan
	db.WatchScans(func(s mongo.Scan) { mu.Lock(); seen = append(seen, s); mu.Unlock() })
	took := func() []mongo.Scan {
		mu.Lock()
		defer mu.Unlock()
		out := seen
		seen = nil
		return out
	}

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
