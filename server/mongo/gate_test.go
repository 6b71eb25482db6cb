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
// and a background writer waits while one is in flight or has just
// finished, but no longer than its bound.
func TestBackgroundWaitsForForeground(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	s := &domain.Startup{ID: mongo.NewID(), OwnerID: "o", Name: "n", Status: domain.StatusDraft}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	n, last := db.ForegroundWrites()
	if n != 0 || time.Since(last) > 5*time.Second {
		t.Fatalf("after a user's write: %d in flight, last finished %s ago", n, time.Since(last))
	}
	time.Sleep(30 * time.Millisecond)
	if _, err := db.StartupByID(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkChange(mongo.AsBackground(ctx), domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID}); err != nil {
		t.Fatal(err)
	}
	if _, last2 := db.ForegroundWrites(); !last2.Equal(last) {
		t.Fatalf("a read or a background write counted as a user's write")
	}

	// Right after a user's write, a background writer waits for the quiet
	// moment; with the foreground quiet it goes at once; a stream of user
	// writes holds it back no longer than its bound.
	if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID}); err != nil {
		t.Fatal(err)
	}
	_, last = db.ForegroundWrites()
	db.WaitForeground(ctx, 100*time.Millisecond, 30*time.Second)
	if since := time.Since(last); since < 100*time.Millisecond {
		t.Fatalf("went %s after a user's write finished, want the quiet 100ms", since)
	}
	start := time.Now()
	db.WaitForeground(ctx, 10*time.Millisecond, 30*time.Second)
	if waited := time.Since(start); waited > 20*time.Second {
		t.Fatalf("waited %s with the foreground quiet, as long as its bound", waited)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				_ = db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID})
			}
		}
	}()
	start = time.Now()
	db.WaitForeground(ctx, 10*time.Second, 300*time.Millisecond)
	waited := time.Since(start)
	close(stop)
	<-done
	if waited < 300*time.Millisecond || waited > 20*time.Second {
		t.Fatalf("under a stream of user writes waited %s, want its bound of 300ms", waited)
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
