package realtime

import (
	"sort"
	"sync"
)

// eventLog is a room's stored events as the frames receivers saw, in
// order. The room's goroutine appends; the writers of reconnecting clients
// read pages of it concurrently, so that catching up never goes through
// the room's goroutine or a client's bounded live queue.
type eventLog struct {
	mu      sync.RWMutex
	entries []logEntry
}

type logEntry struct {
	seq   int64
	to    Audience
	frame []byte
}

func (l *eventLog) append(seq int64, to Audience, frame []byte) {
	l.mu.Lock()
	l.entries = append(l.entries, logEntry{seq: seq, to: to, frame: frame})
	l.mu.Unlock()
}

// page returns the frames c receives among the next n entries after seq
// after, the seq of the last entry it looked at (after if none) and
// whether more entries follow.
func (l *eventLog) page(after int64, n int, c *client) (frames [][]byte, last int64, more bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	i := sort.Search(len(l.entries), func(i int) bool { return l.entries[i].seq > after })
	last = after
	end := min(len(l.entries), i+n)
	for ; i < end; i++ {
		e := l.entries[i]
		if e.to.reaches(c) {
			frames = append(frames, e.frame)
		}
		last = e.seq
	}
	return frames, last, end < len(l.entries)
}

// joined is the room's answer to a join: the welcome, and whether the
// client is already in the live stream (else it catches up first).
type joined struct {
	welcome []byte
	live    bool
}

// attachReq asks the room to put a catching-up client into the live stream
// once it has every event up to after; the reply says whether it did.
type attachReq struct {
	c     *client
	after int64
	reply chan bool
}

// catchUp sends a reconnecting client its welcome and every stored event
// after since, page by page, written straight to the connection by this
// goroutine (the connection's only writer until writePump starts), then
// asks the room to attach it to the live stream. The room attaches it only
// when the rest fits in its empty queue, so nothing is missed, nothing is
// sent twice, and a long catch-up never overflows the live queue. It
// reports false if the connection failed or the room stopped.
func (c *client) catchUp(r *room, welcome []byte, since int64) bool {
	if err := c.writeNow([][]byte{welcome}); err != nil {
		return false
	}
	cursor := since
	for {
		frames, last, more := r.log.page(cursor, catchUpPage, c)
		if len(frames) > 0 {
			if err := c.writeNow(frames); err != nil {
				return false
			}
		}
		if cursor = last; more {
			continue
		}
		reply := make(chan bool, 1)
		select {
		case r.attaches <- attachReq{c: c, after: cursor, reply: reply}:
		case <-r.stopped:
			return false
		case <-c.done:
			return false
		}
		if <-reply {
			return true
		}
	}
}

// attach runs on the room's goroutine, where no event can be stored
// meanwhile: a client close enough to the room gets the rest in its queue
// and joins the live stream; one further behind pages on.
func (r *room) attach(a attachReq) {
	if r.lastSeq()-a.after > attachSlack {
		a.reply <- false
		return
	}
	frames, _, _ := r.log.page(a.after, attachSlack+1, a.c)
	for _, f := range frames {
		a.c.enqueue(f)
	}
	r.fan.add(a.c, r.lastSeq())
	a.reply <- true
}
