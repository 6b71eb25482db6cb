package realtime

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
)

// notePage is how many missed notifications a reconnecting session reads
// from the store at a time.
const notePage = 1000

// Missed returns a user's pushed notifications after an id, oldest first.
type Missed interface {
	NotificationsAfter(ctx context.Context, userID, id string, limit int) ([]domain.Notification, error)
}

// Notifications pushes stored notifications to every open session of
// their user over GET /ws/notifications. It is safe for concurrent use.
type Notifications struct {
	missed   Missed
	upgrader websocket.Upgrader
	batches  *sync.Pool

	mu    sync.Mutex
	conns map[string]map[*noteConn]struct{}
}

// noteConn is one session. Until its replay is sent, live notifications
// wait in pending so that the session sees each one once, in order; they
// are stored already, so if many arrive meanwhile the replay reads them
// from the store instead.
type noteConn struct {
	c         *client
	mu        sync.Mutex
	replaying bool
	pending   []*domain.Notification
	lastID    string
	// seen holds the recent notifications the replay sent: one stored
	// just before the replay read it may still be pushed after. A push is
	// otherwise new, whatever its id: ids made by different instances in
	// the same second do not follow the order they were stored in.
	seen map[string]bool
}

// pushWindow is how long after it is stored a notification may still be
// pushed (the store, then the push, on the storing instance or over NATS).
const pushWindow = time.Minute

// sent records that the replay sent n.
func (nc *noteConn) sent(n *domain.Notification) {
	if n.ID > nc.lastID {
		nc.lastID = n.ID
	}
	if time.Since(n.CreatedAt) < pushWindow {
		if nc.seen == nil {
			nc.seen = map[string]bool{}
		}
		nc.seen[n.ID] = true
	}
}

// fresh reports whether a pushed n has not been sent yet.
func (nc *noteConn) fresh(n *domain.Notification) bool {
	if nc.seen[n.ID] {
		delete(nc.seen, n.ID) // it is pushed once
		return false
	}
	if n.ID > nc.lastID {
		nc.lastID = n.ID
	}
	return true
}

// NewNotifications returns an empty set of sessions.
func NewNotifications(missed Missed) *Notifications {
	return &Notifications{missed: missed, conns: map[string]map[*noteConn]struct{}{}, batches: newBatchPool(),
		upgrader: websocket.Upgrader{ReadBufferSize: 512, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{},
			CheckOrigin: func(*http.Request) bool { return true }}}
}

func noteFrame(n *domain.Notification) []byte {
	return encode("notification", 0, n.CreatedAt, n)
}

// Push sends n to every open session of userID.
func (ns *Notifications) Push(userID string, n *domain.Notification) {
	ns.mu.Lock()
	conns := make([]*noteConn, 0, len(ns.conns[userID]))
	for nc := range ns.conns[userID] {
		conns = append(conns, nc)
	}
	ns.mu.Unlock()
	for _, nc := range conns {
		nc.mu.Lock()
		if nc.replaying {
			nc.pending = append(nc.pending, n)
		} else if nc.fresh(n) {
			nc.c.enqueue(noteFrame(n))
		}
		nc.mu.Unlock()
	}
}

// catchUp writes the welcome and, for a session opened with since, every
// pushed notification after it, page by page, straight to the connection
// (this goroutine is its writer until writePump starts). Then the
// session takes live notifications from its queue: what was pushed during
// the replay follows, each once and in order. It reports false if the
// connection failed.
func (ns *Notifications) catchUp(nc *noteConn, since string) bool {
	c := nc.c
	// Without since there is nothing to catch up on: the client reads its
	// list over REST and takes what comes from now on.
	frames := [][]byte{encode("welcome", 0, time.Now(), map[string]any{"userId": c.peer.UserID})}
	for more := since != ""; ; {
		var missed []domain.Notification
		if more {
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			var err error
			missed, err = ns.missed.NotificationsAfter(ctx, c.peer.UserID, nc.lastID, notePage)
			cancel()
			if err != nil {
				frames = append(frames, errorFrame(0, ErrUnavailable, "could not load missed notifications", ""))
				more = false
			}
		}
		for i := range missed {
			if missed[i].ID > nc.lastID {
				nc.sent(&missed[i])
				frames = append(frames, noteFrame(&missed[i]))
			}
		}
		if len(frames) > 0 {
			if err := c.writeNow(frames); err != nil {
				return false
			}
			frames = frames[:0]
		}
		if more && len(missed) == notePage {
			continue
		}
		nc.mu.Lock()
		if more && len(nc.pending) > attachSlack {
			// Many came meanwhile: they are stored, read them in pages.
			nc.pending = nil
			nc.mu.Unlock()
			continue
		}
		slices.SortFunc(nc.pending, func(a, b *domain.Notification) int { return strings.Compare(a.ID, b.ID) })
		for _, n := range nc.pending {
			if nc.fresh(n) {
				c.enqueue(noteFrame(n))
			}
		}
		nc.pending, nc.replaying = nil, false
		nc.mu.Unlock()
		return true
	}
}

// Sessions counts a user's open notification sessions.
func (ns *Notifications) Sessions(userID string) int {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	return len(ns.conns[userID])
}

// Accept upgrades a request and serves a signed-in user's notification
// session until it closes, first sending what they missed after since.
func (ns *Notifications) Accept(w http.ResponseWriter, req *http.Request, p Peer, since string) {
	hf := &hijackFlusher{ResponseWriter: w, pool: ns.batches}
	conn, err := ns.upgrader.Upgrade(hf, req, nil)
	if err != nil {
		return
	}
	c := newClient(conn, hf.conn, p)
	nc := &noteConn{c: c, replaying: true, lastID: since}
	ns.mu.Lock()
	if ns.conns[p.UserID] == nil {
		ns.conns[p.UserID] = map[*noteConn]struct{}{}
	}
	ns.conns[p.UserID][nc] = struct{}{}
	ns.mu.Unlock()
	defer func() {
		ns.mu.Lock()
		delete(ns.conns[p.UserID], nc)
		if len(ns.conns[p.UserID]) == 0 {
			delete(ns.conns, p.UserID)
		}
		ns.mu.Unlock()
		c.close()
	}()
	if !ns.catchUp(nc, since) {
		return
	}
	go c.writePump()
	defer func() { <-c.written }()
	// The session sends nothing the server acts on; read only to notice
	// the close and answer pings.
	c.conn.SetReadLimit(maxFrameBytes)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		if _, _, err := c.conn.ReadMessage(); err != nil {
			c.close() // before waiting for the writer
			return
		}
		c.enqueue(errorFrame(0, ErrUnknownType, "this socket only receives", ""))
	}
}
