package mongo_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// deckBytes returns n bytes that differ from chunk to chunk, so that a
// chunk read in the wrong place shows.
func deckBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// deckSizes are sizes around the chunk boundaries: none, one byte, one
// chunk less a byte, exactly one, one and a byte, several and a part.
var deckSizes = []int{0, 1, mongo.DeckChunkSize - 1, mongo.DeckChunkSize, mongo.DeckChunkSize + 1, 3*mongo.DeckChunkSize + 17}

// TestDeckFiles: a deck file reads back byte for byte at every size, on
// both paths and through both roads of a read (straight from SQLite and
// through the driver); a deleted or unknown file is not found.
func TestDeckFiles(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		ids := map[int]string{}
		for i, n := range deckSizes {
			data := deckBytes(n, uint64(i))
			id, err := db.SaveDeckFile(ctx, "s.pdf", data)
			if err != nil {
				t.Fatalf("save %d bytes: %v", n, err)
			}
			ids[n] = id
			for _, straight := range []bool{true, false} {
				restore := mongo.UseStraightReads(db, straight)
				got, err := db.DeckFile(ctx, id)
				restore()
				if err != nil || !bytes.Equal(got, data) || got == nil {
					t.Fatalf("%d bytes (straight %v): read %d bytes, %v", n, straight, len(got), err)
				}
			}
		}
		if n, err := db.Raw(mongo.ColDeckChunks).CountDocuments(ctx, bson.D{}); err != nil || n != 0+1+1+1+2+4 {
			t.Fatalf("%d chunks stored (%v), want 9", n, err)
		}
		for _, n := range deckSizes {
			if err := db.DeleteDeckFile(ctx, ids[n]); err != nil {
				t.Fatalf("delete %d bytes: %v", n, err)
			}
			if _, err := db.DeckFile(ctx, ids[n]); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("%d bytes after delete: %v", n, err)
			}
			if err := db.DeleteDeckFile(ctx, ids[n]); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("%d bytes deleted twice: %v", n, err)
			}
		}
		for _, col := range []string{mongo.ColDeckChunks, mongo.ColDeckFiles} {
			if n, err := db.Raw(col).CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
				t.Fatalf("%s holds %d documents after every delete (%v)", col, n, err)
			}
		}
		for _, id := range []string{mongo.NewID(), "not-an-id", ""} {
			if _, err := db.DeckFile(ctx, id); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("file %q: %v, want not found", id, err)
			}
		}
	})
}

// TestDeckFilesMissingChunk: a file whose chunk is gone is an error, not
// a deck with a hole.
func TestDeckFilesMissingChunk(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	id, err := db.SaveDeckFile(ctx, "s.pdf", deckBytes(2*mongo.DeckChunkSize, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Raw(mongo.ColDeckChunks).DeleteOne(ctx, bson.D{{Key: "_id", Value: mongo.DeckChunkID(id, 1)}}); err != nil {
		t.Fatal(err)
	}
	if got, err := db.DeckFile(ctx, id); err == nil || domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("read with a chunk missing: %d bytes, %v", len(got), err)
	}
}

// TestDeckFilesNoScan: saving, reading and deleting a deck asks the
// embedded engine for documents by exact _id only (GridFS read fs.files by
// {_id: {$eq}} and fs.chunks by {files_id}, each a scan), on both roads
// of a read.
func TestDeckFilesNoScan(t *testing.T) {
	if os.Getenv("TEST_MONGODB_URI") != "" {
		t.Skip("not run on MongoDB: the scan watcher reports on the embedded engine only")
	}
	db := mongotest.Open(t)
	ctx := context.Background()
	took := recordScans(db)
	data := deckBytes(2*mongo.DeckChunkSize+5, 7)
	for _, straight := range []bool{true, false} {
		restore := mongo.UseStraightReads(db, straight)
		id, err := db.SaveDeckFile(ctx, "s.pdf", data)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.DeckFile(ctx, id); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read %d bytes, %v", len(got), err)
		}
		if err := db.DeleteDeckFile(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SweepDeckWrites(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		restore()
	}
	if seen := took(); len(seen) != 0 {
		t.Fatalf("a deck's save, read and delete scanned: %+v", seen)
	}
}

// TestDeckWritesSweptAfterCrash: an upload killed between its chunks and
// its file document leaves chunks no file names, and a deletion killed
// after the file document's delete leaves its chunks; the sweep after a
// restart deletes both, keeps the files stored whole, and leaves a write
// begun since the start alone.
func TestDeckWritesSweptAfterCrash(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		kept := deckBytes(2*mongo.DeckChunkSize, 1)
		keptID, err := db.SaveDeckFile(ctx, "kept.pdf", kept)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CutDeckUpload(ctx, deckBytes(3*mongo.DeckChunkSize, 2), 2); err != nil {
			t.Fatal(err)
		}
		gone, err := db.SaveDeckFile(ctx, "gone.pdf", deckBytes(mongo.DeckChunkSize+1, 3))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.CutDeckDelete(ctx, gone); err != nil {
			t.Fatal(err)
		}
		chunks := func() int64 {
			n, err := db.Raw(mongo.ColDeckChunks).CountDocuments(ctx, bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := chunks(); n != 2+2+2 {
			t.Fatalf("%d chunks before the sweep, want 6", n)
		}
		start := time.Now()
		if db.Embedded() {
			// Written after this process began: the sweep leaves it (on
			// MongoDB it is younger than the grace as well).
			if _, err := db.CutDeckUpload(ctx, deckBytes(10, 4), 1); err != nil {
				t.Fatal(err)
			}
			start = start.Add(-time.Millisecond)
		}
		if !db.Embedded() {
			start = time.Now().Add(2 * time.Hour) // the MongoDB path keeps its hour of grace
		}
		n, err := db.SweepDeckWrites(ctx, start)
		if err != nil {
			t.Fatal(err)
		}
		if db.Embedded() && n != 2 || !db.Embedded() && n != 0 {
			t.Fatalf("swept %d writes", n)
		}
		if !db.Embedded() {
			return // the writes are minutes old, not an hour: nothing is taken for cut short
		}
		if got := chunks(); got != 2+1 {
			t.Fatalf("%d chunks after the sweep, want the kept file's 2 and the new upload's 1", got)
		}
		if got, err := db.DeckFile(ctx, keptID); err != nil || !bytes.Equal(got, kept) {
			t.Fatalf("the stored file after the sweep: %d bytes, %v", len(got), err)
		}
		if _, err := db.DeckFile(ctx, gone); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("the deleted file after the sweep: %v", err)
		}
		if n, err := db.SweepDeckWrites(ctx, time.Now()); err != nil || n != 1 {
			t.Fatalf("the next start's sweep: %d, %v; want the later cut upload", n, err)
		}
		if got := chunks(); got != 2 {
			t.Fatalf("%d chunks after the second sweep, want 2", got)
		}
	})
}
