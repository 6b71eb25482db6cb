package mongo

import (
	"context"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// On the embedded engine a publish's match-alert mark lives in the
// startup's own document, {announce: version}, written with the startup in
// one fsynced write instead of an outbox document written before it
// (FerretDB has no transactions across documents, so the two were two
// commits). The guarantee is the outbox's: the write that publishes is the
// write that marks, so a crash after it leaves the mark, and the first
// pass of the dispatcher after a start finds it (outboxMemo reads the
// startups' marks straight from FerretDB's SQLite beside the outbox
// collection). Every later write of the startup keeps a pending mark (read
// under the startup's lock: replaceVersioned); clearing it, once the alert
// is fanned out, unsets the field under that lock and leaves the version.
// On MongoDB, where other processes dispatch from the outbox collection,
// the mark is an outbox document as before.

// announcedStartup is a startup document with its pending match alert.
type announcedStartup struct {
	domain.Startup `bson:",inline"`
	Announce       int `bson:"announce,omitempty"`
}

// startupDoc is what a write of s stores: on the embedded engine with the
// alert mark announce (0: keep the stored one), else s itself.
func (d *DB) startupDoc(s *domain.Startup, announce int) any {
	if !d.embedded {
		return s
	}
	return &announcedStartup{Startup: *s, Announce: announce}
}

// markedInDocument tells the outbox's memory of an alert mark written in
// its startup's document, with the write's error: none, a refusal (nothing
// was written), or an unknown outcome (memory reads the marks again).
func (d *DB) markedInDocument(e domain.OutboxEntry, err error) {
	if err != nil && (domain.IsKind(err, domain.KindConflict) || domain.IsKind(err, domain.KindNotFound)) {
		return
	}
	e.ID = string(e.Kind) + ":" + e.DocID
	e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
	d.outbox.stored(e, true, err != nil)
}

// doneInDocument clears an alert mark kept in its startup's document,
// unless the document announces another version by now or memory holds a
// newer mark.
func (d *DB) doneInDocument(ctx context.Context, e domain.OutboxEntry) error {
	defer d.locks.lock(colStartups + e.DocID)()
	if cur, known := d.outbox.current(e.ID); known && cur != e.Seq {
		return nil
	}
	c := d.db.Collection(colStartups)
	var doc struct {
		Announce int `bson:"announce"`
	}
	err := c.FindOne(ctx, byID(e.DocID), options.FindOne().SetProjection(bson.D{{Key: "announce", Value: 1}})).Decode(&doc)
	switch {
	case domain.IsKind(mapErr("", err), domain.KindNotFound):
		err = nil // deleted since: nothing left to clear
	case err != nil:
		return mapErr("read alert mark", err)
	case doc.Announce == e.Version:
		_, err = c.UpdateOne(ctx, byID(e.DocID), bson.D{{Key: "$unset", Value: bson.D{{Key: "announce", Value: ""}}}})
	}
	d.outbox.cleared(e.ID, err != nil)
	return mapErr("clear alert mark", err)
}

// documentMarks reads the alert marks kept in the startups' documents:
// straight from FerretDB's SQLite when it can, else through the driver.
func (d *DB) documentMarks(ctx context.Context) ([]domain.OutboxEntry, error) {
	var out []domain.OutboxEntry
	add := func(id string, v int) {
		e := domain.OutboxEntry{Kind: domain.ChangeMatchAlert, DocID: id, Version: v}
		e.ID = string(e.Kind) + ":" + id
		e.Seq, e.At = time.Now().UnixNano()<<8|d.outboxSeq.Add(1)&0xff, time.Now().UTC()
		out = append(out, e)
	}
	if d.scan != nil {
		err := d.scan(ctx, d.db.Name(), colStartups, []string{"_id", "announce"}, func(v []string) error {
			if v[1] == "" {
				return nil
			}
			n, err := strconv.Atoi(v[1])
			if err != nil {
				return err
			}
			add(v[0], n)
			return nil
		})
		return out, mapErr("scan alert marks", err)
	}
	cur, err := d.db.Collection(colStartups).Find(ctx, bson.D{{Key: "announce", Value: bson.D{{Key: "$gt", Value: 0}}}},
		options.Find().SetProjection(bson.D{{Key: "announce", Value: 1}}))
	if err != nil {
		return nil, mapErr("scan alert marks", err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var doc struct {
			ID       string `bson:"_id"`
			Announce int    `bson:"announce"`
		}
		if err := cur.Decode(&doc); err != nil {
			return nil, mapErr("decode alert mark", err)
		}
		add(doc.ID, doc.Announce)
	}
	return out, mapErr("scan alert marks", cur.Err())
}
