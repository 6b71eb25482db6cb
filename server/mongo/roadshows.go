package mongo

import (
	"context"
	"fmt"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	colRoadshows     = "roadshows"
	colRoomEvents    = "roadshow_events"
	colRegistrations = "roadshow_registrations"
	colAttendance    = "roadshow_attendance"
)

// CreateRoadshow inserts r, assigning its ID and version 1.
func (d *DB) CreateRoadshow(ctx context.Context, r *domain.Roadshow) error {
	r.ID, r.Version = NewID(), 1
	_, err := d.db.Collection(colRoadshows).InsertOne(ctx, r)
	return mapErr("create roadshow", err)
}

// RoadshowByID returns the roadshow with id.
func (d *DB) RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error) {
	var r domain.Roadshow
	if err := d.db.Collection(colRoadshows).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r); err != nil {
		return nil, mapErr("roadshow by id", err)
	}
	return &r, nil
}

// UpdateRoadshow stores r if the stored copy still has version prev.
func (d *DB) UpdateRoadshow(ctx context.Context, r *domain.Roadshow, prev int) error {
	r.Version = prev + 1
	if err := d.replaceVersioned(ctx, colRoadshows, "update roadshow", r.ID, prev, r); err != nil {
		r.Version = prev
		return err
	}
	return nil
}

// ListRoadshows returns one page of roadshows, soonest first, filtered by
// space and status when given.
func (d *DB) ListRoadshows(ctx context.Context, spaceID, status string, p domain.Page) ([]domain.Roadshow, int, error) {
	q := eqIf(eqIf(bson.D{}, "spaceId", spaceID), "status", status)
	c := d.db.Collection(colRoadshows)
	total, err := c.CountDocuments(ctx, q)
	if err != nil {
		return nil, 0, mapErr("count roadshows", err)
	}
	cur, err := c.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "startsAt", Value: 1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(p.Skip())).SetLimit(int64(p.PageSize)))
	if err != nil {
		return nil, 0, mapErr("list roadshows", err)
	}
	out := []domain.Roadshow{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, 0, mapErr("list roadshows decode", err)
	}
	return out, int(total), nil
}

// Register records userID for roadshow r; it reports whether that was new.
func (d *DB) Register(ctx context.Context, reg domain.Registration) (bool, error) {
	reg.ID = reg.RoadshowID + ":" + reg.UserID
	_, err := d.db.Collection(colRegistrations).InsertOne(ctx, reg)
	if err != nil {
		if e := mapErr("register", err); domain.IsKind(e, domain.KindConflict) {
			return false, nil
		}
		return false, mapErr("register", err)
	}
	return true, nil
}

// IsRegistered reports whether userID registered for roadshow id.
func (d *DB) IsRegistered(ctx context.Context, roadshowID, userID string) (bool, error) {
	n, err := d.db.Collection(colRegistrations).CountDocuments(ctx, bson.D{{Key: "_id", Value: roadshowID + ":" + userID}})
	return n > 0, mapErr("is registered", err)
}

// RegisteredUsers returns the ids of the users registered for a roadshow.
func (d *DB) RegisteredUsers(ctx context.Context, roadshowID string) ([]string, error) {
	var out []string
	err := each(ctx, d, colRegistrations, bson.D{{Key: "roadshowId", Value: roadshowID}}, func(r domain.Registration) error {
		out = append(out, r.UserID)
		return nil
	})
	return out, err
}

// CountRegistrations counts the registrations of a roadshow.
func (d *DB) CountRegistrations(ctx context.Context, roadshowID string) (int, error) {
	n, err := d.db.Collection(colRegistrations).CountDocuments(ctx, bson.D{{Key: "roadshowId", Value: roadshowID}})
	return int(n), mapErr("count registrations", err)
}

// AppendRoomEvent stores e. Sequence numbers are unique per roadshow (the
// _id is roadshowID:seq), so a duplicate is refused rather than stored twice.
func (d *DB) AppendRoomEvent(ctx context.Context, e domain.RoomEvent) error {
	e.ID = fmt.Sprintf("%s:%012d", e.RoadshowID, e.Seq)
	_, err := d.db.Collection(colRoomEvents).InsertOne(ctx, e)
	return mapErr("append room event", err)
}

// RoomEvents returns the events of a roadshow in order.
func (d *DB) RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error) {
	cur, err := d.db.Collection(colRoomEvents).Find(ctx, bson.D{{Key: "roadshowId", Value: roadshowID}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}))
	if err != nil {
		return nil, mapErr("room events", err)
	}
	out := []domain.RoomEvent{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr("room events decode", err)
	}
	return out, nil
}

// SaveAttendance stores a user's attendance, replacing the earlier record.
func (d *DB) SaveAttendance(ctx context.Context, a domain.Attendance) error {
	a.ID = a.RoadshowID + ":" + a.UserID
	// firstSeen only on insert: a restarted server, which no longer knows
	// when someone first came, must not move it.
	_, err := d.db.Collection(colAttendance).UpdateOne(ctx, bson.D{{Key: "_id", Value: a.ID}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "roadshowId", Value: a.RoadshowID}, {Key: "userId", Value: a.UserID}, {Key: "name", Value: a.Name},
			{Key: "role", Value: a.Role}, {Key: "lastSeen", Value: a.LastSeen}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "firstSeen", Value: a.FirstSeen}}},
	}, options.UpdateOne().SetUpsert(true))
	return mapErr("save attendance", err)
}

// AttendanceOf returns who attended a roadshow.
func (d *DB) AttendanceOf(ctx context.Context, roadshowID string) ([]domain.Attendance, error) {
	cur, err := d.db.Collection(colAttendance).Find(ctx, bson.D{{Key: "roadshowId", Value: roadshowID}},
		options.Find().SetSort(bson.D{{Key: "firstSeen", Value: 1}}))
	if err != nil {
		return nil, mapErr("attendance", err)
	}
	out := []domain.Attendance{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, mapErr("attendance decode", err)
	}
	return out, nil
}
