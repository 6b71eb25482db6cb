package realtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestWireFrames writes a batch framed by appendWireFrame straight to an
// upgraded connection and reads it with gorilla's client, for the three
// length encodings.
func TestWireFrames(t *testing.T) {
	payloads := []string{"{}", strings.Repeat("长", 100), strings.Repeat("x", 70000)}
	var batch []byte
	for _, p := range payloads {
		batch = appendWireFrame(batch, []byte(p))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		_, _ = c.UnderlyingConn().Write(batch)
		_, _, _ = c.ReadMessage()
	}))
	defer srv.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadLimit(1 << 20)
	for i, want := range payloads {
		typ, got, err := c.ReadMessage()
		if err != nil || typ != websocket.TextMessage || string(got) != want {
			t.Fatalf("frame %d: type %d, %d bytes, err %v", i, typ, len(got), err)
		}
	}
}
