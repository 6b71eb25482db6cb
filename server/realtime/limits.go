package realtime

import "time"

// bucket is a token bucket: rate tokens per second up to burst. Only the
// room goroutine touches a client's buckets.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func newBucket(rate, burst float64) bucket { return bucket{rate: rate, burst: burst, tokens: burst} }

func (b *bucket) allow(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Per-user rates: a person chats and asks at most a message a second with
// a short burst, reacts faster, votes in between.
func newLimits() map[string]*bucket {
	mk := func(rate, burst float64) *bucket { b := newBucket(rate, burst); return &b }
	return map[string]*bucket{
		"chat.send":       mk(1, 5),
		"question.ask":    mk(0.2, 3),
		"question.upvote": mk(5, 10),
		"reaction":        mk(5, 20),
		"hand.raise":      mk(0.2, 2),
		"interest":        mk(1, 5),
		"stage.set":       mk(10, 20),
		"question.answer": mk(5, 10),
		"message.hide":    mk(5, 10),
		"user.mute":       mk(5, 10),
	}
}
