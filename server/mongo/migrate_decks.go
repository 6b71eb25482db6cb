package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The GridFS collections up to version 11 kept the decks in.
const (
	colGridFiles  = "fs.files"
	colGridChunks = "fs.chunks"
)

// gridFile is a GridFS file document as the driver wrote it.
type gridFile struct {
	ID         bson.RawValue `bson:"_id"`
	Length     int64         `bson:"length"`
	ChunkSize  int           `bson:"chunkSize"`
	UploadDate time.Time     `bson:"uploadDate"`
	Filename   string        `bson:"filename"`
}

// gridChunk is a GridFS chunk.
type gridChunk struct {
	FilesID bson.RawValue `bson:"files_id"`
	N       int           `bson:"n"`
	Data    []byte        `bson:"data"`
}

// gridID is the deck file id of a GridFS id: an ObjectID's hex, which the
// decks' records hold (SaveDeckFile returned it), or a string as it is.
func gridID(v bson.RawValue) (string, bool) {
	if oid, ok := v.ObjectIDOK(); ok {
		return oid.Hex(), true
	}
	return v.StringValueOK()
}

// gridFiles reads every GridFS file document, by deck file id.
func gridFiles(ctx context.Context, d *DB) (map[string]gridFile, error) {
	files := map[string]gridFile{}
	err := each(ctx, d, colGridFiles, bson.D{}, func(f gridFile) error {
		if id, ok := gridID(f.ID); ok {
			files[id] = f
		}
		return nil
	})
	return files, err
}

func (f gridFile) chunks() int {
	if f.ChunkSize <= 0 {
		return 0
	}
	return int((f.Length + int64(f.ChunkSize) - 1) / int64(f.ChunkSize))
}

// migrateDeckChunks copies each chunk of every GridFS file into
// deck_chunks under fileId:n, in one pass over fs.chunks (reading each
// file's chunks by files_id would decode all of fs.chunks once per file).
// The file keeps its chunk size, so a chunk is copied as it is. Chunks
// that no file document names (an upload GridFS did not finish) are left
// behind with the collection. A chunk copied already (a run cut short) is
// a duplicate _id, skipped.
func migrateDeckChunks(ctx context.Context, d *DB) error {
	files, err := gridFiles(ctx, d)
	if err != nil || len(files) == 0 {
		return err
	}
	const perWrite = 16
	var batch []any
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := d.insertMany(ctx, colDeckChunks, batch) // a duplicate is skipped
		batch = batch[:0]
		return err
	}
	err = each(ctx, d, colGridChunks, bson.D{}, func(c gridChunk) error {
		id, ok := gridID(c.FilesID)
		if f, known := files[id]; !ok || !known || c.N < 0 || c.N >= f.chunks() {
			return nil
		}
		batch = append(batch, deckChunk{ID: deckChunkID(id, c.N), Data: c.Data})
		if len(batch) < perWrite {
			return nil
		}
		return flush()
	})
	if err != nil {
		return err
	}
	return flush()
}

// migrateDeckFiles writes each GridFS file's document in the new shape,
// after all chunks are copied (the previous phase), so that a file is
// found whole; one written already is kept.
func migrateDeckFiles(ctx context.Context, d *DB) error {
	files, err := gridFiles(ctx, d)
	if err != nil {
		return err
	}
	c := d.db.Collection(colDeckFiles)
	for id, f := range files {
		doc := deckFile{ID: id, Name: f.Filename, Length: f.Length, ChunkSize: f.ChunkSize, Chunks: f.chunks(), UploadedAt: f.UploadDate}
		if err := insertKey(ctx, c, doc); err != nil {
			return mapErr("copy deck file", err)
		}
	}
	return nil
}
