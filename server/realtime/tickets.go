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
type Tickets struct {
	mu  sync.Mutex
	m   map[string]ticket
	now func() time.Time
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
	for k, v := range t.m { // sweep expired tickets as we go
		if now.After(v.expires) {
			delete(t.m, k)
		}
	}
	t.m[tok] = ticket{peer: p, expires: exp}
	return tok, exp
}

// Redeem returns the peer of a valid ticket and makes it unusable.
func (t *Tickets) Redeem(tok string) (Peer, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tk, ok := t.m[tok]
	delete(t.m, tok)
	if !ok || t.now().After(tk.expires) {
		return Peer{}, false
	}
	return tk.peer, true
}
