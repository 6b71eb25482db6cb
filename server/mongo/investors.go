package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateInvestor inserts inv, assigning its ID and version 1. A user owns at
// most one investor profile: a second is a conflict.
func (d *DB) CreateInvestor(ctx context.Context, inv *domain.Investor) error {
	inv.ID, inv.Version = NewID(), 1
	if err := d.markDirty(ctx, domain.ChangeInvestor, inv.ID); err != nil {
		return err
	}
	_, err := d.db.Collection(colInvestors).InsertOne(ctx, inv)
	err = mapErr("create investor", err)
	if domain.IsKind(err, domain.KindConflict) {
		return domain.CodedError(domain.KindConflict, "profile_exists", "你已有投资人档案 / you already have an investor profile")
	}
	if err != nil {
		return err
	}
	return d.markDirty(ctx, domain.ChangeInvestor, inv.ID)
}

// InvestorByID returns the investor with id.
func (d *DB) InvestorByID(ctx context.Context, id string) (*domain.Investor, error) {
	return d.investorBy(ctx, "_id", id)
}

// InvestorByOwner returns the investor profile owned by userID.
func (d *DB) InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error) {
	return d.investorBy(ctx, "ownerId", userID)
}

func (d *DB) investorBy(ctx context.Context, key, value string) (*domain.Investor, error) {
	var inv domain.Investor
	if err := d.db.Collection(colInvestors).FindOne(ctx, bson.D{{Key: key, Value: value}}).Decode(&inv); err != nil {
		return nil, mapErr("investor by "+key, err)
	}
	return &inv, nil
}

// UpdateInvestor stores inv if the stored copy still has version prev.
func (d *DB) UpdateInvestor(ctx context.Context, inv *domain.Investor, prev int) error {
	if err := d.markDirty(ctx, domain.ChangeInvestor, inv.ID); err != nil {
		return err
	}
	inv.Version = prev + 1
	if err := d.replaceVersioned(ctx, colInvestors, "update investor", inv.ID, prev, inv); err != nil {
		inv.Version = prev
		return err
	}
	return d.markDirty(ctx, domain.ChangeInvestor, inv.ID)
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
