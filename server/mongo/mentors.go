package mongo

import (
	"context"
	"errors"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Mentors and their bookings: one document each under its id, loaded at
// start into memory (app.ServiceBook), written by _id. An account's one
// profile and a slot's one active booking are claims (claims.go).
const (
	colMentors      = "mentors"
	colMentorOwners = "mentor_owners"
	colBookings     = "mentor_bookings"
	colSlotClaims   = "mentor_slot_claims"
)

// CreateMentor stores a new mentor profile, version 1: the owner's claim
// first (a second profile of one account is profile_exists).
func (d *DB) CreateMentor(ctx context.Context, m *domain.Mentor) error {
	m.ID, m.Version = NewID(), 1
	exists := domain.CodedError(domain.KindConflict, "profile_exists", "this account has a mentor profile already")
	if err := d.claim(ctx, colMentorOwners, m.OwnerID, m.ID, time.Now().UTC(), d.missingFor(ctx, colMentors), exists); err != nil {
		return err
	}
	if _, err := d.db.Collection(colMentors).InsertOne(ctx, m); err != nil {
		_ = d.release(context.WithoutCancel(ctx), colMentorOwners, m.OwnerID, m.ID)
		return mapErr("create mentor", err)
	}
	return nil
}

// UpdateMentor stores m if the stored copy still has version prev.
func (d *DB) UpdateMentor(ctx context.Context, m *domain.Mentor, prev int) error {
	m.Version = prev + 1
	if err := d.replaceVersioned(ctx, colMentors, "update mentor", m.ID, prev, m); err != nil {
		m.Version = prev
		return err
	}
	return nil
}

// EachMentor calls fn with every mentor profile (the load at start).
func (d *DB) EachMentor(ctx context.Context, fn func(domain.Mentor) error) error {
	return loadAll(ctx, d, colMentors, fn)
}

// CreateBooking stores a new booking, version 1, after claiming its slot
// (slot_taken while another booking holds it and is still active, as
// stored: a holder that stopped being active but whose release was lost
// frees the slot, as does a holder never stored, after the grace).
func (d *DB) CreateBooking(ctx context.Context, b *domain.Booking) error {
	b.ID, b.Version = NewID(), 1
	taken := domain.CodedError(domain.KindConflict, "slot_taken", "the slot has been booked")
	free := func(holder string, at time.Time) (bool, error) {
		var h domain.Booking
		err := d.db.Collection(colBookings).FindOne(ctx, byID(holder)).Decode(&h)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return time.Since(at) >= claimGrace, nil
		}
		if err != nil {
			return false, mapErr("slot holder", err)
		}
		return !h.Active(), nil
	}
	key := b.MentorID + "/" + b.SlotID
	if err := d.claim(ctx, colSlotClaims, key, b.ID, b.CreatedAt, free, taken); err != nil {
		return err
	}
	if _, err := d.db.Collection(colBookings).InsertOne(ctx, b); err != nil {
		_ = d.release(context.WithoutCancel(ctx), colSlotClaims, key, b.ID)
		return mapErr("create booking", err)
	}
	return nil
}

// UpdateBooking stores b if the stored copy still has version prev; a
// booking that stops being active (declined, cancelled, missed) releases
// its slot after the write.
func (d *DB) UpdateBooking(ctx context.Context, b *domain.Booking, prev int) error {
	b.Version = prev + 1
	if err := d.replaceVersioned(ctx, colBookings, "update booking", b.ID, prev, b); err != nil {
		b.Version = prev
		return err
	}
	if !b.Active() {
		return d.release(ctx, colSlotClaims, b.MentorID+"/"+b.SlotID, b.ID)
	}
	return nil
}

// EachBooking calls fn with every booking (the load at start).
func (d *DB) EachBooking(ctx context.Context, fn func(domain.Booking) error) error {
	return loadAll(ctx, d, colBookings, fn)
}
