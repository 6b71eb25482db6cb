package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The alliance's calendar and contests: one document each under its id,
// loaded at start into memory (app.ServiceBook) and written by _id only.
// Registrations, entries and score sheets have ids made of the ids they
// join (domain.EventRegistration and the others), so that doing a thing
// twice stores it once.
const (
	colEvents        = "alliance_events"
	colEventRegs     = "alliance_registrations"
	colEntries       = "contest_entries"
	colScoreSheets   = "contest_score_sheets"
	colCalendarFeeds = "calendar_feeds"
)

// CreateEvent stores a new event, version 1.
func (d *DB) CreateEvent(ctx context.Context, e *domain.Event) error {
	e.ID, e.Version = NewID(), 1
	_, err := d.db.Collection(colEvents).InsertOne(ctx, e)
	return mapErr("create event", err)
}

// UpdateEvent stores e if the stored copy still has version prev.
func (d *DB) UpdateEvent(ctx context.Context, e *domain.Event, prev int) error {
	e.Version = prev + 1
	if err := d.replaceVersioned(ctx, colEvents, "update event", e.ID, prev, e); err != nil {
		e.Version = prev
		return err
	}
	return nil
}

// EachEvent calls fn with every event (the load at start).
func (d *DB) EachEvent(ctx context.Context, fn func(domain.Event) error) error {
	return loadAll(ctx, d, colEvents, fn)
}

// putByID stores doc under id, replacing what is there.
func (d *DB) putByID(ctx context.Context, col, op, id string, doc any) error {
	_, err := d.db.Collection(col).ReplaceOne(ctx, byID(id), doc, options.Replace().SetUpsert(true))
	return mapErr(op, err)
}

func (d *DB) deleteByID(ctx context.Context, col, op, id string) error {
	_, err := d.db.Collection(col).DeleteOne(ctx, byID(id))
	return mapErr(op, err)
}

// PutEventRegistration stores a registration (again: the same one).
func (d *DB) PutEventRegistration(ctx context.Context, r domain.EventRegistration) error {
	return d.putByID(ctx, colEventRegs, "register for event", r.ID, r)
}

// DeleteEventRegistration removes registration id.
func (d *DB) DeleteEventRegistration(ctx context.Context, id string) error {
	return d.deleteByID(ctx, colEventRegs, "unregister from event", id)
}

// EachEventRegistration calls fn with every registration (the load at start).
func (d *DB) EachEventRegistration(ctx context.Context, fn func(domain.EventRegistration) error) error {
	return loadAll(ctx, d, colEventRegs, fn)
}

// PutContestEntry stores an entry (again: the same one).
func (d *DB) PutContestEntry(ctx context.Context, e domain.ContestEntry) error {
	return d.putByID(ctx, colEntries, "enter contest", e.ID, e)
}

// DeleteContestEntry removes entry id.
func (d *DB) DeleteContestEntry(ctx context.Context, id string) error {
	return d.deleteByID(ctx, colEntries, "withdraw entry", id)
}

// EachContestEntry calls fn with every entry (the load at start).
func (d *DB) EachContestEntry(ctx context.Context, fn func(domain.ContestEntry) error) error {
	return loadAll(ctx, d, colEntries, fn)
}

// PutScoreSheet stores a judge's sheet, replacing their earlier one.
func (d *DB) PutScoreSheet(ctx context.Context, s *domain.ScoreSheet) error {
	return d.putByID(ctx, colScoreSheets, "score entry", s.ID, s)
}

// EachScoreSheet calls fn with every score sheet (the load at start).
func (d *DB) EachScoreSheet(ctx context.Context, fn func(domain.ScoreSheet) error) error {
	return loadAll(ctx, d, colScoreSheets, fn)
}

// PutCalendarFeed stores a person's calendar token, replacing the old one.
func (d *DB) PutCalendarFeed(ctx context.Context, f domain.CalendarFeed) error {
	return d.putByID(ctx, colCalendarFeeds, "calendar feed", f.UserID, f)
}

// EachCalendarFeed calls fn with every calendar token (the load at start).
func (d *DB) EachCalendarFeed(ctx context.Context, fn func(domain.CalendarFeed) error) error {
	return loadAll(ctx, d, colCalendarFeeds, fn)
}
