package ferret_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestCloseWaitsForReads: a direct read under way when Close is called
// ends before Close closes its handles, so Close's last checkpoint finds
// no reader holding an old snapshot and empties the WAL (a scan left
// running made Close fail with "a reader or writer is still busy"); a
// read asked once Close has begun is refused.
func TestCloseWaitsForReads(t *testing.T) {
	dir := t.TempDir()
	srv, client := startWithClient(t, dir)
	ctx := context.Background()
	col := client.Database("db").Collection("docs")
	for i := range 20 {
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", i)}, {Key: "n", Value: int32(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := client.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	waiting := make(chan struct{})
	var once sync.Once
	srv.OnReadersWait(func() { once.Do(func() { close(waiting) }) }) // the cleanup closes again
	inScan, release := make(chan struct{}), make(chan struct{})
	scanned := make(chan error, 1)
	go func() {
		first := true
		scanned <- srv.ScanDocuments(ctx, "db", "docs", func([]byte) error {
			if first {
				first = false
				close(inScan)
				<-release
			}
			return nil
		})
	}()
	<-inScan
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case <-waiting:
	case err := <-closed:
		close(release)
		t.Fatalf("Close returned (%v) while a read was under way", err)
	}
	if err := srv.ScanDocuments(ctx, "db", "docs", func([]byte) error { return nil }); err == nil {
		t.Error("a read asked once Close had begun was served")
	}
	close(release)
	if err := <-scanned; err != nil {
		t.Fatalf("the read under way: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	wals, _ := filepath.Glob(filepath.Join(dir, "*.sqlite-wal"))
	for _, w := range wals {
		if fi, err := os.Stat(w); err == nil && fi.Size() > 0 {
			t.Errorf("%s holds %d bytes after Close", filepath.Base(w), fi.Size())
		}
	}
}
