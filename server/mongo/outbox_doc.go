package mongo

import (
	"context"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// On the embedded engine a startup's outbox marks live in the startup's
// own document, written with it in one fsynced write instead of an outbox
// document written before it (FerretDB has no transactions across
// documents, so the two were two commits): a publish's match-alert mark,
// {announce: version}, and an edit's change mark for the read model and
// the search index, {changed: version}. The guarantee is the outbox's: the
// write that changes is the write that marks, so a crash after it leaves
// the mark, and the first pass of the dispatcher after a start finds it
// (outboxMemo reads the startups' marks straight from FerretDB's SQLite
// beside the outbox collection). Every later write of the startup keeps a
// pending mark (read under the startup's lock: replaceVersioned); clearing
// it, once dispatched, unsets the field under that lock and leaves the
// version. A new startup and a deleted one are still marked in the outbox
// (there is no document to hold the mark before the insert or after the
// delete). On MongoDB, where other processes dispatch from the outbox
// collection, every mark is an outbox document as before.

// markedStartup is a startup document with its pending marks.
type markedStartup struct {
	domain.Startup `bson:",inline"`
	Announce       int `bson:"announce,omitempty"`
	Changed        int `bson:"changed,omitempty"`
}

// docMarkField is the field of a startup's document that holds the mark of
// kind, or "" when that kind is not kept in the document.
func docMarkField(kind domain.ChangeKind) string {
	switch kind {
	case domain.ChangeMatchAlert:
		return "announce"
	case domain.ChangeStartup:
		return "changed"
	}
	return ""
}

// startupDoc is what a write of s stores: on the embedded engine with the
// alert mark announce and the change mark changed (0: keep the stored
// one), else s itself.
func (d *DB) startupDoc(s *domain.Startup, announce, changed int) any {
	if !d.embedded {
		return s
	}
	return &markedStartup{Startup: *s, Announce: announce, Changed: changed}
}

// markedInDocument tells the outbox's memory of a mark written in its
// startup's document, with the write's error: none, a refusal (nothing
// was written), or an unknown outcome (memory reads the marks again).
func (d *DB) markedInDocument(e domain.OutboxEntry, err error) {
	if err != nil && (domain.IsKind(err, domain.KindConflict) || domain.IsKind(err, domain.KindNotFound)) {
		return
	}
	e.ID = string(e.Kind) + ":" + e.DocID
	e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
	d.outbox.stored(e, true, err != nil)
}

// doneInDocument clears a mark kept in its startup's document, unless the
// document marks another version by now or memory holds a newer mark. An
// outbox document left for the same change (a mark written before the
// startup kept its marks: at its creation, or by an earlier release) goes
// with it.
func (d *DB) doneInDocument(ctx context.Context, e domain.OutboxEntry) error {
	defer d.locks.lock(colStartups + e.DocID)()
	if cur, known := d.outbox.current(e.ID); known && cur != e.Seq {
		return nil
	}
	field := docMarkField(e.Kind)
	marked, _ := d.outbox.docMark(e.ID)
	c := d.db.Collection(colStartups)
	var doc bson.M
	err := c.FindOne(ctx, byID(e.DocID), options.FindOne().SetProjection(bson.D{{Key: field, Value: 1}})).Decode(&doc)
	switch {
	case domain.IsKind(mapErr("", err), domain.KindNotFound):
		err = nil // deleted since: nothing left to clear
	case err != nil:
		return mapErr("read mark", err)
	case markVersion(doc[field]) == marked:
		_, err = c.UpdateOne(ctx, byID(e.DocID), bson.D{{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}}})
	}
	if err == nil && d.outbox.alsoInOutbox(e.ID) {
		_, err = d.db.Collection(colOutbox).DeleteOne(ctx, byID(e.ID))
	}
	d.outbox.cleared(e.ID, err != nil)
	return mapErr("clear mark", err)
}

// markVersion reads a mark's version as stored (BSON int32 or int64).
func markVersion(v any) int {
	switch n := v.(type) {
	case int32:
		return int(n)
	case int64:
		return int(n)
	}
	return 0
}

// documentMarks reads the marks kept in the startups' documents: straight
// from FerretDB's SQLite when it can, else through the driver.
func (d *DB) documentMarks(ctx context.Context) ([]domain.OutboxEntry, error) {
	var out []domain.OutboxEntry
	add := func(kind domain.ChangeKind, id string, v int) {
		if v <= 0 {
			return
		}
		e := domain.OutboxEntry{Kind: kind, DocID: id, Version: v}
		e.ID = string(e.Kind) + ":" + id
		e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
		out = append(out, e)
	}
	if d.scan != nil {
		err := d.scan(ctx, d.db.Name(), colStartups, []string{"_id", "announce", "changed"}, func(v []string) error {
			for i, kind := range []domain.ChangeKind{domain.ChangeMatchAlert, domain.ChangeStartup} {
				if v[1+i] == "" {
					continue
				}
				n, err := strconv.Atoi(v[1+i])
				if err != nil {
					return err
				}
				add(kind, v[0], n)
			}
			return nil
		})
		return out, mapErr("scan marks", err)
	}
	cur, err := d.db.Collection(colStartups).Find(ctx, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "announce", Value: bson.D{{Key: "$gt", Value: 0}}}},
		bson.D{{Key: "changed", Value: bson.D{{Key: "$gt", Value: 0}}}},
	}}}, options.Find().SetProjection(bson.D{{Key: "announce", Value: 1}, {Key: "changed", Value: 1}}))
	if err != nil {
		return nil, mapErr("scan marks", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc struct {
			ID       string `bson:"_id"`
			Announce int    `bson:"announce"`
			Changed  int    `bson:"changed"`
		}
		if err := cur.Decode(&doc); err != nil {
			return nil, mapErr("decode marks", err)
		}
		add(domain.ChangeMatchAlert, doc.ID, doc.Announce)
		add(domain.ChangeStartup, doc.ID, doc.Changed)
	}
	return out, mapErr("scan marks", cur.Err())
}
