package httpapi

import (
	"net"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Per-address defaults: enough for a household or an office behind one
// address, far below what would let one address exhaust the server.
const (
	DefaultSocketsPerAddress = 100 // open websockets (rooms and notifications)
	DefaultTicketsPerMinute  = 60  // websocket tickets, with a burst of as many
)

var (
	errTooManySockets = domain.CodedError(domain.KindRateLimited, "too_many_sockets", "too many open connections from this address")
	errTooManyTickets = domain.CodedError(domain.KindRateLimited, "rate_limited", "too many requests, try again later")
)

// socketGate counts the open websockets of each client address.
type socketGate struct {
	max int // 0: no limit
	mu  sync.Mutex
	n   map[string]int
}

// open reserves a socket for addr; release gives it back.
func (g *socketGate) open(addr string) (release func(), ok bool) {
	if g.max <= 0 {
		return func() {}, true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n[addr] >= g.max {
		return nil, false
	}
	g.n[addr]++
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			defer g.mu.Unlock()
			if g.n[addr]--; g.n[addr] <= 0 {
				delete(g.n, addr)
			}
		})
	}, true
}

// addressRate is a token bucket per client address: perMinute tokens a
// minute up to a burst of as many. A bucket idle long enough to be full
// again is the same as none, so it is forgotten: every use is queued in
// time order and each call pops the uses that old from the head, never
// sweeping the whole map.
type addressRate struct {
	perMinute float64 // 0: no limit
	mu        sync.Mutex
	m         map[string]*addrBucket
	uses      []addrUse
	head      int
	now       func() time.Time
}

type addrBucket struct {
	tokens float64
	last   time.Time
}

type addrUse struct {
	addr string
	at   time.Time
}

func newAddressRate(perMinute int) *addressRate {
	return &addressRate{perMinute: float64(perMinute), m: map[string]*addrBucket{}, now: time.Now}
}

// allow takes a token of addr's bucket if it has one.
func (r *addressRate) allow(addr string) bool {
	if r.perMinute <= 0 {
		return true
	}
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forget(now)
	b := r.m[addr]
	if b == nil {
		b = &addrBucket{tokens: r.perMinute, last: now}
		r.m[addr] = b
	}
	b.tokens = min(r.perMinute, b.tokens+now.Sub(b.last).Minutes()*r.perMinute)
	b.last = now
	r.uses = append(r.uses, addrUse{addr: addr, at: now})
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// forget drops the buckets whose last use is a full refill ago.
func (r *addressRate) forget(now time.Time) {
	for r.head < len(r.uses) && now.Sub(r.uses[r.head].at) >= time.Minute {
		u := r.uses[r.head]
		if b := r.m[u.addr]; b != nil && !b.last.After(u.at) { // its last use: nothing newer is queued
			delete(r.m, u.addr)
		}
		r.uses[r.head] = addrUse{}
		r.head++
	}
	if r.head > 0 && r.head*2 >= len(r.uses) {
		n := copy(r.uses, r.uses[r.head:])
		clear(r.uses[n:])
		r.uses = r.uses[:n]
		r.head = 0
	}
}

// LimitListener refuses connections from an address that already holds
// perAddress open ones (0: no limit): the new connection is closed at once.
// Behind a reverse proxy every connection comes from the proxy, so set no
// limit there and let the proxy bound them.
func LimitListener(ln net.Listener, perAddress int) net.Listener {
	if perAddress <= 0 {
		return ln
	}
	return &limitListener{Listener: ln, gate: &socketGate{max: perAddress, n: map[string]int{}}}
}

type limitListener struct {
	net.Listener
	gate *socketGate
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		host, _, _ := net.SplitHostPort(c.RemoteAddr().String())
		release, ok := l.gate.open(host)
		if !ok {
			_ = c.Close()
			continue
		}
		return &countedConn{Conn: c, release: release}, nil
	}
}

// countedConn gives its place back when closed; closing it twice is safe
// (a hijacked websocket is closed by its handler and again by fasthttp).
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}
