package httpapi

import (
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// accountLimiter counts failed sign-ins per account, beside the per-address
// limit: an attacker with many addresses still gets only Max wrong guesses
// per account per Window. A correct password resets the count; while the
// count is at Max, even a correct password is refused until the window
// ends, or guessing would go on.
type accountLimiter struct {
	max    int
	window time.Duration
	now    func() time.Time

	mu sync.Mutex
	// Two generations of counts: the current window's and the one before.
	// Rotating drops every count older than two windows at once, without a
	// sweep; a full generation rotates early, which bounds the memory.
	cur, prev map[string]*failures
	since     time.Time
}

type failures struct {
	n     int
	first time.Time
}

// accountLimiterCap bounds one generation of counts.
const accountLimiterCap = 100_000

func newAccountLimiter(max int, window time.Duration) *accountLimiter {
	return &accountLimiter{max: max, window: window, now: time.Now, cur: map[string]*failures{}, prev: map[string]*failures{}}
}

var errAccountLimited = domain.CodedError(domain.KindRateLimited, "rate_limited", "too many attempts, try again later")

func accountKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// lookup returns the live count of key; the caller holds mu.
func (l *accountLimiter) lookup(key string, now time.Time) *failures {
	if now.Sub(l.since) > l.window || len(l.cur) >= accountLimiterCap {
		l.prev, l.cur, l.since = l.cur, map[string]*failures{}, now
	}
	f := l.cur[key]
	if f == nil {
		if p := l.prev[key]; p != nil && now.Sub(p.first) <= l.window {
			f = p
			l.cur[key] = p
		}
	}
	if f != nil && now.Sub(f.first) > l.window {
		delete(l.cur, key)
		return nil
	}
	return f
}

// allow returns errAccountLimited if key has used up its failures.
func (l *accountLimiter) allow(key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.lookup(key, l.now()); f != nil && f.n >= l.max {
		return errAccountLimited
	}
	return nil
}

// record notes the outcome of a sign-in attempt for key.
func (l *accountLimiter) record(key string, failed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	f := l.lookup(key, now)
	switch {
	case !failed:
		delete(l.cur, key)
		delete(l.prev, key)
	case f == nil:
		l.cur[key] = &failures{n: 1, first: now}
	default:
		f.n++
	}
}
