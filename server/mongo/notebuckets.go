package mongo

import (
	"context"
	"slices"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

var replaceUpsert = options.Replace().SetUpsert(true)

// A bucket of a user's log is stored packed, in notification_pages:
// {_id: userId/bucket, rev, packed: BSON of {items: [...]}}, one binary
// value however many items it holds. FerretDB v1 decodes a stored document
// value by value, each through its own JSON decoder, so a bucket kept as an
// array of 20 documents (version 7's notification_buckets) cost ~200
// decoded values per read (2.5 ms at city size, against 0.4 ms for a head);
// packed it is one value, and the driver decodes the items here
// (docs/STORAGE.md; migration 8 packs version 7's buckets).
const colNoteBucketsV7 = "notification_buckets"

type noteBucketDoc struct {
	ID     string `bson:"_id"`
	Rev    int64  `bson:"rev,omitempty"`
	Packed []byte `bson:"packed"`
}

type packedItems struct {
	Items []noteItem `bson:"items"`
}

// items returns the bucket's items in position order, user ids set.
func (b *noteBucketDoc) items(userID string) ([]noteItem, error) {
	return unpack(string(b.Packed), userID)
}

// unpack returns the items of a bucket's packed value in position order,
// user ids set.
func unpack(packed, userID string) ([]noteItem, error) {
	items, err := decodeItems(packed)
	if err != nil {
		return nil, mapErr("notifications decode", err)
	}
	// Writes from several processes may land out of order.
	slices.SortStableFunc(items, func(a, b noteItem) int { return a.Pos - b.Pos })
	for i := range items {
		items[i].UserID = userID
	}
	return items, nil
}

// packBucket is the stored document of a bucket holding items.
func packBucket(id string, rev int64, items []noteItem) (noteBucketDoc, error) {
	p := packedItems{Items: make([]noteItem, len(items))}
	for i, it := range items {
		it.UserID = "" // the bucket's _id says whose
		p.Items[i] = it
	}
	raw, err := bson.Marshal(p)
	if err != nil {
		return noteBucketDoc{}, mapErr("notifications encode", err)
	}
	return noteBucketDoc{ID: id, Rev: rev, Packed: raw}, nil
}

// readBucket reads one bucket as stored: nil if there is none.
func (d *DB) readBucket(ctx context.Context, userID string, b int) (*noteBucketDoc, error) {
	var doc noteBucketDoc
	ok, err := d.findByID(ctx, "notifications", colNoteBuckets, bucketID(userID, b), &doc)
	if !ok || err != nil {
		return nil, err
	}
	return &doc, nil
}

// bucket reads one bucket of a user's log, items in position order. On
// the embedded engine it reads the packed value alone straight from
// storage (ferret.Server.ReadBinary, one string that the items' strings
// share; docs/bench/notelist.md), and the whole document only where that
// finds none (a hole a crash left, or a value that is not binary).
func (d *DB) bucket(ctx context.Context, userID string, b int) ([]noteItem, error) {
	if d.readBinary != nil {
		packed, ok, err := d.readBinary(ctx, d.db.Name(), colNoteBuckets, bucketID(userID, b), "packed")
		if err != nil {
			return nil, mapErr("notifications", err)
		}
		if ok {
			return unpack(packed, userID)
		}
	}
	doc, err := d.readBucket(ctx, userID, b)
	if doc == nil || err != nil {
		return nil, err
	}
	return doc.items(userID)
}

// editBucket reads bucket b of the user's log (no items if it does not
// exist yet), lets change edit its items and writes them back packed if
// change reports a change. change may run more than once and must depend
// only on what it is given. The caller holds lockLog.
//
// On the embedded engine the lock is the whole guarantee and the write is
// by _id. On MongoDB, where other processes append to the same bucket
// (their positions reserved apart by the conditional head write), the
// write is conditional on the revision read (an insert for a new bucket,
// whose duplicate _id means another process created it first), and a
// write that lost runs the change again on the fresh bucket.
func (d *DB) editBucket(ctx context.Context, userID string, b int, change func([]noteItem) ([]noteItem, bool)) error {
	c := d.db.Collection(colNoteBuckets)
	id := bucketID(userID, b)
	for range rmwAttempts {
		doc, err := d.readBucket(ctx, userID, b)
		if err != nil {
			return err
		}
		var items []noteItem
		var rev int64
		if doc != nil {
			if items, err = doc.items(userID); err != nil {
				return err
			}
			rev = doc.Rev
		}
		items, changed := change(items)
		if !changed {
			return nil
		}
		next, err := packBucket(id, rev+1, items)
		if err != nil {
			return err
		}
		switch {
		case d.embedded:
			_, err := c.ReplaceOne(ctx, byID(id), next, replaceUpsert)
			return mapErr("write notifications", err)
		case doc == nil:
			_, err := c.InsertOne(ctx, next)
			if mongo.IsDuplicateKeyError(err) {
				continue // another process created it: edit theirs
			}
			return mapErr("write notifications", err)
		}
		filter := bson.D{{Key: "_id", Value: id}, {Key: "rev", Value: rev}}
		if rev == 0 {
			filter[1].Value = bson.D{{Key: "$exists", Value: false}}
		}
		res, err := c.ReplaceOne(ctx, filter, next)
		if err != nil {
			return mapErr("write notifications", err)
		}
		if res.MatchedCount == 1 {
			return nil
		}
	}
	return domain.ErrEditConflict
}

// addItems adds the items whose ids the bucket does not hold yet, in
// position order, through editBucket.
func (d *DB) addItems(ctx context.Context, userID string, b int, add []noteItem) error {
	return d.editBucket(ctx, userID, b, func(items []noteItem) ([]noteItem, bool) {
		changed := false
		for _, it := range add {
			if !slices.ContainsFunc(items, func(x noteItem) bool { return x.ID == it.ID }) {
				items, changed = append(items, it), true
			}
		}
		return items, changed
	})
}

// setFlag sets read or digested on the bucket's items that want picks,
// through editBucket, and returns how many it changed.
func (d *DB) setFlag(ctx context.Context, userID string, b int, want func(noteItem) bool, set func(*noteItem) bool) (int, error) {
	n := 0
	err := d.editBucket(ctx, userID, b, func(items []noteItem) ([]noteItem, bool) {
		n = 0 // the change may run again on a fresher bucket
		for i := range items {
			if want(items[i]) && set(&items[i]) {
				n++
			}
		}
		return items, n > 0
	})
	return n, err
}

// migratePackBuckets packs version 7's buckets into notification_pages, a
// batch of documents per write; a re-run after a crash inserts what is
// missing (the same documents: nothing else writes before the migration
// ends). Items a crashed absorb pushed past the head's count come along,
// read as before.
func migratePackBuckets(ctx context.Context, d *DB) error {
	var docs []any
	flush := func() error {
		err := d.insertMany(ctx, colNoteBuckets, docs)
		docs = docs[:0]
		return err
	}
	err := each(ctx, d, colNoteBucketsV7, bson.D{}, func(old struct {
		ID    string     `bson:"_id"`
		Items []noteItem `bson:"items"`
	}) error {
		doc, err := packBucket(old.ID, 1, old.Items)
		if err != nil {
			return err
		}
		if docs = append(docs, doc); len(docs) >= 10*bulkBatch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
