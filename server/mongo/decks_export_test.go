package mongo

import (
	"context"
	"fmt"
	"time"
)

// Deck file collections and names, for tests.
const (
	ColDeckFiles  = colDeckFiles
	ColDeckChunks = colDeckChunks
	ColGridFiles  = colGridFiles
	ColGridChunks = colGridChunks
	DeckChunkSize = deckChunkSize
)

// DeckChunkID is the _id of chunk n of a deck file.
func DeckChunkID(fileID string, n int) string { return deckChunkID(fileID, n) }

// CutDeckUpload writes what an upload of data killed after its first
// chunks chunks leaves (the write under way listed, no file document),
// and returns the file id.
func (d *DB) CutDeckUpload(ctx context.Context, data []byte, chunks int) (string, error) {
	id := NewID()
	n := (len(data) + deckChunkSize - 1) / deckChunkSize
	w := deckWrite{Op: "put", FileID: id, Chunks: n, At: time.Now()}
	if err := d.listAdd(ctx, listDeckWrites, "all", w.String()); err != nil {
		return "", err
	}
	return id, d.insertDeckChunks(ctx, id, 0, data[:min(len(data), chunks*deckChunkSize)], deckChunkSize)
}

// CutDeckDelete writes what a deletion of a stored file killed after its
// file document's delete leaves.
func (d *DB) CutDeckDelete(ctx context.Context, fileID string) error {
	var f deckFile
	if _, err := d.findByID(ctx, "deck file", colDeckFiles, fileID, &f); err != nil {
		return err
	}
	w := deckWrite{Op: "del", FileID: f.ID, Chunks: f.Chunks, At: time.Now()}
	if err := d.listAdd(ctx, listDeckWrites, "all", w.String()); err != nil {
		return err
	}
	_, err := d.db.Collection(colDeckFiles).DeleteOne(ctx, byID(fileID))
	return err
}

// RunMigrationPhase runs one phase of the step to version to, as a run
// cut short after it would have.
func (d *DB) RunMigrationPhase(ctx context.Context, to int, name string) error {
	for _, m := range migrations() {
		for _, ph := range m.phases {
			if m.to == to && ph.name == name {
				return ph.run(ctx, d)
			}
		}
	}
	return fmt.Errorf("no phase %s in step %d", name, to)
}
