package mongo

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// On the embedded engine a profile's outbox marks live in the profile's
// own document, written with it in one fsynced write instead of an outbox
// document written before it (FerretDB has no transactions across
// documents, so the two were two commits): a publish's match-alert mark,
// {announce: version}, in the startup's, and an edit's change mark for the
// read model and the search index, {changed: version}, in the startup's,
// the investor's or the space's. The guarantee is the outbox's: the write
// that changes is the write that marks, so a crash after it leaves the
// mark, and the first pass of the dispatcher after a start finds it
// (outboxMemo reads the documents' marks straight from FerretDB's SQLite
// beside the outbox collection). Every later write of the profile keeps a
// pending mark (read under the document's lock: replaceVersioned);
// clearing it, once dispatched, unsets the field under that lock and
// leaves the version. A new investor or space carries its mark from its
// insert; a new startup and a deleted one are still marked in the outbox
// (there is no document to hold the mark after the delete; the creation's
// write is in startups.go). On MongoDB, where other processes dispatch
// from the outbox collection, every mark is an outbox document as before.

// markedStartup is a startup document with its pending marks.
type markedStartup struct {
	domain.Startup `bson:",inline"`
	Announce       int `bson:"announce,omitempty"`
	Changed        int `bson:"changed,omitempty"`
}

// markedInvestor and markedSpace are an investor's and a space's
// documents with their pending change mark.
type markedInvestor struct {
	domain.Investor `bson:",inline"`
	Changed         int `bson:"changed,omitempty"`
}

type markedSpace struct {
	domain.Space `bson:",inline"`
	Changed      int `bson:"changed,omitempty"`
}

// keepsMarks is a document written with its marks, which keeps the marks
// pending in the stored one (0: none).
type keepsMarks interface{ keep(announce, changed int) }

func (m *markedStartup) keep(announce, changed int) {
	m.Announce, m.Changed = cmp.Or(m.Announce, announce), cmp.Or(m.Changed, changed)
}
func (m *markedInvestor) keep(_, changed int) { m.Changed = cmp.Or(m.Changed, changed) }
func (m *markedSpace) keep(_, changed int)    { m.Changed = cmp.Or(m.Changed, changed) }

// docMarkField is the field of a document that holds the mark of kind, or
// "" when that kind is not kept in a document.
func docMarkField(kind domain.ChangeKind) string {
	switch kind {
	case domain.ChangeMatchAlert:
		return "announce"
	case domain.ChangeStartup, domain.ChangeInvestor, domain.ChangeSpace:
		return "changed"
	}
	return ""
}

// docMarks lists where marks are kept in documents: the collections, their
// mark fields and the kind of each.
var docMarks = []struct {
	col    string
	fields []string
	kinds  []domain.ChangeKind
}{
	{colStartups, []string{"announce", "changed"}, []domain.ChangeKind{domain.ChangeMatchAlert, domain.ChangeStartup}},
	{colInvestors, []string{"changed"}, []domain.ChangeKind{domain.ChangeInvestor}},
	{colSpaces, []string{"changed"}, []domain.ChangeKind{domain.ChangeSpace}},
}

// docMarkCollection is the collection whose documents hold kind's marks.
func docMarkCollection(kind domain.ChangeKind) string {
	for _, m := range docMarks {
		if slices.Contains(m.kinds, kind) {
			return m.col
		}
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

// doneInDocument clears a mark kept in its profile's document, unless the
// document marks another version by now or memory holds a newer mark. An
// outbox document left for the same change (a mark written before the
// profile kept its marks: at a startup's creation, or by an earlier
// release) goes with it.
func (d *DB) doneInDocument(ctx context.Context, e domain.OutboxEntry) error {
	col := docMarkCollection(e.Kind)
	defer d.locks.lock(col + e.DocID)()
	if cur, known := d.outbox.current(e.ID); known && cur != e.Seq {
		return nil
	}
	field := docMarkField(e.Kind)
	marked, _ := d.outbox.docMark(e.ID)
	c := d.db.Collection(col)
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

// documentMarks reads the marks kept in the profiles' documents: straight
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
	for _, m := range docMarks {
		if d.scan != nil {
			err := d.scan(ctx, d.db.Name(), m.col, append([]string{"_id"}, m.fields...), func(v []string) error {
				for i, kind := range m.kinds {
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
			if err != nil {
				return nil, mapErr("scan marks", err)
			}
			continue
		}
		var marked bson.A
		proj := bson.D{}
		for _, f := range m.fields {
			marked = append(marked, bson.D{{Key: f, Value: bson.D{{Key: "$gt", Value: 0}}}})
			proj = append(proj, bson.E{Key: f, Value: 1})
		}
		cur, err := d.db.Collection(m.col).Find(ctx, bson.D{{Key: "$or", Value: marked}}, options.Find().SetProjection(proj))
		if err != nil {
			return nil, mapErr("scan marks", err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			return nil, mapErr("decode marks", err)
		}
		for _, doc := range docs {
			id, _ := doc["_id"].(string)
			for i, kind := range m.kinds {
				add(kind, id, markVersion(doc[m.fields[i]]))
			}
		}
	}
	return out, nil
}
