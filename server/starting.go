package main

// Listening from the start of Open. Open migrates the database and loads
// what the server serves from, which takes minutes on a city-size data set;
// a closed port all that time would make an orchestrator's liveness probe
// on /healthz kill the process mid-migration, again and again. So Open
// binds the address first and serves httpapi.Starting on it (/healthz 200,
// everything else 503 starting) until the full app exists, which then
// accepts on the same socket: the port is never closed, and connections
// that arrive during the handover wait in the socket's backlog.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/httpapi"
)

// handoverWait bounds how long the handover waits for the starting app's
// answers in flight; a connection that has sent nothing by then is closed.
const handoverWait = 2 * time.Second

// early is the starting app serving on the bound socket until the handover.
type early struct {
	app  *fiber.App
	ln   *earlyListener
	done chan struct{} // closed once the app's Serve has returned
}

// listen binds the listen address (m.ln, which Run serves the full app on)
// and serves the starting app on it until handover.
func (m *Main) listen() error {
	raw, err := net.Listen("tcp", m.Config.ListenAddr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", m.Config.ListenAddr, err)
	}
	tcp, ok := raw.(*net.TCPListener)
	if !ok {
		_ = raw.Close()
		return fmt.Errorf("listen %s: not a TCP socket", m.Config.ListenAddr)
	}
	m.ln = httpapi.LimitListener(raw, m.Config.ConnsPerAddress)
	e := &early{app: httpapi.Starting(m.log), done: make(chan struct{}),
		ln: &earlyListener{Listener: m.ln, tcp: tcp, conns: map[*earlyConn]struct{}{}}}
	m.early = e
	go func() {
		defer close(e.done)
		if err := e.app.Listener(e.ln); err != nil {
			m.log.Warn("serving while starting", "err", err)
		}
	}()
	m.log.Info("yuechuang listening 越创汇启动中", "addr", "http://"+displayAddr(m.Addr()), "release", release)
	return nil
}

// handover stops the starting app without closing the socket: it accepts
// no more, its answers in flight finish (up to handoverWait), and every
// connection it was given is closed, since after the handover nothing
// would serve them. Close calls it too, after a failed Open.
func (m *Main) handover() {
	e := m.early
	if e == nil {
		return
	}
	m.early = nil
	e.ln.stop()
	<-e.done
	ctx, cancel := context.WithTimeout(context.Background(), handoverWait)
	_ = e.app.ShutdownWithContext(ctx)
	cancel()
	e.ln.closeConns()
	// The next Accept, the full app's, blocks again.
	_ = e.ln.tcp.SetDeadline(time.Time{})
}

// earlyListener is the starting app's view of the socket. Closing it stops
// its Accept (a deadline in the past wakes one that blocks) but leaves the
// socket open for the full app; it keeps the connections it hands out, to
// close them at the handover: the app's Shutdown only closes idle ones.
type earlyListener struct {
	net.Listener
	tcp     *net.TCPListener // under Listener, which may limit connections per address
	mu      sync.Mutex
	stopped bool
	conns   map[*earlyConn]struct{}
}

func (l *earlyListener) Accept() (net.Conn, error) {
	if l.isStopped() {
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		if l.isStopped() {
			return nil, net.ErrClosed // woken by stop's deadline
		}
		return nil, err
	}
	// A connection accepted as the listener stops is served like the
	// others and closed by the handover once answered.
	ec := &earlyConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[ec] = struct{}{}
	l.mu.Unlock()
	return ec, nil
}

// Close is the app's Shutdown's: it stops accepting, not the socket.
func (l *earlyListener) Close() error {
	l.stop()
	return nil
}

// stop is idempotent: the app's Shutdown calls Close after the handover
// began, and a second deadline must not outlive it into the full app's
// Accept.
func (l *earlyListener) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.stopped = true
		_ = l.tcp.SetDeadline(time.Now())
	}
}

func (l *earlyListener) isStopped() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stopped
}

func (l *earlyListener) closeConns() {
	l.mu.Lock()
	conns := make([]*earlyConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		_ = c.Close()
	}
}

// earlyConn leaves its listener's set when closed.
type earlyConn struct {
	net.Conn
	l *earlyListener
}

func (c *earlyConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	err := c.Conn.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil // closed by the handover or by the app, whichever came second
	}
	return err
}
