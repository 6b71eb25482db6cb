package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// rmwAttempts bounds how often a read-modify-write on MongoDB starts again
// after another process changed the document between its read and write.
const rmwAttempts = 16

// updateByID reads the document id of col, lets change edit it and writes
// it back, so that concurrent changes of one document (two investors
// asking for one deck, a reader's two beacons) all land: change sees the
// stored document and reports whether it changed it; nothing is written
// if not. change may run more than once and must only depend on what it
// is given.
//
// On the embedded engine (one process) this process's lock for the
// document is the whole guarantee, and every filter is the _id alone. On
// MongoDB, where other processes write too, the document carries a
// revision `rev` (absent on documents written before: revision 0) and the
// write is a replace conditional on the revision read; when another
// process wrote first, the change starts again from its document.
func updateByID[T any](ctx context.Context, d *DB, col, op, id string, change func(*T) (bool, error)) (*T, error) {
	defer d.locks.lock(col + id)()
	c := d.db.Collection(col)
	for range rmwAttempts {
		raw, err := c.FindOne(ctx, byID(id)).Raw()
		if err != nil {
			return nil, mapErr(op, err)
		}
		v := new(T)
		if err := bson.Unmarshal(raw, v); err != nil {
			return nil, mapErr(op+" decode", err)
		}
		changed, err := change(v)
		if err != nil || !changed {
			return v, err
		}
		if d.embedded {
			_, err := c.ReplaceOne(ctx, byID(id), v)
			return v, mapErr(op, err)
		}
		rev, _ := raw.Lookup("rev").AsInt64OK()
		doc, err := withRev(v, rev+1)
		if err != nil {
			return nil, mapErr(op+" encode", err)
		}
		filter := bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: rev}}
		if rev == 0 {
			filter[1].Value = bson.D{{Key: "$exists", Value: false}}
		}
		res, err := c.ReplaceOne(ctx, filter, doc)
		if err != nil {
			return nil, mapErr(op, err)
		}
		if res.MatchedCount == 1 {
			return v, nil
		}
		// Another process wrote (or deleted) it since the read: read again.
	}
	return nil, domain.ErrEditConflict
}

// withRev is v's document with the field rev set.
func withRev(v any, rev int64) (bson.D, error) {
	b, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var doc bson.D
	if err := bson.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for i := range doc {
		if doc[i].Key == "rev" {
			doc[i].Value = rev
			return doc, nil
		}
	}
	return append(doc, bson.E{Key: "rev", Value: rev}), nil
}
