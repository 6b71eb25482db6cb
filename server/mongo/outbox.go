package mongo

import (
	"cmp"
	"context"
	"slices"
	"sync"
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
// number and time. Callers write it before the change it announces; the
// dispatcher's marks (background) give way to users' writes first.
func (d *DB) MarkChange(ctx context.Context, e domain.OutboxEntry) error {
	d.giveWay(ctx)
	e.ID = string(e.Kind) + ":" + e.DocID
	defer d.locks.lock(colOutbox + e.ID)()
	e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
	_, err := d.db.Collection(colOutbox).ReplaceOne(ctx, bson.D{{Key: "_id", Value: e.ID}}, e, options.Replace().SetUpsert(true))
	d.outbox.stored(e, false, err != nil || !d.embedded)
	return mapErr("mark change", err)
}

// PendingOutbox returns up to limit marks waiting for the dispatcher,
// oldest first. On the embedded engine they come from memory after one
// read of the collection (outboxMemo); on MongoDB from the collection.
func (d *DB) PendingOutbox(ctx context.Context, limit int) ([]domain.OutboxEntry, error) {
	if d.embedded {
		return d.outbox.pending(ctx, d, limit)
	}
	return d.scanOutbox(ctx, limit)
}

func (d *DB) scanOutbox(ctx context.Context, limit int) ([]domain.OutboxEntry, error) {
	opts := options.Find()
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := d.db.Collection(colOutbox).Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, mapErr("pending outbox", err)
	}
	out := []domain.OutboxEntry{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr("pending outbox decode", err)
	}
	return out, nil
}

// DoneOutbox clears e unless a newer mark has replaced it. On the embedded
// engine the comparison is made in memory, under the mark's lock, and the
// delete is by _id alone: a filter of {_id, seq} is not pushed down there
// and would decode the whole collection. The dispatcher's clearing is a
// background write: it gives way to users' writes before it takes the
// mark's (or the document's) lock.
func (d *DB) DoneOutbox(ctx context.Context, e domain.OutboxEntry) error {
	d.giveWay(ctx)
	if _, inDoc := d.outbox.docMark(e.ID); d.embedded && inDoc {
		return d.doneInDocument(ctx, e)
	}
	defer d.locks.lock(colOutbox + e.ID)()
	if d.embedded {
		if cur, known := d.outbox.current(e.ID); known {
			if cur != e.Seq {
				return nil // replaced by a newer mark, or gone
			}
			_, err := d.db.Collection(colOutbox).DeleteOne(ctx, byID(e.ID))
			d.outbox.cleared(e.ID, err != nil)
			return mapErr("clear outbox", err)
		}
	}
	_, err := d.db.Collection(colOutbox).DeleteOne(ctx, bson.D{{Key: "_id", Value: e.ID}, {Key: "seq", Value: e.Seq}})
	d.outbox.cleared(e.ID, true) // not known here whether it went: read again when needed
	return mapErr("clear outbox", err)
}

// CountOutbox counts the marks waiting for the dispatcher.
func (d *DB) CountOutbox(ctx context.Context) (int, error) {
	if d.embedded {
		marks, err := d.outbox.pending(ctx, d, 0)
		return len(marks), err
	}
	n, err := d.db.Collection(colOutbox).CountDocuments(ctx, bson.D{})
	return int(n), mapErr("count outbox", err)
}

// outboxMemo is the embedded engine's copy of the outbox. This process is
// that database's only writer, so after one read of the collection (the
// dispatcher's first pass, at start, which finds what a crash left) every
// mark written or cleared is known here, and the dispatcher, woken after
// every profile write, no longer decodes every mark of the last minute
// (the marks live a minute, app.indexGrace) to find the new one. A write
// whose outcome is unknown (an error) makes the next pass read the
// collection again.
type outboxMemo struct {
	mu     sync.Mutex
	loaded bool
	marks  map[string]domain.OutboxEntry // the newest mark of each change
	// Where the pending marks are: a change may have a mark in its
	// startup's document (outbox_doc.go; by the version it marks) and an
	// outbox document too (written at the startup's creation, by an
	// earlier release, or by the dispatcher); clearing clears both.
	inDoc    map[string]int
	inOutbox map[string]bool
}

// stored applies a mark written, in the outbox or (inDoc) in its
// startup's document (outbox_doc.go); unknown says the write's outcome is
// not known (an error) or memory is not kept (MongoDB).
func (o *outboxMemo) stored(e domain.OutboxEntry, inDoc, unknown bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case unknown:
		o.loaded = false
	case o.loaded:
		o.marks[e.ID] = e
		if inDoc {
			o.inDoc[e.ID] = e.Version
		} else {
			o.inOutbox[e.ID] = true
		}
	}
}

// docMark returns the version marked in the startup's document for the
// change with id, and whether there is such a mark.
func (o *outboxMemo) docMark(id string) (int, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	v, ok := o.inDoc[id]
	return v, ok
}

// alsoInOutbox says whether the change with id has an outbox document too.
func (o *outboxMemo) alsoInOutbox(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.inOutbox[id]
}

// cleared applies a mark deleted (unknown: as for stored).
func (o *outboxMemo) cleared(id string, unknown bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case unknown:
		o.loaded = false
	case o.loaded:
		delete(o.marks, id)
		delete(o.inDoc, id)
		delete(o.inOutbox, id)
	}
}

// current returns the sequence number of the mark with id, and whether
// memory knows the outbox (when it does, a missing mark has seq 0).
func (o *outboxMemo) current(id string) (int64, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.marks[id].Seq, o.loaded
}

// pending returns up to limit marks (0: all), oldest first, reading the
// collection first when memory does not know it. The read happens under
// the memo's lock, so a mark stored meanwhile is applied after it.
func (o *outboxMemo) pending(ctx context.Context, d *DB, limit int) ([]domain.OutboxEntry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.loaded {
		all, err := d.scanOutbox(ctx, 0)
		if err != nil {
			return nil, err
		}
		o.marks, o.inDoc, o.inOutbox = make(map[string]domain.OutboxEntry, len(all)), map[string]int{}, map[string]bool{}
		for _, e := range all {
			o.marks[e.ID], o.inOutbox[e.ID] = e, true
		}
		if d.embedded {
			inDoc, err := d.documentMarks(ctx)
			if err != nil {
				return nil, err
			}
			for _, e := range inDoc {
				o.marks[e.ID], o.inDoc[e.ID] = e, e.Version // stands for an outbox document of the same change too
			}
		}
		o.loaded = true
	}
	out := make([]domain.OutboxEntry, 0, len(o.marks))
	for _, e := range o.marks {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b domain.OutboxEntry) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// EachStartup calls fn for every startup, drafts included.
func (d *DB) EachStartup(ctx context.Context, fn func(domain.Startup) error) error {
	return loadAll(ctx, d, colStartups, fn)
}

// EachSpace calls fn for every maker space.
func (d *DB) EachSpace(ctx context.Context, fn func(domain.Space) error) error {
	return loadAll(ctx, d, colSpaces, fn)
}
