package ferret

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// startFast starts a server in dir whose checkpointer looks every few
// milliseconds, and a driver client on it.
func startFast(t *testing.T, dir string) (*Server, *mongo.Client) {
	t.Helper()
	s, err := Start(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	every(t, s, 5*time.Millisecond)
	client, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
	if err != nil {
		_ = s.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return s, client
}

// every replaces s's checkpointer by one that looks every d.
func every(t *testing.T, s *Server, d time.Duration) {
	t.Helper()
	s.ckpt.stop()
	for _, db := range s.ckpt.dbs {
		_ = db.Close()
	}
	s.ckpt = newCheckpointer(s.dir, d)
}

// waitRounds returns once the checkpointer has finished n more rounds of
// looks than it had when called.
func waitRounds(t *testing.T, s *Server, n int64) {
	t.Helper()
	want := s.ckpt.runs.Load() + n
	deadline := time.Now().Add(time.Minute)
	for s.ckpt.runs.Load() < want {
		if time.Now().After(deadline) {
			t.Fatal("the checkpointer stopped looking")
		}
		time.Sleep(time.Millisecond)
	}
}

func walSize(t *testing.T, file string) int64 {
	t.Helper()
	fi, err := os.Stat(file + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestWALStaysBounded writes a stream of documents, each its own commit,
// letting the checkpointer look between batches, and checks that the WAL
// file stays far smaller than the stream's pages: with FerretDB's
// connections not checkpointing (wal_autocheckpoint(0)), only the
// checkpointer copies the WAL back and lets writers start it again from
// its beginning. Then Close leaves no WAL, and a new start finds every
// document.
func TestWALStaysBounded(t *testing.T) {
	dir := t.TempDir()
	s, client := startFast(t, dir)
	ctx := context.Background()
	col := client.Database("db").Collection("things")
	file := filepath.Join(dir, "db.sqlite")
	pad := strings.Repeat("越", 1500) // 4.5 KB: each document takes more than a page
	const batches, perBatch = 30, 20
	most := int64(0)
	for b := 0; b < batches; b++ {
		for i := 0; i < perBatch; i++ {
			if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%03d-%02d", b, i)}, {Key: "pad", Value: pad}}); err != nil {
				t.Fatal(err)
			}
		}
		// The straight reads keep their statements prepared between reads
		// (modernc.org/sqlite since v1.62): one kept open would pin the
		// WAL, and the checkpoints could not restart it.
		for _, field := range []string{"", "pad"} {
			id := fmt.Sprintf("%03d-%02d", b, b%perBatch)
			var found bool
			var err error
			if field == "" {
				_, found, err = s.ReadDocument(ctx, "db", "things", id)
			} else {
				_, found, err = s.ReadBinary(ctx, "db", "things", id, field)
			}
			if err != nil || (field == "" && !found) {
				t.Fatalf("straight read of %s: %v, found %v", id, err, found)
			}
		}
		most = max(most, walSize(t, file))
		waitRounds(t, s, 2)
	}
	// The stream wrote at least two pages a document; all of them in one
	// WAL would be this large.
	stream := int64(batches * perBatch * 2 * 4096)
	if s.ckpt.checkpoints.Load() == 0 || most > stream/4 {
		t.Fatalf("WAL reached %d bytes after %d checkpoints, for a stream of at least %d bytes: the WAL is not being restarted",
			most, s.ckpt.checkpoints.Load(), stream)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walSize(t, file); n != 0 {
		t.Fatalf("Close left a WAL of %d bytes", n)
	}

	s2, client2 := startFast(t, dir)
	defer s2.Close()
	n, err := client2.Database("db").Collection("things").CountDocuments(ctx, bson.D{})
	if err != nil || n != batches*perBatch {
		t.Fatalf("after a restart: %d documents, %v; want %d", n, err, batches*perBatch)
	}
}

// TestCommitsDoNotCheckpoint checks that FerretDB's connections leave the
// WAL to the checkpointer: with the checkpointer stopped, a stream of
// commits far past SQLite's default threshold (1,000 pages) copies
// nothing back into the database file.
func TestCommitsDoNotCheckpoint(t *testing.T) {
	dir := t.TempDir()
	s, client := startFast(t, dir)
	defer s.Close()
	ctx := context.Background()
	col := client.Database("db").Collection("things")
	if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: "first"}}); err != nil {
		t.Fatal(err)
	}
	waitRounds(t, s, 2) // the collection's creation copied back
	every(t, s, time.Hour)
	file := filepath.Join(dir, "db.sqlite")
	before, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("越", 1500)
	for i := 0; i < 600; i++ {
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprint(i)}, {Key: "pad", Value: pad}}); err != nil {
			t.Fatal(err)
		}
	}
	after, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if w := walSize(t, file); w < 1000*4096 || after.Size() != before.Size() {
		t.Fatalf("database file %d → %d bytes, WAL %d bytes: a commit checkpointed", before.Size(), after.Size(), w)
	}
}
