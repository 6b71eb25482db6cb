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
