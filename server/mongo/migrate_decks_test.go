package mongo_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// gridDeck is a deck as releases up to version 11 stored it: in the
// driver's GridFS, its record pointing at the file's ObjectID in hex.
type gridDeck struct {
	startup string
	data    []byte
	fileID  string
}

// writeGridDecks stores decks the way version 11 did (mongo.DB's
// SaveDeckFile was the driver's GridFS upload with its default chunks),
// one of them with chunks of another size, and a chunk an upload GridFS
// never finished left behind.
func writeGridDecks(t *testing.T, db *mongo.DB) []gridDeck {
	t.Helper()
	ctx := context.Background()
	decks := []gridDeck{
		{startup: "empty", data: []byte{}},
		{startup: "small", data: deckBytes(1000, 1)},
		{startup: "onechunk", data: deckBytes(mongo.DeckChunkSize, 2)},
		{startup: "several", data: deckBytes(3*mongo.DeckChunkSize+100, 3)},
		{startup: "smallchunks", data: deckBytes(10_000, 4)},
	}
	for i := range decks {
		opts := options.GridFSBucket()
		if decks[i].startup == "smallchunks" {
			opts.SetChunkSizeBytes(4096)
		}
		bucket := db.Raw(mongo.ColGridFiles).Database().GridFSBucket(opts)
		id, err := bucket.UploadFromStream(ctx, decks[i].startup+".pdf", bytes.NewReader(decks[i].data))
		if err != nil {
			t.Fatal(err)
		}
		decks[i].fileID = id.Hex()
		if err := db.SaveDeck(ctx, &domain.Deck{StartupID: decks[i].startup, FileID: id.Hex(), Size: int64(len(decks[i].data)), Grants: []string{}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Raw(mongo.ColGridChunks).InsertOne(ctx, bson.M{"files_id": bson.NewObjectID(), "n": 0, "data": []byte("cut short")}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 11); err != nil {
		t.Fatal(err)
	}
	return decks
}

// checkDecksMigrated reads every deck through its record, byte for byte,
// and finds GridFS gone.
func checkDecksMigrated(t *testing.T, db *mongo.DB, decks []gridDeck) {
	t.Helper()
	ctx := context.Background()
	if v, err := db.StoredSchemaVersion(ctx); err != nil || v != mongo.SchemaVersion {
		t.Fatalf("version %d, %v", v, err)
	}
	for _, d := range decks {
		dk, err := db.DeckOf(ctx, d.startup)
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.DeckFile(ctx, dk.FileID)
		if err != nil || !bytes.Equal(got, d.data) {
			t.Fatalf("deck %s after the step: %d bytes of %d, %v", d.startup, len(got), len(d.data), err)
		}
	}
	names, err := db.Raw(mongo.ColGridFiles).Database().ListCollectionNames(ctx, bson.D{{Key: "name", Value: bson.D{{Key: "$in", Value: bson.A{mongo.ColGridFiles, mongo.ColGridChunks}}}}})
	if err != nil || len(names) != 0 {
		t.Fatalf("GridFS collections after the step: %v, %v", names, err)
	}
	// 1 + 1 + 4 + 3 chunks of the default size, 3 of 4 KiB; none of the
	// upload GridFS never finished.
	if n, err := db.Raw(mongo.ColDeckChunks).CountDocuments(ctx, bson.D{}); err != nil || n != 1+1+4+3 {
		t.Fatalf("%d chunks after the step (%v), want 9", n, err)
	}
}

// TestVersion11GridFSDecksMigrated: decks written by version 11 in GridFS
// read byte for byte after step 11 → 12, through their records' file ids,
// and can then be deleted; running the step again changes nothing.
func TestVersion11GridFSDecksMigrated(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		decks := writeGridDecks(t, db)
		if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != 11 {
			t.Fatalf("migrate from %d: %v", from, err)
		}
		checkDecksMigrated(t, db, decks)
		if err := db.SetStoredSchemaVersion(ctx, 11); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		checkDecksMigrated(t, db, decks)
		if err := db.DeleteDeckFile(ctx, decks[3].fileID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.DeckFile(ctx, decks[3].fileID); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a migrated deck after its delete: %v", err)
		}
	})
}

// TestGridFSDeckStepResumes: a start killed part-way through step 11 → 12
// (in its first phase, some chunks copied; in its second, every chunk
// copied and one file's document written) completes it on the next
// start, every deck whole.
func TestGridFSDeckStepResumes(t *testing.T) {
	for _, cut := range []string{"deck_chunks", "deck_files"} {
		t.Run("killed in "+cut, func(t *testing.T) {
			db := mongotest.Open(t)
			ctx := context.Background()
			decks := writeGridDecks(t, db)
			several := decks[3]
			done := bson.A{}
			if cut == "deck_chunks" {
				if _, err := db.Raw(mongo.ColDeckChunks).InsertOne(ctx, bson.M{"_id": mongo.DeckChunkID(several.fileID, 0), "data": several.data[:mongo.DeckChunkSize]}); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := db.RunMigrationPhase(ctx, 12, "deck_chunks"); err != nil {
					t.Fatal(err)
				}
				done = append(done, "deck_chunks")
				if _, err := db.Raw(mongo.ColDeckFiles).InsertOne(ctx, bson.M{"_id": several.fileID, "name": "several.pdf", "length": int64(len(several.data)),
					"chunkSize": mongo.DeckChunkSize, "chunks": 4, "uploadedAt": time.Now()}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := db.Raw("meta").InsertOne(ctx, bson.M{"_id": "migration", "to": 12, "done": done}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			checkDecksMigrated(t, db, decks)
		})
	}
}
