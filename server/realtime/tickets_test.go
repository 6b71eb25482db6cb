package realtime

import (
	"testing"
	"time"
)

// TestTicketsExpireFromTheQueue: tickets are single-use and good for
// TicketTTL; expired ones are forgotten as later tickets are issued, by
// popping the time-ordered queue, so the store does not grow with tickets
// nobody redeemed, and an issue never looks at the live ones.
func TestTicketsExpireFromTheQueue(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	tk := NewTickets()
	tk.now = func() time.Time { return now }
	first, _ := tk.Issue(Peer{UserID: "u1"})
	if p, ok := tk.Redeem(first); !ok || p.UserID != "u1" {
		t.Fatal("a fresh ticket was refused")
	}
	if _, ok := tk.Redeem(first); ok {
		t.Fatal("a ticket worked twice")
	}
	var old []string
	for i := 0; i < 1000; i++ {
		tok, _ := tk.Issue(Peer{UserID: "u"})
		old = append(old, tok)
		now = now.Add(10 * time.Millisecond) // 1,000 over 10 s
	}
	now = now.Add(TicketTTL - 5*time.Second) // the first half has expired
	if _, ok := tk.Redeem(old[0]); ok {
		t.Fatal("an expired ticket was accepted")
	}
	if _, ok := tk.Redeem(old[999]); !ok {
		t.Fatal("a ticket within its 30 s was refused")
	}
	tk.Issue(Peer{UserID: "u2"}) // forgets what expired
	if n, q := tk.Len(), tk.queue.Len(); n < 490 || n > 510 || q < n || q > n+1 {
		t.Fatalf("%d tickets held and %d queued with half of 1,000 expired", n, q)
	}
	now = now.Add(TicketTTL)
	fresh, _ := tk.Issue(Peer{UserID: "u3"})
	if n, q := tk.Len(), tk.queue.Len(); n != 1 || q != 1 {
		t.Fatalf("%d tickets held and %d queued after all expired, want the fresh one", n, q)
	}
	if _, ok := tk.Redeem(fresh); !ok {
		t.Fatal("the fresh ticket was refused")
	}
}
