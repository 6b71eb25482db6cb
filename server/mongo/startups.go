package mongo

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateStartup inserts s, assigning its ID and version 1.
func (d *DB) CreateStartup(ctx context.Context, s *domain.Startup) error {
	s.ID, s.Version = NewID(), 1
	if err := d.listAdd(ctx, listOwnStartups, s.OwnerID, s.ID); err != nil {
		return err
	}
	if err := d.markDirty(ctx, domain.ChangeStartup, s.ID); err != nil {
		return err
	}
	if _, err := d.db.Collection(colStartups).InsertOne(ctx, s); err != nil {
		return mapErr("create startup", err)
	}
	return d.markAfter(ctx, domain.ChangeStartup, s.ID)
}

// StartupByID returns the startup with id: straight from the embedded engine's storage
// when the platform gave the way (findByID), else through the driver.
func (d *DB) StartupByID(ctx context.Context, id string) (*domain.Startup, error) {
	var s domain.Startup
	if ok, err := d.findByID(ctx, "startup by id", colStartups, id, &s); err != nil || !ok {
		return nil, cmp.Or[error](err, domain.ErrNotFound)
	}
	return &s, nil
}

// UpdateStartup stores s if the stored copy still has version prev, and
// bumps s.Version. On the embedded engine its change mark is written in
// the same write, in the startup's document (outbox_doc.go): one fsynced
// write instead of a mark before it; marks pending in the stored document
// are kept.
func (d *DB) UpdateStartup(ctx context.Context, s *domain.Startup, prev int) error {
	if d.embedded {
		e := domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID, Version: prev + 1}
		s.Version = prev + 1
		err := d.replaceVersioned(ctx, colStartups, "update startup", s.ID, prev, d.startupDoc(s, 0, prev+1))
		d.markedInDocument(e, err)
		if err != nil {
			s.Version = prev
		}
		return err
	}
	if err := d.markDirty(ctx, domain.ChangeStartup, s.ID); err != nil {
		return err
	}
	s.Version = prev + 1
	if err := d.replaceVersioned(ctx, colStartups, "update startup", s.ID, prev, s); err != nil {
		s.Version = prev
		return err
	}
	return d.markAfter(ctx, domain.ChangeStartup, s.ID)
}

// UpdateAnnouncedStartup stores s as UpdateStartup does, with a match-alert
// mark for the version this write gives instead of the startup's own
// marks: the dispatcher applies the stored startup (to the read model and
// the search index) and fans the alert out once the write has landed. On
// MongoDB the mark is written first (MarkChange): two fsynced writes. On
// the embedded engine the mark is a field of the startup's document
// (outbox_doc.go), written with it: one.
func (d *DB) UpdateAnnouncedStartup(ctx context.Context, s *domain.Startup, prev int) error {
	e := domain.OutboxEntry{Kind: domain.ChangeMatchAlert, DocID: s.ID, Version: prev + 1}
	if !d.embedded {
		if err := d.MarkChange(ctx, e); err != nil {
			return err
		}
	}
	s.Version = prev + 1
	err := d.replaceVersioned(ctx, colStartups, "update startup", s.ID, prev, d.startupDoc(s, prev+1, 0))
	if d.embedded {
		d.markedInDocument(e, err)
	}
	if err != nil {
		s.Version = prev
		return err
	}
	return nil
}

// DeleteStartup deletes the startup with id.
func (d *DB) DeleteStartup(ctx context.Context, id string) error {
	s, err := d.StartupByID(ctx, id)
	if err != nil {
		return err
	}
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
	if err := d.listRemove(ctx, listOwnStartups, s.OwnerID, id); err != nil {
		return err
	}
	return d.markAfter(ctx, domain.ChangeStartup, id)
}

// ListStartups returns one page of startups matching f, newest first. With
// an owner it reads that founder's list of startups and each by _id; without
// one it filters the collection (a scan on the embedded engine: the public
// lists are served from the app's in-memory catalog instead).
func (d *DB) ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error) {
	if f.OwnerID != "" {
		all, err := d.ownStartups(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		items, total := pageOf(all, p)
		return items, total, nil
	}
	q := bson.D{}
	q = eqIf(q, "sector", f.Sector)
	q = eqIf(q, "stage", f.Stage)
	q = eqIf(q, "district", f.District)
	q = eqIf(q, "spaceId", f.SpaceID)
	q = eqIf(q, "status", f.Status)
	q = eqIf(q, "residency", f.Residency)
	return findPage[domain.Startup](ctx, d.db.Collection(colStartups), "list startups", q, p)
}

// ownStartups returns a founder's startups matching f, newest first.
func (d *DB) ownStartups(ctx context.Context, f domain.StartupFilter) ([]domain.Startup, error) {
	ids, err := d.list(ctx, listOwnStartups, f.OwnerID)
	if err != nil {
		return nil, err
	}
	all, err := byIDs[domain.Startup](ctx, d, colStartups, ids)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		if s.OwnerID == f.OwnerID && match(s.Sector, f.Sector) && match(s.Stage, f.Stage) && match(s.District, f.District) &&
			match(s.SpaceID, f.SpaceID) && match(s.Status, f.Status) && match(s.Residency, f.Residency) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b domain.Startup) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

func match(v, want string) bool { return want == "" || v == want }

// CountStartups counts startups matching f; with an owner from the
// founder's list.
func (d *DB) CountStartups(ctx context.Context, f domain.StartupFilter) (int, error) {
	if f.OwnerID != "" {
		all, err := d.ownStartups(ctx, f)
		return len(all), err
	}
	q := bson.D{}
	q = eqIf(q, "status", f.Status)
	q = eqIf(q, "spaceId", f.SpaceID)
	q = eqIf(q, "residency", f.Residency)
	n, err := d.db.Collection(colStartups).CountDocuments(ctx, q)
	return int(n), mapErr("count startups", err)
}
