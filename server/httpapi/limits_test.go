package httpapi_test

import (
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestAddressLimits: one client address gets a bounded number of tickets a
// minute and of open websockets; a closed socket gives its place back.
func TestAddressLimits(t *testing.T) {
	// Sockets: a ticket budget that retries cannot exhaust, since each
	// attempt redeems a ticket and a closed socket's place comes back
	// only when its handler has returned (later on a loaded machine).
	e := newEnv(t, httpapi.Config{TicketsPerMinute: 10_000, SocketsPerAddress: 2})
	addr := e.listen(t)
	tok, _ := e.register("founder")
	open := func() (*websocket.Conn, error) {
		tk := e.must(200, "POST", "/api/v1/realtime/ticket", tok, nil).str("ticket")
		c, res, err := websocket.DefaultDialer.Dial((&url.URL{Scheme: "ws", Host: addr, Path: "/ws/notifications", RawQuery: "ticket=" + tk}).String(), nil)
		if err != nil && res != nil && res.StatusCode != 429 {
			t.Fatalf("status %d, want 429", res.StatusCode)
		}
		return c, err
	}
	a, err := open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := open(); err == nil {
		t.Fatal("a third socket from one address was accepted with a limit of two")
	}
	a.Close()
	var c *websocket.Conn
	for deadline := time.Now().Add(30 * time.Second); c == nil; time.Sleep(50 * time.Millisecond) {
		if c, err = open(); err != nil && time.Now().After(deadline) {
			t.Fatal("a closed socket did not give its place back")
		}
	}
	c.Close()

	// Tickets: six a minute from one address, then refusals.
	e = newEnv(t, httpapi.Config{TicketsPerMinute: 6})
	tok, _ = e.register("founder")
	n := 0
	for ; n < 20 && e.call("POST", "/api/v1/realtime/ticket", tok, nil).Status == 200; n++ {
	}
	if n != 6 {
		t.Fatalf("%d tickets in a row, want 6 of 6 a minute", n)
	}
	checkProblem(t, e.call("POST", "/api/v1/realtime/ticket", "", nil), 429, "rate_limited")
}

// TestConnectionLimit: a listener that holds two connections per address
// closes a third at once, and takes new ones when one closes.
func TestConnectionLimit(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := httpapi.LimitListener(inner, 2)
	defer ln.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	closedByServer := func(c net.Conn) bool {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		_, err := c.Read(make([]byte, 1))
		ne, timeout := err.(net.Error)
		return err != nil && !(timeout && ne.Timeout())
	}
	dial()
	dial()
	first, second := <-accepted, <-accepted
	if !closedByServer(dial()) {
		t.Fatal("a third connection from one address stayed open")
	}
	first.Close()
	_ = first.Close() // twice, as a hijacked connection is: the place is given back once
	fourth := dial()
	select {
	case c := <-accepted:
		defer c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("no new connection was taken after one closed")
	}
	if !closedByServer(dial()) {
		t.Fatal("closing one connection twice gave two places back")
	}
	_, _ = second, fourth
}
