package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestBackgroundWaitsForForeground checks the gate that keeps background
// writes out of the way of the writes users wait for: the driver's monitor
// counts a user's write (and not a write marked background, nor a read),
// and a background writer (DB.Quiet, the gate's own wait with its own
// bounds) goes at once when the foreground is quiet, waits while a user's
// write is in flight and for bgQuiet (5 ms) after one finished, and no
// longer than bgWait (200 ms) under a stream of them. The gate runs on a
// clock the test moves by hand, a millisecond at a time, and after each
// step the test sees whether the writer went or waits on: what the gate
// does at each moment, not how fast this machine is.
func TestBackgroundWaitsForForeground(t *testing.T) {
	db := mongotest.Open(t)
	clock := mongo.NewStepClock(time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC))
	db.SetGateClock(clock)
	ctx := context.Background()
	s := &domain.Startup{ID: mongo.NewID(), OwnerID: "o", Name: "n", Status: domain.StatusDraft}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	n, last := db.ForegroundWrites()
	if n != 0 || !last.Equal(clock.Now()) {
		t.Fatalf("after a user's write: %d in flight, the last finished at %s, want now (%s)", n, last, clock.Now())
	}
	clock.Advance(time.Second) // the background write below then goes at once
	if _, err := db.StartupByID(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkChange(mongo.AsBackground(ctx), domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID}); err != nil {
		t.Fatal(err)
	}
	if _, last2 := db.ForegroundWrites(); !last2.Equal(last) {
		t.Fatalf("a read or a background write counted as a user's write")
	}
	userWrite := func() {
		t.Helper()
		if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID}); err != nil {
			t.Fatal(err)
		}
	}

	// The foreground quiet: the writer goes without the clock moving.
	w := startWaiting(t, db, clock)
	if !w.gone() {
		t.Fatal("waited with the foreground quiet")
	}

	// Right after a user's write: it waits until 5 ms have passed.
	userWrite()
	w = startWaiting(t, db, clock)
	w.waitsFor(5, "after a user's write finished")

	// A user's write in flight: it waits while it is (150 ms here, within
	// the bound), then for 5 ms after it finished.
	release := db.HoldForeground()
	w = startWaiting(t, db, clock)
	w.waitsOn(150, "with a user's write in flight")
	release()
	w.waitsFor(5, "after the write in flight finished")

	// Held off for good, it gives up waiting after 200 ms.
	release = db.HoldForeground()
	w = startWaiting(t, db, clock)
	w.waitsFor(200, "with a user's write in flight for good")
	release()

	// Under a stream of user writes (one every 4 ms, never 5 ms quiet),
	// it goes after 200 ms too.
	w = startWaiting(t, db, clock)
	for ms := 1; ; ms++ {
		if (ms-1)%4 == 0 {
			userWrite()
		}
		if gone := w.step(); gone != (ms >= 200) {
			t.Fatalf("under a stream of user writes: gone %v after %d ms, want it gone from 200 ms", gone, ms)
		}
		if ms >= 200 {
			break
		}
	}
}

// waiter is a background writer at the gate (DB.Quiet), which runs on a
// clock the test moves.
type waiter struct {
	t     *testing.T
	clock *mongo.StepClock
	done  chan struct{}
	ctx   context.Context
}

func startWaiting(t *testing.T, db *mongo.DB, clock *mongo.StepClock) *waiter {
	// A guard against hanging, not a measure: the clock the gate runs on
	// moves only when the test moves it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	w := &waiter{t: t, clock: clock, done: make(chan struct{}), ctx: ctx}
	go func() {
		defer close(w.done)
		db.Quiet(context.Background())
	}()
	return w
}

// gone reports whether the writer has gone, once it has looked at the
// clock's time.
func (w *waiter) gone() bool {
	w.t.Helper()
	gone, err := w.clock.Settle(w.ctx, w.done)
	if err != nil {
		w.t.Fatalf("the writer neither went nor waited on: %v", err)
	}
	return gone
}

// step moves the clock a millisecond on and reports whether the writer
// has gone.
func (w *waiter) step() bool {
	w.t.Helper()
	w.clock.Advance(time.Millisecond)
	return w.gone()
}

// waitsOn checks that the writer still waits ms milliseconds on.
func (w *waiter) waitsOn(ms int, while string) {
	w.t.Helper()
	if w.gone() {
		w.t.Fatalf("%s: went at once", while)
	}
	for i := 1; i <= ms; i++ {
		if w.step() {
			w.t.Fatalf("%s: went after %d ms, want it waiting %d ms on", while, i, ms)
		}
	}
}

// waitsFor checks that the writer waits ms milliseconds on and goes then.
func (w *waiter) waitsFor(ms int, while string) {
	w.t.Helper()
	w.waitsOn(ms-1, while)
	if !w.step() {
		w.t.Fatalf("%s: still waiting after %d ms", while, ms)
	}
}

// TestBackgroundWritesGiveWay: each write background work makes beside
// users' calls (the change dispatcher's marks and their clearing, a
// fan-out's notes to many users and to one, the digest's marks, a
// notification key) waits while a user's write is in flight, lands once it
// is done, and is not counted as a user's write. The wait's bound is set
// out of reach, so the test sees the order of things, not a time.
func TestBackgroundWritesGiveWay(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		db.SetBackgroundWait(time.Hour)
		ctx := context.Background()
		bg := domain.Background(ctx)
		pending := func(id string) bool {
			t.Helper()
			marks, err := db.PendingOutbox(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range marks {
				if m.ID == id {
					return true
				}
			}
			return false
		}
		mark := func(kind domain.ChangeKind, id string) domain.OutboxEntry {
			t.Helper()
			marks, err := db.PendingOutbox(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range marks {
				if m.Kind == kind && m.DocID == id {
					return m
				}
			}
			t.Fatalf("no %s mark for %s", kind, id)
			return domain.OutboxEntry{}
		}
		notes := func(user string) int {
			t.Helper()
			p, _ := domain.NewPage(1, 10)
			_, total, _, err := db.ListNotifications(ctx, user, false, p)
			if err != nil {
				t.Fatal(err)
			}
			return total
		}

		// What the background writes will act on, written as users' calls.
		s := &domain.Startup{Name: "越芯", OwnerID: "o", Status: domain.StatusDraft}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		s.Status = domain.StatusPublished
		if err := db.UpdateAnnouncedStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		alert := mark(domain.ChangeMatchAlert, s.ID)
		space := mongo.NewID()
		if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeSpace, DocID: space}); err != nil {
			t.Fatal(err)
		}
		spaceMark := mark(domain.ChangeSpace, space)
		many := []string{mongo.NewID(), mongo.NewID(), mongo.NewID()}
		one, digested := mongo.NewID(), mongo.NewID()
		if err := db.CreateNotifications(ctx, []*domain.Notification{{UserID: digested, Type: domain.NoteMatch, Digest: true, CreatedAt: time.Now()}}); err != nil {
			t.Fatal(err)
		}
		waiting, err := db.PendingDigest(ctx)
		if err != nil || len(waiting) != 1 {
			t.Fatalf("waiting for the digest: %+v, %v", waiting, err)
		}
		note := func(user string) *domain.Notification {
			return &domain.Notification{UserID: user, Type: domain.NoteMatch, CreatedAt: time.Now()}
		}

		for _, c := range []struct {
			name   string
			write  func() error
			landed func() bool
		}{
			{"the dispatcher's mark", func() error {
				return db.MarkChange(bg, domain.OutboxEntry{Kind: domain.ChangeInvestor, DocID: space})
			}, func() bool { return pending(string(domain.ChangeInvestor) + ":" + space) }},
			{"clearing a mark in the startup's document", func() error { return db.DoneOutbox(bg, alert) },
				func() bool { return !pending(alert.ID) }},
			{"clearing a mark in the outbox", func() error { return db.DoneOutbox(bg, spaceMark) },
				func() bool { return !pending(spaceMark.ID) }},
			{"a fan-out's notes", func() error {
				return db.CreateNotifications(bg, []*domain.Notification{note(many[0]), note(many[1]), note(many[2])})
			}, func() bool { return notes(many[0]) == 1 && notes(many[2]) == 1 }},
			{"a fan-out to one user", func() error { return db.CreateNotifications(bg, []*domain.Notification{note(one)}) },
				func() bool { return notes(one) == 1 }},
			{"the digest's marks", func() error { return db.MarkDigested(bg, waiting) }, func() bool {
				left, err := db.PendingDigest(ctx)
				return err == nil && len(left) == 0
			}},
			{"a notification key", func() error { return db.SetNoteKey(bg, "k", "n1") }, func() bool {
				id, err := db.NoteKeyHolder(ctx, "k")
				return err == nil && id == "n1"
			}},
		} {
			t.Run(c.name, func(t *testing.T) {
				release := db.HoldForeground()
				defer release()
				w := db.Writes()
				done := make(chan error, 1)
				go func() { done <- c.write() }()
				stuck := time.After(time.Minute) // a guard against hanging, not a measure
				for db.BackgroundWaiting() == 0 {
					select {
					case err := <-done:
						t.Fatalf("written (%v) while a user's write was in flight", err)
					case <-stuck:
						t.Fatal("neither waiting nor written")
					case <-time.After(time.Millisecond):
					}
				}
				if c.landed() {
					t.Fatal("landed while it was to wait")
				}
				release()
				if err := <-done; err != nil {
					t.Fatal(err)
				}
				if !c.landed() {
					t.Fatal("not landed after the user's write finished")
				}
				if n := db.Writes() - w; n != 0 {
					t.Fatalf("%d background writes counted as users'", n)
				}
			})
		}
	})
}
