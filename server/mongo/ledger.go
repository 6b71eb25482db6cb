package mongo

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// The open support ledger: one document per entry under its id, never
// replaced, and one claim per corrected entry under the corrected entry's
// id. Everything is read at start into memory (app.ServiceBook); the only
// reads on a request are by _id.
const (
	colPayments      = "support_payments"
	colPaymentClaims = "support_corrections"
)

// claimGraceLedger is how old a claim must be before a correction may take
// it over when the correcting entry it names was never stored (a crash
// between the claim and the entry's write).
const claimGraceLedger = 2 * time.Minute

// InsertPayments stores entries, assigning ids to those without one. An
// entry whose id is stored already is left as it is (a commit repeated
// after a crash, or the same import committed twice, stores nothing twice).
func (d *DB) InsertPayments(ctx context.Context, ps []*domain.Payment) error {
	docs := make([]any, len(ps))
	for i, p := range ps {
		if p.ID == "" {
			p.ID = NewID()
		}
		docs[i] = p
	}
	return d.insertMany(ctx, colPayments, docs)
}

// PaymentByID returns the entry with id.
func (d *DB) PaymentByID(ctx context.Context, id string) (*domain.Payment, error) {
	var p domain.Payment
	if err := d.db.Collection(colPayments).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&p); err != nil {
		return nil, mapErr("payment by id", err)
	}
	return &p, nil
}

// EachPayment calls fn with every entry (the load at start).
func (d *DB) EachPayment(ctx context.Context, fn func(domain.Payment) error) error {
	return each(ctx, d, colPayments, bson.D{}, fn)
}

// ClaimCorrection claims entry c.ID for the correcting entry c.By. It
// fails with already_corrected when another stored entry corrects it; a
// claim whose correcting entry was never stored is taken over once older
// than claimGraceLedger.
func (d *DB) ClaimCorrection(ctx context.Context, c domain.PaymentCorrection) error {
	col := d.db.Collection(colPaymentClaims)
	_, err := col.InsertOne(ctx, c)
	if err == nil {
		return nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return mapErr("claim correction", err)
	}
	unlock := d.locks.lock("claim:" + c.ID)
	defer unlock()
	var held domain.PaymentCorrection
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&held); err != nil {
		return mapErr("read correction claim", err)
	}
	if _, err := d.PaymentByID(ctx, held.By); err == nil || !domain.IsKind(err, domain.KindNotFound) || time.Since(held.At) < claimGraceLedger {
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		return domain.CodedError(domain.KindConflict, "already_corrected", "the entry has been corrected already")
	}
	// Embedded: this process is the only writer and holds the lock, so
	// the filter stays {_id}; MongoDB checks the holder atomically.
	filter := bson.D{{Key: "_id", Value: c.ID}}
	if !d.embedded {
		filter = append(filter, bson.E{Key: "by", Value: held.By})
	}
	res, err := col.ReplaceOne(ctx, filter, c)
	if err != nil {
		return mapErr("take over correction claim", err)
	}
	if res.MatchedCount == 0 {
		return domain.CodedError(domain.KindConflict, "already_corrected", "the entry has been corrected already")
	}
	return nil
}

// ReleaseCorrection removes the claim of entry id by by, when the
// correcting entry could not be stored.
func (d *DB) ReleaseCorrection(ctx context.Context, id, by string) error {
	unlock := d.locks.lock("claim:" + id)
	defer unlock()
	col := d.db.Collection(colPaymentClaims)
	var held domain.PaymentCorrection
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&held); err != nil {
		return mapErr("read correction claim", err)
	}
	if held.By != by {
		return nil
	}
	_, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	return mapErr("release correction claim", err)
}

// serviceCollections are the collections of the plan's other services
// (the ledger, mentors, providers, the alliance's events).
var serviceCollections = []string{colPayments, colPaymentClaims}
