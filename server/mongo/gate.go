package mongo

import (
	"cmp"
	"context"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/event"
)

// foreground keeps the background writes (work nobody waits for, its
// context marked by domain.Background) out of the way of the writes users
// wait for. The embedded engine has one writer: a save that arrives while
// a background transaction commits waits for its fsync, and one that
// arrives while several are queued waits for them all. So each background write starts
// only once no other write is in flight and none finished within a quiet
// moment, or after a bounded wait, so that background work still moves
// under a steady stream of writes.
//
// It counts write commands through the driver's command monitor; a
// background write is not counted. Every background writer goes through
// giveWay before each write: the absorber, the sweepers, and the change
// dispatcher (its fan-outs' drops, its marks and their clearing), whose
// writes collided with the next call of a user who publishes or saves
// again at once.
type foreground struct {
	inflight atomic.Int64
	last     atomic.Int64              // when the last foreground write finished, Unix ns, by the gate's clock
	writes   atomic.Int64              // foreground write commands sent (Writes)
	most     atomic.Int64              // overrides bgWait when set, in ns (tests)
	waiting  atomic.Int64              // background writers waiting now (tests)
	clock    atomic.Pointer[gateClock] // the gate's time; nil: the wall clock
}

// gateClock is the gate's time: the wall clock in production. A test gives
// the gate a clock it moves by hand (StepClock in gate_export_test.go), so
// that it sees what the gate does at each moment without timing it.
type gateClock interface {
	Now() time.Time
	Sleep(d time.Duration)
}

type wallClock struct{}

func (wallClock) Now() time.Time        { return time.Now() }
func (wallClock) Sleep(d time.Duration) { time.Sleep(d) }

func (f *foreground) timeSource() gateClock {
	if c := f.clock.Load(); c != nil {
		return *c
	}
	return wallClock{}
}

// Background pacing.
const (
	bgQuiet = 5 * time.Millisecond   // no foreground write for this long
	bgWait  = 200 * time.Millisecond // the longest a background write waits
)

// giveWay makes a background write (its context says so:
// domain.Background) wait for a quiet moment of the users' writes; other
// writes go at once. Callers call it before taking any lock a user's write
// may need, so that the wait holds nobody up.
func (d *DB) giveWay(ctx context.Context) {
	if domain.IsBackground(ctx) {
		d.fg.wait(ctx, bgQuiet, cmp.Or(time.Duration(d.fg.most.Load()), bgWait))
	}
}

// Quiet returns when a background write would start (giveWay): for work
// beside the database that competes with the users' commits for the disk,
// the embedded engine's checkpoints (ferret.Server.SetQuiet).
func (d *DB) Quiet(ctx context.Context) { d.giveWay(domain.Background(ctx)) }

var writeCommands = map[string]bool{"insert": true, "update": true, "delete": true, "findAndModify": true}

func (f *foreground) counts(ctx context.Context, command string) bool {
	return writeCommands[command] && !domain.IsBackground(ctx)
}

// monitor returns the command monitor that counts foreground writes.
func (f *foreground) monitor() *event.CommandMonitor {
	done := func(ctx context.Context, command string) {
		if f.counts(ctx, command) {
			f.last.Store(f.timeSource().Now().UnixNano())
			f.inflight.Add(-1)
		}
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if f.counts(ctx, e.CommandName) {
				f.inflight.Add(1)
				f.writes.Add(1)
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) { done(ctx, e.CommandName) },
		Failed:    func(ctx context.Context, e *event.CommandFailedEvent) { done(ctx, e.CommandName) },
	}
}

// wait returns once the foreground has been quiet for quiet, after most,
// or when ctx ends (looking every millisecond of the gate's clock).
func (f *foreground) wait(ctx context.Context, quiet, most time.Duration) {
	clock := f.timeSource()
	deadline := clock.Now().Add(most)
	f.waiting.Add(1)
	defer f.waiting.Add(-1)
	for {
		now := clock.Now()
		if (f.inflight.Load() <= 0 && now.Sub(time.Unix(0, f.last.Load())) >= quiet) || !now.Before(deadline) || ctx.Err() != nil {
			return
		}
		clock.Sleep(time.Millisecond)
	}
}

// Writes returns how many write commands this DB has sent for users' calls
// (background work not counted). On the embedded engine a command that
// writes one document is one SQLite commit, one fsync, so tests count what
// a call costs by the difference (the accounts' calls write one document
// a command; a fan-out's drops are many a command).
func (d *DB) Writes() int64 { return d.fg.writes.Load() }
