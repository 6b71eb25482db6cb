package realtime

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Connection timing and sizes, as in gorilla's chat example.
const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	sendQueue  = 32 // frames or batches a client may fall behind (about 3 s of busy chat) before it is dropped
	// catchUpPage is how many stored events a reconnecting client's writer
	// reads from the room's log at a time; attachSlack is how far behind the
	// room it may be when it joins the live stream (the rest then fits in
	// its empty queue).
	catchUpPage = 256
	attachSlack = sendQueue / 2
)

// In a big room (coalesceFrom connections or more) frames are delivered in
// batches every coalesceWindow: the frames of a window are framed for the
// wire once and the same bytes are written to every viewer in one system
// call. On this machine the kernel's loopback processing, not the server,
// limits a 10,000-viewer room: every write is a packet per viewer, so
// fewer, fuller writes are what lets every viewer keep up. Small rooms
// deliver each frame at once.
const (
	coalesceWindow = 50 * time.Millisecond
	coalesceFrom   = 2000
)

// outFrame is one item of a client's queue: a JSON frame for gorilla to
// send, or raw bytes already framed for the wire (a batch).
type outFrame struct {
	b   []byte
	raw bool
}

// client is one websocket connection. Its conn is read only by readPump and
// written only by writePump; others reach it through send.
type client struct {
	conn *websocket.Conn
	fc   *flushConn

	peer      Peer
	as        roadshow.Peer // who the room's rules know; zero on notification sessions
	send      chan outFrame
	closeOnce sync.Once
	done      chan struct{}
	// from is the last stored seq this client had when it joined the live
	// stream; a batch still pending then may hold events it already has.
	// Guarded by the fanout's lock.
	from int64
	// written closes when writePump has returned. The connection may belong
	// to a pool of the HTTP server (fasthttp reuses hijacked connection
	// wrappers once the handler returns), so the handler must not return
	// while the writer can still touch it.
	written chan struct{}
}

func newClient(conn *websocket.Conn, fc *flushConn, p Peer) *client {
	return &client{conn: conn, fc: fc, peer: p, send: make(chan outFrame, sendQueue), done: make(chan struct{}), written: make(chan struct{})}
}

// enqueue queues a frame without blocking; a client that cannot keep up is
// closed so that it never stalls a room.
func (c *client) enqueue(frame []byte) bool {
	return c.enqueueOut(outFrame{b: frame})
}

func (c *client) enqueueOut(f outFrame) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.send <- f:
		return true
	default:
		c.close()
		return false
	}
}

// writeNow writes frames straight to the connection. Only the goroutine
// that is the connection's writer calls it: the one catching up, before
// writePump starts. The frames go out in as few system calls as fit.
func (c *client) writeNow(frames [][]byte) error {
	deadline := time.Now().Add(writeWait)
	_ = c.conn.SetWriteDeadline(deadline)
	_ = c.fc.SetWriteDeadline(deadline)
	for i, f := range frames {
		c.fc.Hold(i < len(frames)-1)
		if err := c.conn.WriteMessage(websocket.TextMessage, f); err != nil {
			return err
		}
	}
	return nil
}

// close ends the connection; both pumps then return. The connection is
// the raw one (server/httpapi hands over fasthttp's underlying socket), so a
// client dropped for falling behind is gone at once, not at its deadline.
func (c *client) close() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.conn.Close()
	})
}

// writePump writes queued frames and pings until the client is closed.
func (c *client) writePump() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.close()
		close(c.written)
	}()
	for {
		select {
		case <-c.done:
			return
		case f := <-c.send:
			// gorilla applies its deadline to the connection only when it
			// writes; raw batches go around it, so set both.
			deadline := time.Now().Add(writeWait)
			_ = c.conn.SetWriteDeadline(deadline)
			_ = c.fc.SetWriteDeadline(deadline)
			// Write everything queued in one system call: hold each write
			// while more frames follow.
			for more := len(c.send); ; more-- {
				c.fc.Hold(more > 0)
				var err error
				if f.raw {
					_, err = c.fc.Write(f.b)
				} else {
					err = c.conn.WriteMessage(websocket.TextMessage, f.b)
				}
				if err != nil {
					return
				}
				if more <= 0 {
					break
				}
				f = <-c.send
			}
		case <-ticker.C:
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		}
	}
}

// readPump reads frames and hands them to the room until the connection
// fails or closes. Malformed frames are answered with an error frame;
// frames over maxFrameBytes close the connection (code 1009).
func (c *client) readPump(r *room) {
	c.conn.SetReadLimit(maxFrameBytes)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.TextMessage {
			c.enqueue(errorFrame(r.lastSeq(), ErrBadFrame, "text frames only", ""))
			continue
		}
		var in Inbound
		if err := json.Unmarshal(data, &in); err != nil || in.Type == "" {
			c.enqueue(errorFrame(r.lastSeq(), ErrBadFrame, "frames are JSON objects {type, data}", ""))
			continue
		}
		select {
		case r.inbox <- inbound{c: c, msg: in}:
		case <-r.stopped:
			return
		case <-c.done:
			return
		}
	}
}

// fanout is the set of a room's local connections and delivers the frames
// the broker carries to them. It has its own lock so that delivery does not
// depend on who publishes. In a big room it batches (see coalesceWindow).
type fanout struct {
	mu        sync.RWMutex
	clients   map[*client]struct{}
	big       bool
	pending   []pendingFrame
	scheduled bool
}

type pendingFrame struct {
	to    Audience
	seq   int64 // the stored event's seq; 0 for frames that are not events
	frame []byte
}

// add makes c receive what is delivered from now on; it already has every
// stored event up to from.
func (f *fanout) add(c *client, from int64) {
	f.mu.Lock()
	c.from = from
	f.clients[c] = struct{}{}
	f.big = len(f.clients) >= coalesceFrom
	f.mu.Unlock()
}

func (f *fanout) remove(c *client) {
	f.mu.Lock()
	delete(f.clients, c)
	f.big = len(f.clients) >= coalesceFrom
	f.mu.Unlock()
}

func (f *fanout) deliver(d Delivery) {
	to, frame := d.To, d.Frame
	f.mu.Lock()
	if f.big {
		f.pending = append(f.pending, pendingFrame{d.To, d.Seq, d.Frame})
		if !f.scheduled {
			f.scheduled = true
			time.AfterFunc(coalesceWindow, f.flushBatch)
		}
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	f.mu.RLock()
	defer f.mu.RUnlock()
	for c := range f.clients {
		if to.reaches(c) {
			c.enqueue(frame)
		}
	}
}

// flushBatch sends the window's frames: the frames for everyone are framed
// for the wire once, and each client gets them (plus any frames meant for it
// alone) in one write.
func (f *fanout) flushBatch() {
	f.mu.Lock()
	batch := f.pending
	f.pending, f.scheduled = nil, false
	f.mu.Unlock()
	f.send(batch)
}

// deliverAll delivers frames stored together (a batch of events): in a
// big room they join the window's batch; in a small one each client gets
// them in one queue item, so a burst does not overflow its queue.
func (f *fanout) deliverAll(ds []Delivery) {
	if len(ds) == 1 {
		f.deliver(ds[0])
		return
	}
	batch := make([]pendingFrame, len(ds))
	for i, d := range ds {
		batch[i] = pendingFrame{d.To, d.Seq, d.Frame}
	}
	f.mu.Lock()
	if f.big {
		f.pending = append(f.pending, batch...)
		if !f.scheduled {
			f.scheduled = true
			time.AfterFunc(coalesceWindow, f.flushBatch)
		}
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	f.send(batch)
}

// send gives each client the frames of batch it receives, framed for the
// wire in one queue item.
func (f *fanout) send(batch []pendingFrame) {
	var common []byte
	targeted := false
	var minSeq int64 // the batch's first stored event
	for _, p := range batch {
		if p.to.All {
			common = appendWireFrame(common, p.frame)
		} else {
			targeted = true
		}
		if p.seq > 0 && minSeq == 0 {
			minSeq = p.seq
		}
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	for c := range f.clients {
		b := common
		// A client that joined the live stream during the window already has
		// some of its events; one that gets extra frames needs them in the
		// room's order.
		dup := minSeq > 0 && c.from >= minSeq
		if targeted || dup {
			var own []byte
			extra := false
			for _, p := range batch {
				if p.to.reaches(c) && (p.seq == 0 || p.seq > c.from) {
					own = appendWireFrame(own, p.frame)
					extra = extra || !p.to.All
				}
			}
			if extra || dup {
				b = own
			}
		}
		if len(b) > 0 {
			c.enqueueOut(outFrame{b: b, raw: true})
		}
	}
}

// appendWireFrame appends payload as one unmasked, final websocket text
// frame (RFC 6455 §5.2), the form a server sends.
func appendWireFrame(dst, payload []byte) []byte {
	n := len(payload)
	switch {
	case n < 126:
		dst = append(dst, 0x81, byte(n))
	case n < 1<<16:
		dst = append(dst, 0x81, 126, byte(n>>8), byte(n))
	default:
		dst = append(dst, 0x81, 127)
		for i := 7; i >= 0; i-- {
			dst = append(dst, byte(uint64(n)>>(8*i)))
		}
	}
	return append(dst, payload...)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s && s != "" {
			return true
		}
	}
	return false
}

// closeAll closes every connection, when the room stops.
func (f *fanout) closeAll() {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for c := range f.clients {
		c.close()
	}
}
