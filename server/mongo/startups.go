package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateStartup inserts s, assigning its ID and version 1.
func (d *DB) CreateStartup(ctx context.Context, s *domain.Startup) error {
	s.ID, s.Version = NewID(), 1
	if err := d.markDirty(ctx, domain.ChangeStartup, s.ID); err != nil {
		return err
	}
	if _, err := d.db.Collection(colStartups).InsertOne(ctx, s); err != nil {
		return mapErr("create startup", err)
	}
	return d.markDirty(ctx, domain.ChangeStartup, s.ID)
}

// StartupByID returns the startup with id.
func (d *DB) StartupByID(ctx context.Context, id string) (*domain.Startup, error) {
	var s domain.Startup
	if err := d.db.Collection(colStartups).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&s); err != nil {
		return nil, mapErr("startup by id", err)
	}
	return &s, nil
}

// UpdateStartup stores s if the stored copy still has version prev, and
// bumps s.Version.
func (d *DB) UpdateStartup(ctx context.Context, s *domain.Startup, prev int) error {
	if err := d.markDirty(ctx, domain.ChangeStartup, s.ID); err != nil {
		return err
	}
	s.Version = prev + 1
	if err := d.replaceVersioned(ctx, colStartups, "update startup", s.ID, prev, s); err != nil {
		s.Version = prev
		return err
	}
	return d.markDirty(ctx, domain.ChangeStartup, s.ID)
}

// DeleteStartup deletes the startup with id.
func (d *DB) DeleteStartup(ctx context.Context, id string) error {
	if err := d.markDirty(ctx, domain.ChangeStartup, id); err != nil {
		return err
	}
	res, err := d.db.Collection(colStartups).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return mapErr("delete startup", err)
	}
	if res.DeletedCount == 0 {
		return domain.ErrNotFound
	}
	return d.markDirty(ctx, domain.ChangeStartup, id)
}

// ListStartups returns one page of startups matching f, newest first.
func (d *DB) ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error) {
	q := bson.D{}
	q = eqIf(q, "sector", f.Sector)
	q = eqIf(q, "stage", f.Stage)
	q = eqIf(q, "district", f.District)
	q = eqIf(q, "spaceId", f.SpaceID)
	q = eqIf(q, "ownerId", f.OwnerID)
	q = eqIf(q, "status", f.Status)
	return findPage[domain.Startup](ctx, d.db.Collection(colStartups), "list startups", q, p)
}

// CountStartups counts startups matching f.
func (d *DB) CountStartups(ctx context.Context, f domain.StartupFilter) (int, error) {
	q := bson.D{}
	q = eqIf(q, "ownerId", f.OwnerID)
	q = eqIf(q, "status", f.Status)
	q = eqIf(q, "spaceId", f.SpaceID)
	n, err := d.db.Collection(colStartups).CountDocuments(ctx, q)
	return int(n), mapErr("count startups", err)
}
