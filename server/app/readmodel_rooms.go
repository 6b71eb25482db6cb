package app

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoomRecordStore keeps each ended roadshow's room log in one document,
// and what its record shows (roadshow.Settled) in another
// (server/mongo/records.go, records_settled.go).
type RoomRecordStore interface {
	RoomRecord(ctx context.Context, roadshowID string) ([]roadshow.Logged, bool, error)
	SaveRoomRecord(ctx context.Context, roadshowID string, events []domain.RoomEvent) (bool, error)
	SettledRecord(ctx context.Context, roadshowID string) (string, bool, error) // roadshow.EncodeSettled's form
	SaveSettledRecord(ctx context.Context, roadshowID string, s *roadshow.Settled) (bool, error)
}

const (
	// roomSettle is how long after a roadshow ended its room may still be
	// storing events (the last messages in flight, the "ended" event; a
	// store write gives up after 30 s). After it, the events are final.
	roomSettle = 2 * time.Minute
	// roomCacheBytes bounds the ended rooms' records held in memory (as
	// RoomFold.size counts them), least recently read dropped first.
	roomCacheBytes = 64 << 20
)

// RoomFold returns what a roadshow's record shows of its room's log. An
// ended room's log is final once it has settled, so its fold is made once
// and stored (SettledRecord), read from there on a room's first read since
// start and then held in memory; a live or just-ended room's is folded
// from its buckets on each call, and not held. Callers must not change it.
func (rm *ReadModel) RoomFold(ctx context.Context, roadshowID string) (*RoomFold, error) {
	if !rm.settledRoom(roadshowID) {
		events, err := rm.Database.RoomEvents(ctx, roadshowID)
		if err != nil {
			return nil, err
		}
		log, err := roadshow.FromRecords(events)
		if err != nil {
			return nil, err
		}
		return newRoomFold(roadshow.Settle(log)), nil
	}
	if f, ok := rm.rooms.get(roadshowID); ok {
		return f, nil
	}
	f, err := rm.settled(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	rm.rooms.put(roadshowID, f)
	return f, nil
}

// settled makes a settled room's fold from its stored record, folding and
// storing that from the room's log (settledLog) if it is not stored.
// Either way the fold is made from the record's stored form (foldStored),
// whose bytes it keeps: strings decoded from the log would keep the whole
// log.
func (rm *ReadModel) settled(ctx context.Context, roadshowID string) (*RoomFold, error) {
	raw, ok, err := rm.Database.SettledRecord(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	if !ok {
		log, stored, err := rm.settledLog(ctx, roadshowID)
		if err != nil {
			return nil, err
		}
		s := roadshow.Settle(log)
		b, err := roadshow.EncodeSettled(s)
		if err != nil {
			return nil, err
		}
		if stored { // else settledLog stored both
			if _, err := rm.Database.SaveSettledRecord(ctx, roadshowID, s); err != nil {
				// The log still answers; the next read tries again.
				rm.log.WarnContext(ctx, "settled room record not stored", "roadshow", roadshowID, "err", err)
			}
		}
		raw = string(b)
	}
	f, err := foldStored(raw)
	if err != nil {
		return nil, fmt.Errorf("roadshow %s: settled record: %w", roadshowID, err)
	}
	return f, nil
}

// RoomEvents returns a roadshow's room events in order (the live room's
// rebuild reads them): a settled room's from its stored record, a live or
// just-ended room's from its buckets.
func (rm *ReadModel) RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error) {
	if !rm.settledRoom(roadshowID) {
		return rm.Database.RoomEvents(ctx, roadshowID)
	}
	log, _, err := rm.settledLog(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	out := make([]domain.RoomEvent, len(log))
	for i, l := range log {
		out[i] = roadshow.Record(roadshowID, l)
	}
	return out, nil
}

// settledRoom reports whether the roadshow ended long enough ago that its
// room stores no more events.
func (rm *ReadModel) settledRoom(id string) bool {
	rm.mu.RLock()
	r := rm.roadshows[id]
	rm.mu.RUnlock()
	return r != nil && settled(r, time.Now())
}

// settledLog reads a settled room's log from its stored record (stored:
// true), or folds it from the buckets and stores it with its settled
// record (SaveRoomRecord) if it is missing.
func (rm *ReadModel) settledLog(ctx context.Context, roadshowID string) (log []roadshow.Logged, stored bool, err error) {
	log, ok, err := rm.Database.RoomRecord(ctx, roadshowID)
	if err != nil || ok {
		return log, ok, err
	}
	events, err := rm.Database.RoomEvents(ctx, roadshowID)
	if err != nil {
		return nil, false, err
	}
	if log, err = roadshow.FromRecords(events); err != nil {
		return nil, false, err
	}
	if _, err := rm.Database.SaveRoomRecord(ctx, roadshowID, events); err != nil {
		// The buckets still answer; the next read tries again.
		rm.log.WarnContext(ctx, "room record not folded", "roadshow", roadshowID, "err", err)
	}
	return log, false, nil
}

// foldWhenSettled folds a room that just ended once it has settled, so
// that no reader waits for its buckets; if this process stops before, the
// first read folds it.
func (rm *ReadModel) foldWhenSettled(id string) {
	time.AfterFunc(roomSettle+time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := rm.RoomFold(ctx, id); err != nil {
			rm.log.Warn("room record not folded", "roadshow", id, "err", err)
		}
	})
}

// settled reports whether r ended long enough ago that its room stores no
// more events.
func settled(r *domain.Roadshow, now time.Time) bool {
	if r.Status != domain.RoadshowEnded {
		return false
	}
	at := r.UpdatedAt
	if r.EndedAt != nil {
		at = *r.EndedAt
	}
	return now.Sub(at) > roomSettle
}

// roomCache holds ended rooms' folds, least recently read first out.
type roomCache struct {
	mu     sync.Mutex
	max    int
	size   int
	order  *list.List // of *roomEntry, most recent at the front
	byShow map[string]*list.Element
}

type roomEntry struct {
	id   string
	fold *RoomFold
	size int
}

func newRoomCache(max int) *roomCache {
	return &roomCache{max: max, order: list.New(), byShow: map[string]*list.Element{}}
}

func (c *roomCache) get(id string) (*RoomFold, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.byShow[id]
	if el == nil {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*roomEntry).fold, true
}

func (c *roomCache) put(id string, f *RoomFold) {
	size := f.size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > c.max || c.byShow[id] != nil {
		return
	}
	c.byShow[id] = c.order.PushFront(&roomEntry{id: id, fold: f, size: size})
	c.size += size
	for c.size > c.max {
		old := c.order.Remove(c.order.Back()).(*roomEntry)
		delete(c.byShow, old.id)
		c.size -= old.size
	}
}

// ListRoadshows returns one page of roadshows, soonest first, filtered by
// space and status when given, from memory.
func (rm *ReadModel) ListRoadshows(_ context.Context, spaceID, status string, p domain.Page) ([]domain.Roadshow, int, error) {
	rm.mu.RLock()
	var all []*domain.Roadshow
	for _, r := range rm.roadshows {
		if (spaceID == "" || r.SpaceID == spaceID) && (status == "" || r.Status == status) {
			all = append(all, r)
		}
	}
	rm.mu.RUnlock()
	slices.SortFunc(all, func(a, b *domain.Roadshow) int {
		if c := a.StartsAt.Compare(b.StartsAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	out := []domain.Roadshow{}
	for _, r := range pageOf(all, p) {
		out = append(out, *cloneRoadshow(r))
	}
	return out, len(all), nil
}

// RoadshowByID returns the roadshow with id, a copy the caller may change.
// On the embedded engine, which only this process writes and whose every
// roadshow write passes here (CreateRoadshow, UpdateRoadshow), it is read
// from memory: every call on a roadshow (its page, its room, its record)
// read its document through FerretDB, which decodes it field by field. On
// MongoDB, where other processes write roadshows too, from the database.
func (rm *ReadModel) RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error) {
	if !rm.sole() {
		return rm.Database.RoadshowByID(ctx, id)
	}
	rm.mu.RLock()
	r := rm.roadshows[id]
	rm.mu.RUnlock()
	if r == nil {
		return nil, domain.ErrNotFound
	}
	cp := cloneRoadshow(r) // held ones are replaced, never changed
	cp.Registered = 0      // not stored: the caller counts it
	return cp, nil
}

// sole reports whether this process is the database's only writer (the
// embedded engine).
func (rm *ReadModel) sole() bool {
	sole, ok := rm.Database.(interface{ Embedded() bool })
	return ok && sole.Embedded()
}

// normalRoadshow is r as the database gives it back (times in UTC to the
// millisecond), deep enough a copy that neither can change the other.
func normalRoadshow(r *domain.Roadshow) *domain.Roadshow {
	cp := cloneRoadshow(r)
	cp.StartsAt, cp.CreatedAt, cp.UpdatedAt = ms(cp.StartsAt), ms(cp.CreatedAt), ms(cp.UpdatedAt)
	cp.StartedAt, cp.EndedAt = msPtr(cp.StartedAt), msPtr(cp.EndedAt)
	return cp
}

func cloneRoadshow(r *domain.Roadshow) *domain.Roadshow {
	cp := *r
	cp.Slots, cp.Invitations, cp.Invited = slices.Clone(r.Slots), slices.Clone(r.Invitations), slices.Clone(r.Invited)
	if r.StartedAt != nil {
		t := *r.StartedAt
		cp.StartedAt = &t
	}
	if r.EndedAt != nil {
		t := *r.EndedAt
		cp.EndedAt = &t
	}
	return &cp
}

// putAttendance holds a (under mu, or while loading).
func (rm *ReadModel) putAttendance(a *domain.Attendance) {
	rm.attendance[a.RoadshowID+":"+a.UserID] = a
	if rm.attendees[a.RoadshowID] == nil {
		rm.attendees[a.RoadshowID] = map[string]*domain.Attendance{}
	}
	rm.attendees[a.RoadshowID][a.UserID] = a
}

// AttendanceOf returns who attended a roadshow, first come first (among
// equals, by user id). On the embedded engine, which only this process
// writes, it is answered from memory: a record no longer reads an
// attendee list and then every attendee by _id. On MongoDB, where other
// processes' rooms store attendance too, it is read from the database.
func (rm *ReadModel) AttendanceOf(ctx context.Context, roadshowID string) ([]domain.Attendance, error) {
	if !rm.sole() {
		return rm.Database.AttendanceOf(ctx, roadshowID)
	}
	rm.mu.RLock()
	out := make([]domain.Attendance, 0, len(rm.attendees[roadshowID]))
	for _, a := range rm.attendees[roadshowID] {
		out = append(out, *a)
	}
	rm.mu.RUnlock()
	slices.SortFunc(out, func(a, b domain.Attendance) int {
		if c := a.FirstSeen.Compare(b.FirstSeen); c != 0 {
			return c
		}
		return strings.Compare(a.UserID, b.UserID)
	})
	return out, nil
}
