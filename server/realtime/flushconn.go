package realtime

import (
	"bufio"
	"net"
	"net/http"
	"sync"
)

// batchLimit is the most bytes held back before a write goes out.
const batchLimit = 64 << 10

// flushConn lets a writer that knows more frames are queued hold its writes
// back and send them in one system call. gorilla writes each message
// straight to the connection; with ten thousand viewers that is one system
// call per frame per viewer, and a room that falls behind can never catch
// up. The buffer is borrowed only while a batch is open, so idle
// connections hold none.
type flushConn struct {
	net.Conn
	pool *sync.Pool // of *[]byte, shared by a hub's connections
	mu   sync.Mutex
	hold bool
	buf  *[]byte
}

// Hold sets whether the next writes are held back; Hold(false) sends what is
// held together with the next write.
func (f *flushConn) Hold(on bool) {
	f.mu.Lock()
	f.hold = on
	f.mu.Unlock()
}

func (f *flushConn) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.buf == nil && !f.hold {
		return f.Conn.Write(p)
	}
	if f.buf == nil {
		f.buf = f.pool.Get().(*[]byte)
	}
	*f.buf = append(*f.buf, p...)
	if f.hold && len(*f.buf) < batchLimit {
		return len(p), nil
	}
	_, err := f.Conn.Write(*f.buf)
	*f.buf = (*f.buf)[:0]
	f.pool.Put(f.buf)
	f.buf = nil
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// hijackFlusher wraps an http.Hijacker so that the upgraded connection is a
// flushConn.
type hijackFlusher struct {
	http.ResponseWriter
	pool *sync.Pool
	conn *flushConn
}

func (h *hijackFlusher) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	c, rw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = &flushConn{Conn: c, pool: h.pool}
	// gorilla writes the handshake through rw.Writer; point it at the
	// flushConn too so nothing bypasses it.
	rw.Writer.Reset(h.conn)
	return h.conn, rw, nil
}

func newBatchPool() *sync.Pool {
	return &sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
}
