package mongo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// A deck's file is stored as a file document and its chunks, each read
// and written by _id alone: GridFS, which releases up to schema version 11
// used, finds a file's chunks by {files_id} and the file by {_id: {$eq}},
// filters the embedded engine answers by decoding every chunk of every
// deck (docs/STORAGE.md). Both engines use this one shape.
const (
	colDeckFiles  = "deck_files"  // {_id: fileId, name, length, chunkSize, chunks, uploadedAt}
	colDeckChunks = "deck_chunks" // {_id: fileId:nnnnn, data}
	// deckChunkSize is GridFS's default, so that step 11 → 12 copies each
	// GridFS chunk as one chunk; a SQLite row of 340 KB of base64 is one
	// read.
	deckChunkSize = 255 << 10
	// listDeckWrites ("all") names the deck file writes under way
	// (deckWrite), so that what a crash leaves is found without a scan.
	listDeckWrites = "deckwrites"
)

type deckFile struct {
	ID         string    `bson:"_id"`
	Name       string    `bson:"name"`
	Length     int64     `bson:"length"`
	ChunkSize  int       `bson:"chunkSize"`
	Chunks     int       `bson:"chunks"`
	UploadedAt time.Time `bson:"uploadedAt"`
}

type deckChunk struct {
	ID   string `bson:"_id"`
	Data []byte `bson:"data"`
}

func deckChunkID(fileID string, n int) string { return fmt.Sprintf("%s:%05d", fileID, n) }

// SaveDeckFile stores a deck's bytes and returns the file id. The chunks
// are written first and the file document last, so a file is seen whole
// or not at all; what a crash in between leaves is named in the list of
// writes under way, which SweepDeckWrites reads.
func (d *DB) SaveDeckFile(ctx context.Context, name string, data []byte) (string, error) {
	f := deckFile{ID: NewID(), Name: name, Length: int64(len(data)), ChunkSize: deckChunkSize,
		Chunks: (len(data) + deckChunkSize - 1) / deckChunkSize, UploadedAt: time.Now().UTC().Truncate(time.Millisecond)}
	w := deckWrite{Op: "put", FileID: f.ID, Chunks: f.Chunks, At: time.Now()}
	if err := d.listAdd(ctx, listDeckWrites, "all", w.String()); err != nil {
		return "", err
	}
	if err := d.insertDeckChunks(ctx, f.ID, 0, data, f.ChunkSize); err != nil {
		return "", err
	}
	if _, err := d.db.Collection(colDeckFiles).InsertOne(ctx, f); err != nil {
		return "", mapErr("save deck file", err)
	}
	// The file is stored: should this removal fail, the sweep finds its
	// document and keeps it.
	_ = d.listRemove(ctx, listDeckWrites, "all", w.String())
	return f.ID, nil
}

// insertDeckChunks inserts data's chunks from number first on, a few
// megabytes to a write (one SQLite transaction on the embedded engine).
func (d *DB) insertDeckChunks(ctx context.Context, fileID string, first int, data []byte, size int) error {
	const perWrite = 16
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := d.db.Collection(colDeckChunks).InsertMany(ctx, batch)
		batch = batch[:0]
		return mapErr("save deck chunks", err)
	}
	for n := 0; n*size < len(data); n++ {
		batch = append(batch, deckChunk{ID: deckChunkID(fileID, first+n), Data: data[n*size : min(len(data), (n+1)*size)]})
		if len(batch) == perWrite {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// DeckFile returns a stored deck's bytes: the file document, then each
// chunk, by _id. On the embedded engine the chunks are read straight from
// SQLite (ReadBinary): through FerretDB each chunk's base64 would be parsed
// within its document's JSON, then sent as BSON and decoded again.
func (d *DB) DeckFile(ctx context.Context, fileID string) ([]byte, error) {
	var f deckFile
	ok, err := d.findByID(ctx, "deck file", colDeckFiles, fileID, &f)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, domain.ErrNotFound
	}
	if f.Length < 0 || int64(f.Chunks)*int64(f.ChunkSize) < f.Length {
		return nil, fmt.Errorf("mongo: deck file %s: %d chunks of %d bytes for %d bytes", f.ID, f.Chunks, f.ChunkSize, f.Length)
	}
	out := make([]byte, f.Length)
	err = parallel(ctx, 4, f.Chunks, func(n int) error {
		b, ok, err := d.deckChunk(ctx, deckChunkID(f.ID, n))
		if err != nil {
			return err
		}
		lo := int64(n) * int64(f.ChunkSize)
		if want := min(f.Length-lo, int64(f.ChunkSize)); !ok || int64(len(b)) != want {
			return fmt.Errorf("mongo: deck file %s: chunk %d has %d bytes, want %d", f.ID, n, len(b), want)
		}
		copy(out[lo:], b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// deckChunk returns a chunk's data, and false if it is missing.
func (d *DB) deckChunk(ctx context.Context, id string) (string, bool, error) {
	if d.readBinary != nil {
		b, ok, err := d.readBinary(ctx, d.db.Name(), colDeckChunks, id, "data")
		return b, ok, mapErr("deck chunk", err)
	}
	var c deckChunk
	err := d.db.Collection(colDeckChunks).FindOne(ctx, byID(id)).Decode(&c)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", false, nil
	}
	return string(c.Data), err == nil, mapErr("deck chunk", err)
}

// DeleteDeckFile removes a stored deck file: its document first, so that
// readers find none at once, then its chunks. A crash in between is
// finished by SweepDeckWrites.
func (d *DB) DeleteDeckFile(ctx context.Context, fileID string) error {
	var f deckFile
	ok, err := d.findByID(ctx, "deck file", colDeckFiles, fileID, &f)
	if err != nil {
		return err
	}
	if !ok {
		return domain.ErrNotFound
	}
	w := deckWrite{Op: "del", FileID: f.ID, Chunks: f.Chunks, At: time.Now()}
	if err := d.listAdd(ctx, listDeckWrites, "all", w.String()); err != nil {
		return err
	}
	if err := d.finishDeckWrite(ctx, w); err != nil {
		return err
	}
	return d.listRemove(ctx, listDeckWrites, "all", w.String())
}

// A deckWrite is a deck file's upload ("put") or deletion ("del") under
// way, kept in the id list listDeckWrites from before its first write to
// after its last. Kept in a list, read by _id, it lets the sweep after a
// crash find the chunks of an upload cut short (which no file document
// names) and the rest of a deletion without reading every chunk's id.
type deckWrite struct {
	Op     string
	FileID string
	Chunks int
	At     time.Time
}

func (w deckWrite) String() string {
	return fmt.Sprintf("%s:%s:%d:%d", w.Op, w.FileID, w.Chunks, w.At.UnixMilli())
}

func parseDeckWrite(s string) (deckWrite, bool) {
	p := strings.Split(s, ":")
	if len(p) != 4 || (p[0] != "put" && p[0] != "del") {
		return deckWrite{}, false
	}
	n, err1 := strconv.Atoi(p[2])
	ms, err2 := strconv.ParseInt(p[3], 10, 64)
	return deckWrite{Op: p[0], FileID: p[1], Chunks: n, At: time.UnixMilli(ms)}, err1 == nil && err2 == nil
}

// finishDeckWrite makes what w left final: a deletion's file document and
// chunks deleted; an upload without its file document (cut short before
// it was written) loses its chunks; an upload with its document is kept.
// Each write is by _id, and one of a document already gone does nothing,
// so finishing twice is harmless.
func (d *DB) finishDeckWrite(ctx context.Context, w deckWrite) error {
	if w.Op == "put" {
		var f deckFile
		ok, err := d.findByID(ctx, "deck file", colDeckFiles, w.FileID, &f)
		if err != nil || ok {
			return err
		}
	} else if _, err := d.db.Collection(colDeckFiles).DeleteOne(ctx, byID(w.FileID)); err != nil {
		return mapErr("delete deck file", err)
	}
	for n := w.Chunks - 1; n >= 0; n-- {
		if _, err := d.db.Collection(colDeckChunks).DeleteOne(ctx, byID(deckChunkID(w.FileID, n))); err != nil {
			return mapErr("delete deck chunk", err)
		}
	}
	return nil
}

// deckWriteGrace is how old another process's deck write must be before
// a sweep on MongoDB takes it for one a crash cut short: a 20 MB upload
// takes seconds.
const deckWriteGrace = time.Hour

// SweepDeckWrites finishes the deck file writes that a crash cut short
// (finishDeckWrite) and returns how many. On the embedded engine, which
// only this process writes, every write begun before before is such a
// one (the platform passes its start); on MongoDB, which other processes
// write too, only those older than deckWriteGrace as well.
func (d *DB) SweepDeckWrites(ctx context.Context, before time.Time) (int, error) {
	if old := time.Now().Add(-deckWriteGrace); !d.embedded && old.Before(before) {
		before = old
	}
	pending, err := d.list(ctx, listDeckWrites, "all")
	if err != nil {
		return 0, err
	}
	done := 0
	for _, s := range pending {
		w, ok := parseDeckWrite(s)
		if ok && !w.At.Before(before) {
			continue
		}
		if ok {
			if err := d.finishDeckWrite(ctx, w); err != nil {
				return done, err
			}
		}
		if err := d.listRemove(ctx, listDeckWrites, "all", s); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}
