package mongo_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// BenchmarkDeckRead reads random decks of a city-sized store (500 decks of
// 2 MB, DECK_BENCH_DECKS to change the count), each stored twice in one
// embedded database: in GridFS as version 11 did (the baseline) and in
// deck_files/deck_chunks, read straight from SQLite and through the
// driver. docs/STORAGE.md records the figures:
//
//	go test -run '^$' -bench DeckRead -benchtime 20x ./server/mongo/
func BenchmarkDeckRead(b *testing.B) {
	n := 500
	if s := os.Getenv("DECK_BENCH_DECKS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	const size = 2_000_000
	db := mongotest.Open(b)
	ctx := context.Background()
	bucket := db.Raw(mongo.ColGridFiles).Database().GridFSBucket()
	grid := make([]bson.ObjectID, n)
	files := make([]string, n)
	data := deckBytes(size, 1)
	for i := range n {
		data[0], data[1] = byte(i), byte(i>>8) // each deck its own
		id, err := bucket.UploadFromStream(ctx, "deck.pdf", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		grid[i] = id
		if files[i], err = db.SaveDeckFile(ctx, "deck.pdf", data); err != nil {
			b.Fatal(err)
		}
	}
	check := func(got []byte, i int) {
		if len(got) != size || got[0] != byte(i) || got[1] != byte(i>>8) {
			b.Fatalf("deck %d: %d bytes", i, len(got))
		}
	}
	b.Run("gridfs-baseline", func(b *testing.B) {
		// Each read decodes all of fs.chunks: past the client's 30 s
		// default at this size, so the read's own deadline is longer.
		ctx, cancel := context.WithTimeout(ctx, time.Hour)
		defer cancel()
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			i := r.IntN(n)
			s, err := bucket.OpenDownloadStream(ctx, grid[i])
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.ReadAll(s)
			_ = s.Close()
			if err != nil {
				b.Fatal(err)
			}
			check(got, i)
		}
	})
	for _, straight := range []bool{true, false} {
		b.Run(map[bool]string{true: "files-straight", false: "files-driver"}[straight], func(b *testing.B) {
			defer mongo.UseStraightReads(db, straight)()
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				i := r.IntN(n)
				got, err := db.DeckFile(ctx, files[i])
				if err != nil {
					b.Fatal(err)
				}
				check(got, i)
			}
		})
	}
}

// BenchmarkDeckStep times step 11 → 12 on a city's GridFS decks (500 of
// 2 MB, DECK_BENCH_DECKS to change the count); run it once each time:
//
//	go test -run '^$' -bench DeckStep -benchtime 1x ./server/mongo/
func BenchmarkDeckStep(b *testing.B) {
	n := 500
	if s := os.Getenv("DECK_BENCH_DECKS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	db := mongotest.Open(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	bucket := db.Raw(mongo.ColGridFiles).Database().GridFSBucket()
	data := deckBytes(2_000_000, 1)
	ids := make([]string, n)
	for i := range n {
		data[0], data[1] = byte(i), byte(i>>8)
		id, err := bucket.UploadFromStream(ctx, "deck.pdf", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = id.Hex()
	}
	for b.Loop() {
		if err := db.SetStoredSchemaVersion(ctx, 11); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			b.Fatal(err)
		}
	}
	i := n / 2
	if got, err := db.DeckFile(ctx, ids[i]); err != nil || len(got) != len(data) || got[0] != byte(i) || got[1] != byte(i>>8) {
		b.Fatalf("deck %d after the step: %d bytes, %v", i, len(got), err)
	}
}
