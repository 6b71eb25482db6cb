package mongo

import (
	"cmp"
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateSpace inserts s, assigning its ID and version 1. On the embedded
// engine its change mark is in the document it inserts (outbox_doc.go).
func (d *DB) CreateSpace(ctx context.Context, s *domain.Space) error {
	s.ID, s.Version = NewID(), 1
	if d.embedded {
		_, err := d.db.Collection(colSpaces).InsertOne(ctx, &markedSpace{Space: *s, Changed: s.Version})
		err = mapErr("create space", err)
		d.markedInDocument(domain.OutboxEntry{Kind: domain.ChangeSpace, DocID: s.ID, Version: s.Version}, err)
		return err
	}
	if err := d.markDirty(ctx, domain.ChangeSpace, s.ID); err != nil {
		return err
	}
	if _, err := d.db.Collection(colSpaces).InsertOne(ctx, s); err != nil {
		return mapErr("create space", err)
	}
	return d.markAfter(ctx, domain.ChangeSpace, s.ID)
}

// SpaceByID returns the space with id: straight from the embedded engine's storage
// when the platform gave the way (findByID), else through the driver.
func (d *DB) SpaceByID(ctx context.Context, id string) (*domain.Space, error) {
	var s domain.Space
	if ok, err := d.findByID(ctx, "space by id", colSpaces, id, &s); err != nil || !ok {
		return nil, cmp.Or[error](err, domain.ErrNotFound)
	}
	return &s, nil
}

// UpdateSpace stores s if the stored copy still has version prev. On the
// embedded engine its change mark is written in the same write, in the
// space's document (outbox_doc.go): one fsynced write instead of two.
func (d *DB) UpdateSpace(ctx context.Context, s *domain.Space, prev int) error {
	if d.embedded {
		s.Version = prev + 1
		err := d.replaceVersioned(ctx, colSpaces, "update space", s.ID, prev, &markedSpace{Space: *s, Changed: s.Version})
		d.markedInDocument(domain.OutboxEntry{Kind: domain.ChangeSpace, DocID: s.ID, Version: prev + 1}, err)
		if err != nil {
			s.Version = prev
		}
		return err
	}
	if err := d.markDirty(ctx, domain.ChangeSpace, s.ID); err != nil {
		return err
	}
	s.Version = prev + 1
	if err := d.replaceVersioned(ctx, colSpaces, "update space", s.ID, prev, s); err != nil {
		s.Version = prev
		return err
	}
	return d.markAfter(ctx, domain.ChangeSpace, s.ID)
}

// ListSpaces returns one page of spaces matching f.
func (d *DB) ListSpaces(ctx context.Context, f domain.SpaceFilter, p domain.Page) ([]domain.Space, int, error) {
	q := bson.D{}
	q = eqIf(q, "level", f.Level)
	q = eqIf(q, "model", f.Model)
	q = eqIf(q, "district", f.District)
	q = eqIf(q, "ownerId", f.OwnerID)
	return findPage[domain.Space](ctx, d.db.Collection(colSpaces), "list spaces", q, p)
}
