package app

import (
	"container/list"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// RoomRecordStore keeps ended roadshows' room events folded into one
// document each (server/mongo/records.go).
type RoomRecordStore interface {
	RoomRecord(ctx context.Context, roadshowID string) ([]domain.RoomEvent, bool, error)
	SaveRoomRecord(ctx context.Context, roadshowID string, events []domain.RoomEvent) (bool, error)
}

const (
	// roomSettle is how long after a roadshow ended its room may still be
	// storing events (the last messages in flight, the "ended" event; a
	// store write gives up after 30 s). After it, the events are final.
	roomSettle = 2 * time.Minute
	// roomCacheEvents bounds the ended rooms' events held decoded in
	// memory, least recently read dropped first.
	roomCacheEvents = 200_000
)

// RoomEvents returns a roadshow's room events in order. An ended room's
// events are final once it has settled, so they are read once from the
// folded record (built from the buckets on the first read) and then held in
// memory; a live or just-ended room's come from its buckets. Callers must
// not change the events' Data.
func (rm *ReadModel) RoomEvents(ctx context.Context, roadshowID string) ([]domain.RoomEvent, error) {
	rm.mu.RLock()
	r := rm.roadshows[roadshowID]
	rm.mu.RUnlock()
	if r == nil || !settled(r, time.Now()) {
		return rm.Database.RoomEvents(ctx, roadshowID)
	}
	if evs, ok := rm.rooms.get(roadshowID); ok {
		return slices.Clone(evs), nil
	}
	evs, ok, err := rm.Database.RoomRecord(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	if !ok {
		if evs, err = rm.Database.RoomEvents(ctx, roadshowID); err != nil {
			return nil, err
		}
		if _, err := rm.Database.SaveRoomRecord(ctx, roadshowID, evs); err != nil {
			// The buckets still answer; the next read tries again.
			rm.log.WarnContext(ctx, "room record not folded", "roadshow", roadshowID, "err", err)
		}
	}
	rm.rooms.put(roadshowID, evs)
	return slices.Clone(evs), nil
}

// foldWhenSettled folds a room that just ended once it has settled, so
// that no reader waits for its buckets; if this process stops before, the
// first read folds it.
func (rm *ReadModel) foldWhenSettled(id string) {
	time.AfterFunc(roomSettle+time.Second, func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := rm.RoomEvents(ctx, id); err != nil {
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

// roomCache holds ended rooms' events, least recently read first out.
type roomCache struct {
	mu     sync.Mutex
	max    int
	size   int
	order  *list.List // of *roomEntry, most recent at the front
	byShow map[string]*list.Element
}

type roomEntry struct {
	id     string
	events []domain.RoomEvent
}

func newRoomCache(max int) *roomCache {
	return &roomCache{max: max, order: list.New(), byShow: map[string]*list.Element{}}
}

func (c *roomCache) get(id string) ([]domain.RoomEvent, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.byShow[id]
	if el == nil {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*roomEntry).events, true
}

func (c *roomCache) put(id string, events []domain.RoomEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(events) > c.max || c.byShow[id] != nil {
		return
	}
	c.byShow[id] = c.order.PushFront(&roomEntry{id: id, events: events})
	c.size += len(events)
	for c.size > c.max {
		old := c.order.Remove(c.order.Back()).(*roomEntry)
		delete(c.byShow, old.id)
		c.size -= len(old.events)
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
