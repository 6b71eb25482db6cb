package realtime

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Connection timing and sizes, as in gorilla's chat example.
const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	sendQueue  = 64 // frames a client may fall behind (about 3 s of busy chat) before it is dropped
)

// coalesceWindow is how long a connection in a big room waits after a
// frame for more before writing them all at once. On this machine the
// kernel's loopback processing, not the server, limits a 10,000-viewer
// room: every write is a packet per viewer. Writing a window's frames
// together cuts the packets; small rooms (fewer than coalesceFrom
// connections) write at once.
const (
	coalesceWindow = 100 * time.Millisecond
	coalesceFrom   = 2000
)

// client is one websocket connection. Its conn is read only by readPump and
// written only by writePump; others reach it through send.
type client struct {
	conn      *websocket.Conn
	fc        *flushConn
	big       *atomic.Bool // the room is big enough to coalesce writes
	peer      Peer
	host      bool
	presenter bool
	send      chan []byte
	closeOnce sync.Once
	done      chan struct{}
	// written closes when writePump has returned. The connection may belong
	// to a pool of the HTTP server (fasthttp reuses hijacked connection
	// wrappers once the handler returns), so the handler must not return
	// while the writer can still touch it.
	written chan struct{}
}

func newClient(conn *websocket.Conn, fc *flushConn, big *atomic.Bool, p Peer) *client {
	return &client{conn: conn, fc: fc, big: big, peer: p, send: make(chan []byte, sendQueue), done: make(chan struct{}), written: make(chan struct{})}
}

// enqueue queues a frame without blocking; a client that cannot keep up is
// closed so that it never stalls a room.
func (c *client) enqueue(frame []byte) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.send <- frame:
		return true
	default:
		c.close()
		return false
	}
}

// close ends the connection; both pumps then return.
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
		case frame := <-c.send:
			if c.big.Load() {
				select { // let more frames gather, unless the client goes away
				case <-time.After(coalesceWindow):
				case <-c.done:
					return
				}
			}
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			// Write everything queued in one system call: hold each write
			// while more frames follow.
			for more := len(c.send); ; more-- {
				c.fc.Hold(more > 0)
				if err := c.conn.WriteMessage(websocket.TextMessage, frame); err != nil {
					return
				}
				if more <= 0 {
					break
				}
				frame = <-c.send
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
			c.enqueue(errorFrame(r.lastSeq(), ErrBadFrame, "只接受文本帧 / text frames only", ""))
			continue
		}
		var in Inbound
		if err := json.Unmarshal(data, &in); err != nil || in.Type == "" {
			c.enqueue(errorFrame(r.lastSeq(), ErrBadFrame, "须为 {type, data} JSON 对象 / frames are JSON objects {type, data}", ""))
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

func errorFrame(seq int64, code, detail, ref string) []byte {
	return encode("error", seq, time.Now(), errorData{Code: code, Detail: detail, Ref: ref})
}

// fanout is the set of a room's local connections and delivers the frames
// the broker carries to them. It has its own lock so that delivery does not
// depend on who publishes.
type fanout struct {
	mu      sync.RWMutex
	clients map[*client]struct{}
}

func (f *fanout) add(c *client) {
	f.mu.Lock()
	f.clients[c] = struct{}{}
	f.mu.Unlock()
}

func (f *fanout) remove(c *client) {
	f.mu.Lock()
	delete(f.clients, c)
	f.mu.Unlock()
}

func (f *fanout) deliver(to Audience, frame []byte) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for c := range f.clients {
		if to.All || (to.Hosts && c.host) || contains(to.Users, c.peer.UserID) {
			c.enqueue(frame)
		}
	}
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
