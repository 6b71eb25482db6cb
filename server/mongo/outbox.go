package mongo

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const colOutbox = "search_outbox"

// markDirty records that the change of a profile must be dispatched (to
// the read model, the search index). Every profile write is wrapped in
// marks:
//
//   - one before, so that a crash between the write and anything after it
//     leaves a mark (for a profile that may not have changed: harmless, the
//     dispatcher re-reads it) rather than a changed profile without one;
//   - on MongoDB, one after (markAfter), with a new sequence number, so that
//     another process's dispatcher that read the profile before the write
//     landed applies it again at once. On the embedded engine this process
//     is the only writer, and the read model tells its own dispatcher of
//     the write (app.ReadModel.stored), which saves an fsynced write per
//     profile save.
//
// The dispatcher also keeps each mark until it is older than the longest a
// write can take (app.indexGrace) and applies it once more then, which
// covers a crash right after the write.
func (d *DB) markDirty(ctx context.Context, kind domain.ChangeKind, id string) error {
	return d.MarkChange(ctx, domain.OutboxEntry{Kind: kind, DocID: id})
}

// markAfter is the mark after a profile write (see markDirty).
func (d *DB) markAfter(ctx context.Context, kind domain.ChangeKind, id string) error {
	if d.embedded {
		return nil
	}
	return d.markDirty(ctx, kind, id)
}

// MarkChange stores e in the outbox (keyed by kind and document, so a newer
// mark of the same change replaces an older one), with a fresh sequence
// number and time. Callers write it before the change it announces.
func (d *DB) MarkChange(ctx context.Context, e domain.OutboxEntry) error {
	e.ID = string(e.Kind) + ":" + e.DocID
	defer d.locks.lock(colOutbox + e.ID)()
	e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
	_, err := d.db.Collection(colOutbox).ReplaceOne(ctx, bson.D{{Key: "_id", Value: e.ID}}, e, options.Replace().SetUpsert(true))
	return mapErr("mark change", err)
}

// PendingOutbox returns up to limit profiles waiting for the search index.
func (d *DB) PendingOutbox(ctx context.Context, limit int) ([]domain.OutboxEntry, error) {
	cur, err := d.db.Collection(colOutbox).Find(ctx, bson.D{}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return nil, mapErr("pending outbox", err)
	}
	out := []domain.OutboxEntry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr("pending outbox decode", err)
	}
	return out, nil
}

// DoneOutbox clears e unless a newer mark has replaced it.
func (d *DB) DoneOutbox(ctx context.Context, e domain.OutboxEntry) error {
	defer d.locks.lock(colOutbox + e.ID)()
	_, err := d.db.Collection(colOutbox).DeleteOne(ctx, bson.D{{Key: "_id", Value: e.ID}, {Key: "seq", Value: e.Seq}})
	return mapErr("clear outbox", err)
}

// CountOutbox counts the profiles waiting for the search index.
func (d *DB) CountOutbox(ctx context.Context) (int, error) {
	n, err := d.db.Collection(colOutbox).CountDocuments(ctx, bson.D{})
	return int(n), mapErr("count outbox", err)
}

// EachStartup calls fn for every startup, drafts included.
func (d *DB) EachStartup(ctx context.Context, fn func(domain.Startup) error) error {
	return each(ctx, d, colStartups, bson.D{}, fn)
}

// EachSpace calls fn for every maker space.
func (d *DB) EachSpace(ctx context.Context, fn func(domain.Space) error) error {
	return each(ctx, d, colSpaces, bson.D{}, fn)
}
