package natsbus_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/natsbus"
	"github.com/yuechuang/yuechuang/server/natsbus/natstest"
	"github.com/yuechuang/yuechuang/server/realtime"
)

func connect(t *testing.T, url string) *natsbus.Bus {
	t.Helper()
	b, err := natsbus.Connect(t.Context(), url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// TestTicketsAcrossInstances: a ticket issued by one instance is accepted
// by another, once; two instances redeeming it at the same time cannot
// both succeed; garbage is refused.
func TestTicketsAcrossInstances(t *testing.T) {
	url := natstest.Start(t)
	a, b, c := connect(t, url), connect(t, url), connect(t, url)
	p := realtime.Peer{UserID: "0123456789abcdef01234567", Name: "王", Role: domain.RoleInvestor}
	tok, exp := a.Issue(p)
	if time.Until(exp) <= 0 || time.Until(exp) > realtime.TicketTTL {
		t.Fatalf("expiry %v", exp)
	}
	got, ok := b.Redeem(tok)
	if !ok || got != p {
		t.Fatalf("redeemed on another instance: %+v %v", got, ok)
	}
	if _, ok := c.Redeem(tok); ok {
		t.Fatal("a ticket was redeemed twice")
	}
	for i := 0; i < 20; i++ {
		tok, _ := a.Issue(p)
		var wins int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, bus := range []*natsbus.Bus{a, b, c} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, ok := bus.Redeem(tok); ok {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("race %d: %d instances redeemed one ticket", i, wins)
		}
	}
	for _, bad := range []string{"", "nope", "a.b", "../x", string(make([]byte, 100))} {
		if _, ok := b.Redeem(bad); ok {
			t.Errorf("redeemed %q", bad)
		}
	}
}

// TestRoomLease: one instance holds a room's lease; the others cannot take
// it while it renews; it can no longer renew once another took it; when
// the holder stops renewing, another takes it after LeaseTTL; a release
// frees it at once.
func TestRoomLease(t *testing.T) {
	url := natstest.Start(t)
	a, b := connect(t, url), connect(t, url)
	ctx := t.Context()
	rev, err := a.ClaimRoom(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.ClaimRoom(ctx, "r1"); !errors.Is(err, realtime.ErrRoomHeld) {
		t.Fatalf("second claim: %v", err)
	}
	if rev, err = a.RenewRoom(ctx, "r1", rev); err != nil {
		t.Fatal(err)
	}
	if _, err := b.RenewRoom(ctx, "r1", rev-1); err == nil {
		t.Fatal("a stale revision renewed the lease")
	}
	// a stops renewing (as if killed): b gets the room once it expired.
	start := time.Now()
	var brev uint64
	for {
		if brev, err = b.ClaimRoom(ctx, "r1"); err == nil {
			break
		}
		if !errors.Is(err, realtime.ErrRoomHeld) || time.Since(start) > 3*realtime.LeaseTTL {
			t.Fatalf("taking over: %v after %v", err, time.Since(start))
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := time.Since(start); d < realtime.LeaseTTL/2 {
		t.Fatalf("taken over after %v, before the lease could expire", d)
	}
	if _, err := a.RenewRoom(ctx, "r1", rev); err == nil {
		t.Fatal("the old holder renewed a lease another instance holds")
	}
	b.ReleaseRoom(ctx, "r1", brev)
	if _, err := a.ClaimRoom(ctx, "r1"); err != nil {
		t.Fatalf("claim after release: %v", err)
	}
}

// TestForwardAndPublish: commands forwarded to a room reach its one
// server; without one the forwarder hears so at once; room messages and
// notifications reach every other instance.
func TestForwardAndPublish(t *testing.T) {
	url := natstest.Start(t)
	a, b := connect(t, url), connect(t, url)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := b.ForwardRoom(ctx, "r2", realtime.ForwardBatch{}); err == nil {
		t.Fatal("a forward with no owner succeeded")
	}
	stop, err := a.ServeRoom("r2", func(fb realtime.ForwardBatch) realtime.ForwardReply {
		out := make([]realtime.ForwardOutcome, len(fb.Items))
		for i := range out {
			out[i].Seq = int64(10 + i)
		}
		return realtime.ForwardReply{Outcomes: out}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	rep, err := b.ForwardRoom(ctx, "r2", realtime.ForwardBatch{Items: []realtime.Forwarded{{Msg: realtime.Inbound{Type: "chat.send"}}, {Lifecycle: "end"}}})
	if err != nil || len(rep.Outcomes) != 2 || rep.Outcomes[1].Seq != 11 {
		t.Fatalf("forward: %+v %v", rep, err)
	}

	got := make(chan realtime.RoomMessage, 1)
	unsub, err := b.SubscribeRoom("r2", func(m realtime.RoomMessage) { got <- m })
	if err != nil {
		t.Fatal(err)
	}
	defer unsub()
	a.PublishRoom("r2", realtime.RoomMessage{From: a.Instance(), Events: []domain.RoomEvent{{Seq: 7, Type: "chat", Data: map[string]any{"text": "你好"}}}})
	select {
	case m := <-got:
		if m.From != a.Instance() || len(m.Events) != 1 || m.Events[0].Seq != 7 || m.Events[0].Data["text"] != "你好" {
			t.Fatalf("room message %+v", m)
		}
	case <-ctx.Done():
		t.Fatal("no room message")
	}

	notes := make(chan string, 4)
	local := func(name string) pushFunc {
		return func(user string, n *domain.Notification) { notes <- name + ":" + user + ":" + n.ID }
	}
	pa, err := a.Notifications(local("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Notifications(local("b")); err != nil {
		t.Fatal(err)
	}
	pa.Push("u1", &domain.Notification{ID: "n1"})
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case s := <-notes:
			seen[s] = true
		case <-ctx.Done():
			t.Fatalf("notification reached %v", seen)
		}
	}
	if !seen["a:u1:n1"] || !seen["b:u1:n1"] {
		t.Fatalf("notification reached %v", seen)
	}
}

type pushFunc func(string, *domain.Notification)

func (f pushFunc) Push(u string, n *domain.Notification) { f(u, n) }
