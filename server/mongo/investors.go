package mongo

import (
	"cmp"
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colInvestorOwners maps a user to their investor profile: {_id: ownerId,
// investorId}. A user owns at most one profile because a second key insert
// is a duplicate _id.
const colInvestorOwners = "investor_owners"

type ownerKey struct {
	OwnerID    string    `bson:"_id"`
	InvestorID string    `bson:"investorId"`
	At         time.Time `bson:"at"`
}

// CreateInvestor inserts inv, assigning its ID and version 1. A user owns at
// most one investor profile: a second is a conflict. As with emails, the key
// is claimed before the profile is written, and a key left by a crash in
// between is taken over.
func (d *DB) CreateInvestor(ctx context.Context, inv *domain.Investor) error {
	inv.ID, inv.Version = NewID(), 1
	exists := domain.CodedError(domain.KindConflict, "profile_exists", "you already have an investor profile")
	ok, err := d.claimKey(ctx, "claim investor owner", colInvestorOwners, "investorId", inv.OwnerID, inv.ID,
		ownerKey{OwnerID: inv.OwnerID, InvestorID: inv.ID, At: time.Now().UTC()},
		func(id string) error { _, err := d.InvestorByID(ctx, id); return err })
	if err != nil {
		return err
	}
	if !ok {
		return exists
	}
	if d.embedded { // the change mark in the profile (outbox_doc.go)
		_, err = d.db.Collection(colInvestors).InsertOne(ctx, &markedInvestor{Investor: *inv, Changed: inv.Version})
		err = mapErr("create investor", err)
		d.markedInDocument(domain.OutboxEntry{Kind: domain.ChangeInvestor, DocID: inv.ID, Version: inv.Version}, err)
	} else if err = d.markDirty(ctx, domain.ChangeInvestor, inv.ID); err == nil {
		_, err = d.db.Collection(colInvestors).InsertOne(ctx, inv)
		err = mapErr("create investor", err)
		if err == nil {
			err = d.markAfter(ctx, domain.ChangeInvestor, inv.ID)
		}
	}
	if domain.IsKind(err, domain.KindConflict) {
		return exists
	}
	return err
}

// InvestorByID returns the investor with id: straight from the embedded engine's storage
// when the platform gave the way (findByID), else through the driver.
func (d *DB) InvestorByID(ctx context.Context, id string) (*domain.Investor, error) {
	var inv domain.Investor
	if ok, err := d.findByID(ctx, "investor by id", colInvestors, id, &inv); err != nil || !ok {
		return nil, cmp.Or[error](err, domain.ErrNotFound)
	}
	return &inv, nil
}

// InvestorByOwner returns the investor profile owned by userID: the owner
// key, then the profile, both read by _id.
func (d *DB) InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error) {
	var k ownerKey
	if err := d.db.Collection(colInvestorOwners).FindOne(ctx, byID(userID)).Decode(&k); err != nil {
		return nil, mapErr("investor by owner", err)
	}
	inv, err := d.InvestorByID(ctx, k.InvestorID)
	if err == nil && inv.OwnerID != userID {
		return nil, domain.ErrNotFound
	}
	return inv, err
}

// UpdateInvestor stores inv if the stored copy still has version prev. On
// the embedded engine its change mark is written in the same write, in the
// investor's document (outbox_doc.go): one fsynced write instead of two.
func (d *DB) UpdateInvestor(ctx context.Context, inv *domain.Investor, prev int) error {
	if d.embedded {
		inv.Version = prev + 1
		err := d.replaceVersioned(ctx, colInvestors, "update investor", inv.ID, prev, &markedInvestor{Investor: *inv, Changed: inv.Version})
		d.markedInDocument(domain.OutboxEntry{Kind: domain.ChangeInvestor, DocID: inv.ID, Version: prev + 1}, err)
		if err != nil {
			inv.Version = prev
		}
		return err
	}
	if err := d.markDirty(ctx, domain.ChangeInvestor, inv.ID); err != nil {
		return err
	}
	inv.Version = prev + 1
	if err := d.replaceVersioned(ctx, colInvestors, "update investor", inv.ID, prev, inv); err != nil {
		inv.Version = prev
		return err
	}
	return d.markAfter(ctx, domain.ChangeInvestor, inv.ID)
}

// ListInvestors returns one page of investors matching f. Sector, stage and
// district match when the investor's list contains the value.
func (d *DB) ListInvestors(ctx context.Context, f domain.InvestorFilter, p domain.Page) ([]domain.Investor, int, error) {
	q := bson.D{}
	// An equality filter on an array field matches any element; FerretDB
	// supports this shape (see TestQueryShapes).
	q = eqIf(q, "sectors", f.Sector)
	q = eqIf(q, "stages", f.Stage)
	q = eqIf(q, "districts", f.District)
	q = eqIf(q, "kind", f.Kind)
	q = eqIf(q, "ownerId", f.OwnerID)
	if f.Verified != nil {
		q = append(q, bson.E{Key: "verified", Value: *f.Verified})
	}
	return findPage[domain.Investor](ctx, d.db.Collection(colInvestors), "list investors", q, p)
}
