package realtime

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// TicketTTL is how long a websocket ticket is valid; it is used once.
const TicketTTL = 30 * time.Second

// Peer is who holds a connection.
type Peer struct {
	UserID string
	Name   string
	Role   domain.Role // empty for a signed-out guest
}

// Tickets issues and redeems single-use websocket tickets, so that
// browsers never put a long-lived token in a URL. It is safe for
// concurrent use. Tickets live in this process's memory: a ticket must be
// redeemed on the instance that issued it.
//
// Every ticket lives TicketTTL, so the order of issue is the order of
// expiry: a queue in that order lets each Issue forget the expired ones
// from its head, without looking at the others.
type Tickets struct {
	mu    sync.Mutex
	m     map[string]ticket
	queue expiryQueue
	now   func() time.Time
}

type ticket struct {
	peer    Peer
	expires time.Time
}

// NewTickets returns an empty ticket store.
func NewTickets() *Tickets { return &Tickets{m: map[string]ticket{}, now: time.Now} }

// Issue returns a new ticket for p.
func (t *Tickets) Issue(p Peer) (string, time.Time) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := t.now()
	exp := now.Add(TicketTTL)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queue.expire(now, func(tok string, at time.Time) {
		if tk, ok := t.m[tok]; ok && !tk.expires.After(at) {
			delete(t.m, tok)
		}
	})
	t.m[tok] = ticket{peer: p, expires: exp}
	t.queue.push(tok, exp)
	return tok, exp
}

// Redeem returns the peer of a valid ticket and makes it unusable.
func (t *Tickets) Redeem(tok string) (Peer, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tk, ok := t.m[tok]
	delete(t.m, tok) // its queue entry finds nothing when it expires
	if !ok || t.now().After(tk.expires) {
		return Peer{}, false
	}
	return tk.peer, true
}

// Len counts the tickets held (issued, not redeemed, not yet forgotten).
func (t *Tickets) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}

// expiryQueue holds keys in the order they expire. Entries are pushed in
// time order; expire pops those due from the head. The slice is reused
// as a ring: popped space is reclaimed when more than half is dead.
type expiryQueue struct {
	items []expiring
	head  int
}

type expiring struct {
	key string
	at  time.Time
}

func (q *expiryQueue) push(key string, at time.Time) {
	q.items = append(q.items, expiring{key: key, at: at})
}

// expire calls drop for every entry due at now, oldest first, and stops at
// the first that is not.
func (q *expiryQueue) expire(now time.Time, drop func(key string, at time.Time)) {
	for q.head < len(q.items) && !now.Before(q.items[q.head].at) {
		drop(q.items[q.head].key, q.items[q.head].at)
		q.items[q.head] = expiring{}
		q.head++
	}
	if q.head > 0 && q.head*2 >= len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items = q.items[:n]
		q.head = 0
	}
}

// Len counts the entries queued.
func (q *expiryQueue) Len() int { return len(q.items) - q.head }
