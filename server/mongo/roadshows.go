package mongo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	colRoadshows = "roadshows"
	// colRoomEvents held version 3's room events, one document each;
	// migration 4 moves them into colRoomEventBuckets.
	colRoomEvents    = "roadshow_events"
	colRegistrations = "roadshow_registrations"
	colAttendance    = "roadshow_attendance"
)

// CreateRoadshow inserts r with version 1, assigning its ID unless it has
// one (a loader that stores an ended roadshow's room first names it ahead).
func (d *DB) CreateRoadshow(ctx context.Context, r *domain.Roadshow) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	r.Version = 1
	if err := d.listRoadshow(ctx, r); err != nil {
		return err
	}
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
	return d.listRoadshow(ctx, r)
}

// listRoadshow keeps a roadshow in its space's list and, while scheduled,
// in the list of scheduled ones. A stale entry (a crash after the write) is
// harmless: readers filter by the stored status.
func (d *DB) listRoadshow(ctx context.Context, r *domain.Roadshow) error {
	if err := d.listAdd(ctx, listSpaceShows, r.SpaceID, r.ID); err != nil {
		return err
	}
	if r.Status == domain.RoadshowScheduled || r.Status == "" {
		return d.listAdd(ctx, listScheduled, "all", r.ID)
	}
	return d.listRemove(ctx, listScheduled, "all", r.ID)
}

// ListRoadshows returns one page of roadshows, soonest first, filtered by
// space and status when given. A space's roadshows, and the scheduled ones
// (the reminders' routine check), come from their lists by _id; other
// filters scan the collection (the roadshow list page, which belongs to the
// app's read model).
func (d *DB) ListRoadshows(ctx context.Context, spaceID, status string, p domain.Page) ([]domain.Roadshow, int, error) {
	if spaceID != "" || status == domain.RoadshowScheduled {
		kind, owner := listSpaceShows, spaceID
		if spaceID == "" {
			kind, owner = listScheduled, "all"
		}
		ids, err := d.list(ctx, kind, owner)
		if err != nil {
			return nil, 0, err
		}
		all, err := byIDs[domain.Roadshow](ctx, d, colRoadshows, ids)
		if err != nil {
			return nil, 0, err
		}
		out := all[:0]
		for _, r := range all {
			if match(r.SpaceID, spaceID) && match(r.Status, status) {
				out = append(out, r)
			}
		}
		slices.SortFunc(out, func(a, b domain.Roadshow) int {
			if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		items, total := pageOf(out, p)
		return items, total, nil
	}
	q := eqIf(bson.D{}, "status", status)
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
// The registration is a document under roadshowID:userID (a duplicate _id
// means registered already), listed in the roadshow's registrants.
func (d *DB) Register(ctx context.Context, reg domain.Registration) (bool, error) {
	reg.ID = reg.RoadshowID + ":" + reg.UserID
	if err := d.listAdd(ctx, listRegistrants, reg.RoadshowID, reg.UserID); err != nil {
		return false, err
	}
	_, err := d.db.Collection(colRegistrations).InsertOne(ctx, reg)
	if err != nil {
		if e := mapErr("register", err); domain.IsKind(e, domain.KindConflict) {
			return false, nil
		}
		return false, mapErr("register", err)
	}
	return true, nil
}

// Unregister removes userID's registration for a roadshow (a guest who
// declined after accepting); it reports whether there was one. The
// document goes first, then the list entry: a crash between them leaves
// the count one too high, as a crash inside Register does.
func (d *DB) Unregister(ctx context.Context, roadshowID, userID string) (bool, error) {
	res, err := d.db.Collection(colRegistrations).DeleteOne(ctx, byID(roadshowID+":"+userID))
	if err != nil {
		return false, mapErr("unregister", err)
	}
	if err := d.listRemove(ctx, listRegistrants, roadshowID, userID); err != nil {
		return false, err
	}
	return res.DeletedCount > 0, nil
}

// IsRegistered reports whether userID registered for roadshow id.
func (d *DB) IsRegistered(ctx context.Context, roadshowID, userID string) (bool, error) {
	err := mapErr("is registered", d.db.Collection(colRegistrations).FindOne(ctx, byID(roadshowID+":"+userID)).Err())
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}

// RegisteredUsers returns the ids of the users registered for a roadshow.
func (d *DB) RegisteredUsers(ctx context.Context, roadshowID string) ([]string, error) {
	return d.list(ctx, listRegistrants, roadshowID)
}

// CountRegistrations counts the registrations of a roadshow.
func (d *DB) CountRegistrations(ctx context.Context, roadshowID string) (int, error) {
	ids, err := d.list(ctx, listRegistrants, roadshowID)
	return len(ids), err
}

// A roadshow's events are stored in buckets of eventBucketSize by sequence
// number, {_id: roadshowID/bucket, events: [...]}: the room numbers its
// events 1, 2, 3…, so the whole log is the buckets 0, 1, 2… up to the first
// missing one, one read by _id each.
const (
	colRoomEventBuckets = "roadshow_event_buckets"
	eventBucketSize     = 100
)

type eventBucket struct {
	ID     string             `bson:"_id"`
	Events []domain.RoomEvent `bson:"events"`
	// Seqs repeats the events' numbers for the duplicate check on MongoDB:
	// FerretDB answers {"events.seq": {$ne: n}} wrongly once the array has
	// two elements, but {seqs: {$ne: n}} right (TestRoomEventBuckets).
	Seqs []int64 `bson:"seqs"`
}

func eventBucketID(roadshowID string, seq int64) string {
	return fmt.Sprintf("%s/%08d", roadshowID, seq/eventBucketSize)
}

// AppendRoomEvent stores e. Sequence numbers are unique per roadshow: a
// duplicate is refused (a conflict) rather than stored twice. On MongoDB the
// push is filtered on the seq being absent, atomically; on the embedded
// engine the bucket is read and checked under this process's lock.
func (d *DB) AppendRoomEvent(ctx context.Context, e domain.RoomEvent) error {
	e.ID = fmt.Sprintf("%s:%012d", e.RoadshowID, e.Seq)
	id := eventBucketID(e.RoadshowID, e.Seq)
	defer d.locks.lock(colRoomEventBuckets + id)()
	c := d.db.Collection(colRoomEventBuckets)
	filter := bson.D{{Key: "_id", Value: id}, {Key: "seqs", Value: bson.D{{Key: "$ne", Value: e.Seq}}}}
	if d.embedded {
		var b eventBucket
		err := mapErr("room events", c.FindOne(ctx, byID(id)).Decode(&b))
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		for _, old := range b.Events {
			if old.Seq == e.Seq {
				return &domain.Error{Kind: domain.KindConflict, Code: "duplicate", Detail: "already exists"}
			}
		}
		filter = byID(id)
	}
	_, err := upsertUpdate(ctx, c, filter, bson.D{{Key: "$push", Value: bson.D{{Key: "events", Value: e}, {Key: "seqs", Value: e.Seq}}}})
	return mapErr("append room event", err)
}

// AppendRoomEvents stores events of one roadshow, in order, a bucket at a
// time (one write per bucket instead of one per event: an import or a
// test's long log). Like AppendRoomEvent it refuses a seq already stored;
// the buckets before the one refused are stored.
func (d *DB) AppendRoomEvents(ctx context.Context, events []domain.RoomEvent) error {
	for len(events) > 0 {
		id := eventBucketID(events[0].RoadshowID, events[0].Seq)
		n := 1
		for n < len(events) && eventBucketID(events[n].RoadshowID, events[n].Seq) == id {
			n++
		}
		if err := d.appendBucket(ctx, id, events[:n]); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

func (d *DB) appendBucket(ctx context.Context, id string, events []domain.RoomEvent) error {
	defer d.locks.lock(colRoomEventBuckets + id)()
	c := d.db.Collection(colRoomEventBuckets)
	var b eventBucket
	err := mapErr("room events", c.FindOne(ctx, byID(id)).Decode(&b))
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	seqs := make([]int64, len(events))
	for i := range events {
		events[i].ID = fmt.Sprintf("%s:%012d", events[i].RoadshowID, events[i].Seq)
		seqs[i] = events[i].Seq
		if slices.Contains(b.Seqs, seqs[i]) {
			return &domain.Error{Kind: domain.KindConflict, Code: "duplicate", Detail: "already exists"}
		}
	}
	filter := byID(id)
	if !d.embedded {
		filter = append(filter, bson.E{Key: "seqs", Value: bson.D{{Key: "$nin", Value: seqs}}})
	}
	_, err = c.UpdateOne(ctx, filter, bson.D{{Key: "$push", Value: bson.D{
		{Key: "events", Value: bson.D{{Key: "$each", Value: events}}}, {Key: "seqs", Value: bson.D{{Key: "$each", Value: seqs}}}}}},
		options.UpdateOne().SetUpsert(true))
	return mapErr("append room events", err)
}

// RoomEvents returns the events of a roadshow in order.
func (d *DB) RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error) {
	out := []domain.RoomEvent{}
	for b := int64(0); ; b++ {
		var eb eventBucket
		ok, err := d.findByID(ctx, "room events", colRoomEventBuckets, eventBucketID(roadshowID, b*eventBucketSize), &eb)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		slices.SortFunc(eb.Events, func(x, y domain.RoomEvent) int { return cmp.Compare(x.Seq, y.Seq) })
		out = append(out, eb.Events...)
	}
	return out, nil
}

// SaveAttendance stores a user's attendance, replacing the earlier record,
// and lists the user among the roadshow's attendees.
func (d *DB) SaveAttendance(ctx context.Context, a domain.Attendance) error {
	a.ID = a.RoadshowID + ":" + a.UserID
	if err := d.listAdd(ctx, listAttendees, a.RoadshowID, a.UserID); err != nil {
		return err
	}
	// firstSeen only on insert: a restarted server, which no longer knows
	// when someone first came, must not move it.
	_, err := upsertUpdate(ctx, d.db.Collection(colAttendance), byID(a.ID), bson.D{
		{Key: "$set", Value: bson.D{{Key: "roadshowId", Value: a.RoadshowID}, {Key: "userId", Value: a.UserID}, {Key: "name", Value: a.Name},
			{Key: "role", Value: a.Role}, {Key: "lastSeen", Value: a.LastSeen}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "firstSeen", Value: a.FirstSeen}}},
	})
	return mapErr("save attendance", err)
}

// AttendanceOf returns who attended a roadshow, first come first: the
// attendee list, then each attendance by _id.
func (d *DB) AttendanceOf(ctx context.Context, roadshowID string) ([]domain.Attendance, error) {
	users, err := d.list(ctx, listAttendees, roadshowID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = roadshowID + ":" + u
	}
	out, err := byIDs[domain.Attendance](ctx, d, colAttendance, ids)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(out, func(a, b domain.Attendance) int { return a.FirstSeen.Compare(b.FirstSeen) })
	return out, nil
}

// migrateRoomEvents moves version 3's room events, one document each, into
// the buckets. Each bucket is replaced whole, so a re-run converges.
func migrateRoomEvents(ctx context.Context, d *DB) error {
	buckets := map[string][]domain.RoomEvent{}
	err := each(ctx, d, colRoomEvents, bson.D{}, func(e domain.RoomEvent) error {
		id := eventBucketID(e.RoadshowID, e.Seq)
		buckets[id] = append(buckets[id], e)
		return nil
	})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(buckets))
	for id := range buckets {
		ids = append(ids, id)
	}
	return parallel(ctx, 4, len(ids), func(i int) error {
		evs := buckets[ids[i]]
		slices.SortFunc(evs, func(x, y domain.RoomEvent) int { return cmp.Compare(x.Seq, y.Seq) })
		b := eventBucket{ID: ids[i], Events: evs}
		for _, e := range evs {
			b.Seqs = append(b.Seqs, e.Seq)
		}
		_, err := d.db.Collection(colRoomEventBuckets).ReplaceOne(ctx, byID(ids[i]), b, options.Replace().SetUpsert(true))
		return err
	})
}
