package mongo

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Service providers and requests: one document each under its id, loaded
// at start into memory (app.ServiceBook), written by _id; an account's one
// provider profile is a claim (claims.go).
const (
	colProviders      = "providers"
	colProviderOwners = "provider_owners"
	colRequests       = "service_requests"
)

// CreateProvider stores a new provider profile, version 1, after the
// owner's claim (a second profile of one account is profile_exists).
func (d *DB) CreateProvider(ctx context.Context, p *domain.Provider) error {
	p.ID, p.Version = NewID(), 1
	exists := domain.CodedError(domain.KindConflict, "profile_exists", "this account has a provider profile already")
	if err := d.claim(ctx, colProviderOwners, p.OwnerID, p.ID, time.Now().UTC(), d.missingFor(ctx, colProviders), exists); err != nil {
		return err
	}
	if _, err := d.db.Collection(colProviders).InsertOne(ctx, p); err != nil {
		_ = d.release(context.WithoutCancel(ctx), colProviderOwners, p.OwnerID, p.ID)
		return mapErr("create provider", err)
	}
	return nil
}

// UpdateProvider stores p if the stored copy still has version prev.
func (d *DB) UpdateProvider(ctx context.Context, p *domain.Provider, prev int) error {
	p.Version = prev + 1
	if err := d.replaceVersioned(ctx, colProviders, "update provider", p.ID, prev, p); err != nil {
		p.Version = prev
		return err
	}
	return nil
}

// EachProvider calls fn with every provider (the load at start).
func (d *DB) EachProvider(ctx context.Context, fn func(domain.Provider) error) error {
	return loadAll(ctx, d, colProviders, fn)
}

// CreateRequest stores a new service request, version 1.
func (d *DB) CreateRequest(ctx context.Context, r *domain.ServiceRequest) error {
	r.ID, r.Version = NewID(), 1
	_, err := d.db.Collection(colRequests).InsertOne(ctx, r)
	return mapErr("create service request", err)
}

// UpdateRequest stores r if the stored copy still has version prev.
func (d *DB) UpdateRequest(ctx context.Context, r *domain.ServiceRequest, prev int) error {
	r.Version = prev + 1
	if err := d.replaceVersioned(ctx, colRequests, "update service request", r.ID, prev, r); err != nil {
		r.Version = prev
		return err
	}
	return nil
}

// EachRequest calls fn with every service request (the load at start).
func (d *DB) EachRequest(ctx context.Context, fn func(domain.ServiceRequest) error) error {
	return loadAll(ctx, d, colRequests, fn)
}
