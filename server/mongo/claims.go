package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// A claim is a key document {_id: key, by, at} that one holder owns: the
// one correction of a ledger entry, the one active booking of a mentor's
// slot, the one mentor profile of an account. It is inserted before the
// holder's own document is written, so that two writers racing for a key
// get one winner from the duplicate _id (on both engines), and a crash
// between the claim and the holder's write leaves a claim that free says
// may be taken over.
type claimDoc struct {
	ID string    `bson:"_id"`
	By string    `bson:"by"`
	At time.Time `bson:"at"`
}

// claim claims key in col for by. When another holds it, free(holder, at)
// says whether that claim may be taken over (its holder never stored, or
// no longer using it); otherwise taken is returned. Claiming again for the
// same holder succeeds.
func (d *DB) claim(ctx context.Context, col, key, by string, at time.Time, free func(holder string, at time.Time) (bool, error), taken error) error {
	c := d.db.Collection(col)
	_, err := c.InsertOne(ctx, claimDoc{ID: key, By: by, At: at})
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return mapErr("claim "+col, err)
	}
	unlock := d.locks.lock("claim:" + col + key)
	defer unlock()
	var held claimDoc
	if err := c.FindOne(ctx, byID(key)).Decode(&held); err != nil {
		return mapErr("read claim "+col, err)
	}
	if held.By == by {
		return nil
	}
	ok, err := free(held.By, held.At)
	if err != nil {
		return err
	}
	if !ok {
		return taken
	}
	// Embedded: this process is the only writer and holds the lock, so
	// the filter stays {_id}; MongoDB checks the holder atomically.
	filter := byID(key)
	if !d.embedded {
		filter = bson.D{{Key: "_id", Value: key}, {Key: "by", Value: held.By}}
	}
	res, err := c.ReplaceOne(ctx, filter, claimDoc{ID: key, By: by, At: at})
	if err != nil {
		return mapErr("take over claim "+col, err)
	}
	if res.MatchedCount == 0 {
		return taken
	}
	return nil
}

// release removes the claim of key if by holds it.
func (d *DB) release(ctx context.Context, col, key, by string) error {
	unlock := d.locks.lock("claim:" + col + key)
	defer unlock()
	c := d.db.Collection(col)
	var held claimDoc
	if err := c.FindOne(ctx, byID(key)).Decode(&held); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		return mapErr("read claim "+col, err)
	}
	if held.By != by {
		return nil
	}
	_, err := c.DeleteOne(ctx, byID(key))
	return mapErr("release claim "+col, err)
}

// missingFor returns a free func for claims whose holder is a document of
// col: a claim is free once older than claimGrace and its holder was never
// stored.
func (d *DB) missingFor(ctx context.Context, col string) func(string, time.Time) (bool, error) {
	return func(holder string, at time.Time) (bool, error) {
		if time.Since(at) < claimGrace {
			return false, nil
		}
		err := d.db.Collection(col).FindOne(ctx, byID(holder)).Err()
		if errors.Is(err, mongo.ErrNoDocuments) {
			return true, nil
		}
		return false, mapErr("claim holder", err)
	}
}
