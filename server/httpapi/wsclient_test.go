package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// listen serves the env's API on a loopback port and returns its address.
func (e *env) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(time.Second) })
	return ln.Addr().String()
}

type frame struct {
	Type string          `json:"type"`
	Seq  int64           `json:"seq"`
	TS   int64           `json:"ts"`
	Data json.RawMessage `json:"data"`
}

func (f frame) field(k string) string {
	var m map[string]any
	_ = json.Unmarshal(f.Data, &m)
	if v, ok := m[k]; ok {
		return fmt.Sprint(v)
	}
	return ""
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dial opens a room socket with a fresh ticket for token ("" = guest).
func (e *env) dial(t *testing.T, addr, token, roadshow, query string) (*wsClient, error) {
	t.Helper()
	tk := e.must(200, "POST", "/api/v1/realtime/ticket", token, nil).str("ticket")
	u := url.URL{Scheme: "ws", Host: addr, Path: "/ws/roadshows/" + roadshow, RawQuery: "ticket=" + tk + query}
	conn, res, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("%w: status %d", err, res.StatusCode)
		}
		return nil, err
	}
	c := &wsClient{t: t, conn: conn}
	t.Cleanup(func() { _ = conn.Close() })
	return c, nil
}

func (c *wsClient) send(typ string, data any, ref string) {
	c.t.Helper()
	if err := c.conn.WriteJSON(map[string]any{"type": typ, "data": data, "ref": ref}); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

// next returns the next frame of one of types, skipping others.
func (c *wsClient) next(types ...string) frame {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_ = c.conn.SetReadDeadline(deadline)
		var f frame
		if err := c.conn.ReadJSON(&f); err != nil {
			c.t.Fatalf("waiting for %v: %v", types, err)
		}
		for _, t := range types {
			if f.Type == t {
				return f
			}
		}
	}
}

// answer returns the ack or error answering ref.
func (c *wsClient) answer(ref string) frame {
	c.t.Helper()
	for {
		f := c.next("ack", "error")
		if f.field("ref") == ref {
			return f
		}
	}
}

func (c *wsClient) expectError(ref, code string) {
	c.t.Helper()
	if f := c.answer(ref); f.Type != "error" || f.field("code") != code {
		c.t.Fatalf("ref %s: got %s %s, want error %s", ref, f.Type, f.Data, code)
	}
}

func (c *wsClient) expectAck(ref string) int64 {
	c.t.Helper()
	f := c.answer(ref)
	if f.Type != "ack" {
		c.t.Fatalf("ref %s: got %s %s, want ack", ref, f.Type, f.Data)
	}
	return f.Seq
}
