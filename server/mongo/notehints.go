package mongo

import (
	"context"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// dropHints remembers, per user, the number of the first drop not yet
// absorbed (the head's) and of the first missing one, so that a fan-out
// numbers its drops and a read reads them with no probing reads. It is
// exact because on the embedded engine this process alone writes drops and
// heads, and each is set only after the write it describes; a user with no
// hint (after a start, or after a failed write) is probed once.
//
// Users with no hint need no probe either once the start's sweep has read
// every drop's id (SweepDeadDrops): a user none of whose drops was in the
// collection then, and to whom this process has dropped nothing since, has
// none waiting.
type dropHints struct {
	mu sync.Mutex
	m  map[string]dropHint
	// scanned is set once the drops' ids were read; with holds the users
	// who had drops then or got one from this process since.
	scanned bool
	with    map[string]bool
}

type dropHint struct{ drops, next int }

func (h *dropHints) get(userID string) (dropHint, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.m[userID]
	return v, ok
}

// set records a hint; unless replace, only where none is held (a read's
// probe must not undo a newer write's hint).
func (h *dropHints) set(userID string, v dropHint, replace bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]dropHint{}
	}
	if _, ok := h.m[userID]; ok && !replace {
		return
	}
	h.m[userID] = v
}

// dropping records that this process is about to insert a drop for
// userID (before the insert, so that no read takes the user for one with
// none).
func (h *dropHints) dropping(userID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.with == nil {
		h.with = map[string]bool{}
	}
	h.with[userID] = true
}

// found records the users whose drops the start's sweep found; from then
// on a user not among them, nor dropped to since, has none waiting.
func (h *dropHints) found(users []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.with == nil {
		h.with = map[string]bool{}
	}
	for _, u := range users {
		h.with[u] = true
	}
	h.scanned = true
}

// none reports whether userID is known to have no drops waiting.
func (h *dropHints) none(userID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.scanned && !h.with[userID]
}

func (h *dropHints) forget(userID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, userID)
}

// sweeper deletes absorbed drops (below their user's head.drops, so never
// read again) in the background, one at a time and paced, so that the
// deletes do not crowd out the writes users wait for. A sweep cut short by
// a stop leaves dead documents that nothing reads.
type sweeper struct {
	d    *DB
	todo chan string
	done chan struct{}
	once sync.Once
	wg   sync.WaitGroup
}

const (
	sweepQueue = 1 << 16
	sweepPace  = 10 * time.Millisecond
)

func newSweeper(d *DB) *sweeper {
	s := &sweeper{d: d, todo: make(chan string, sweepQueue), done: make(chan struct{})}
	s.wg.Add(1)
	go s.run()
	return s
}

// add queues drop ids for deletion; when the queue is full they are left.
func (s *sweeper) add(ids ...string) {
	for _, id := range ids {
		select {
		case s.todo <- id:
		default:
			return
		}
	}
}

func (s *sweeper) run() {
	defer s.wg.Done()
	c := s.d.db.Collection(colNoteDrops)
	for {
		select {
		case <-s.done:
			return
		case id := <-s.todo:
			ctx, cancel := context.WithTimeout(domain.Background(context.Background()), 10*time.Second)
			s.d.giveWay(ctx)
			_, _ = c.DeleteOne(ctx, byID(id))
			cancel()
			select {
			case <-s.done:
				return
			case <-time.After(sweepPace):
			}
		}
	}
}

func (s *sweeper) stop() {
	s.once.Do(func() { close(s.done) })
	s.wg.Wait()
}

// absorber absorbs users' drops in the background (one user at a time,
// under the user's lock, as any append would), for users a fan-out or a
// read found with dropsMax or more waiting: so that a read stays a few
// reads and the fan-out itself never has to.
type absorber struct {
	d      *DB
	mu     sync.Mutex
	queued map[string]bool
	todo   chan string
	done   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

func newAbsorber(d *DB) *absorber {
	a := &absorber{d: d, queued: map[string]bool{}, todo: make(chan string, sweepQueue), done: make(chan struct{})}
	a.wg.Add(1)
	go a.run()
	return a
}

// add queues a user once; when the queue is full the user waits for the
// next fan-out or read to ask again.
func (a *absorber) add(userID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.queued[userID] {
		return
	}
	select {
	case a.todo <- userID:
		a.queued[userID] = true
	default:
	}
}

func (a *absorber) run() {
	defer a.wg.Done()
	for {
		select {
		case <-a.done:
			return
		case u := <-a.todo:
			a.mu.Lock()
			delete(a.queued, u)
			a.mu.Unlock()
			ctx, cancel := context.WithTimeout(domain.Background(context.Background()), time.Minute)
			a.d.giveWay(ctx)
			unlock := a.d.lockLog(u)
			_, _ = a.d.absorb(ctx, u) // on failure the user is asked for again
			unlock()
			cancel()
		}
	}
}

func (a *absorber) stop() {
	a.once.Do(func() { close(a.done) })
	a.wg.Wait()
}
