package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// The open support ledger: one document per entry under its id, never
// replaced, and one claim per corrected entry under the corrected entry's
// id. Everything is read at start into memory (app.ServiceBook); the only
// reads on a request are by _id.
const (
	colPayments      = "support_payments"
	colPaymentClaims = "support_corrections"
)

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
	return loadAll(ctx, d, colPayments, fn)
}

// ClaimCorrection claims entry c.ID for the correcting entry c.By. It
// fails with already_corrected when another stored entry corrects it; a
// claim whose correcting entry was never stored is taken over once older
// than claimGrace (claims.go).
func (d *DB) ClaimCorrection(ctx context.Context, c domain.PaymentCorrection) error {
	return d.claim(ctx, colPaymentClaims, c.ID, c.By, c.At, d.missingFor(ctx, colPayments),
		domain.CodedError(domain.KindConflict, "already_corrected", "the entry has been corrected already"))
}

// ReleaseCorrection removes the claim of entry id by by, when the
// correcting entry could not be stored.
func (d *DB) ReleaseCorrection(ctx context.Context, id, by string) error {
	return d.release(ctx, colPaymentClaims, id, by)
}

// serviceCollections are the collections of the plan's other services
// (the ledger, mentors, providers, the alliance's events).
var serviceCollections = []string{colPayments, colPaymentClaims, colMentors, colMentorOwners, colBookings, colSlotClaims,
	colProviders, colProviderOwners, colRequests, colEvents, colEventRegs, colEntries, colScoreSheets, colCalendarFeeds}
