package main

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// The peer (scripts/wspeer, on centrifuge) speaks centrifuge's JSON
// protocol: a connect command, a subscribe to the room's channel, and
// publications pushed as {"push":{"channel":…,"pub":{"data":…}}}, several
// to a frame, one a line. The server pings with {} and expects {} back.
const peerChannel = "room"

// conn is a load connection to either server; writes are serialised
// because a peer connection answers pings from its reader.
type conn struct {
	*websocket.Conn
	mu   sync.Mutex
	next int
}

func (c *conn) write(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.WriteMessage(websocket.TextMessage, b)
}

// dialPeer opens a centrifuge connection, subscribed to the room's
// channel if subscribe.
func dialPeer(subscribe bool) (*conn, error) {
	d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 512, HandshakeTimeout: 30 * time.Second, Subprotocols: []string{"centrifuge-json"}}
	ws, _, err := d.Dial(*peer, nil)
	if err != nil {
		return nil, err
	}
	c := &conn{Conn: ws}
	cmds := []string{`{"id":1,"connect":{"name":"wsload"}}`}
	if subscribe {
		cmds = append(cmds, `{"id":2,"subscribe":{"channel":"`+peerChannel+`"}}`)
	}
	for i, cmd := range cmds {
		if err := c.write([]byte(cmd)); err != nil {
			return nil, err
		}
		// Wait for the reply to this command before the next one.
		_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		for replied := false; !replied; {
			_, data, err := ws.ReadMessage()
			if err != nil {
				return nil, err
			}
			for _, line := range bytes.Split(data, []byte("\n")) {
				if bytes.Contains(line, []byte(`"error"`)) {
					return nil, fmt.Errorf("peer refused %s: %s", cmd, line)
				}
				replied = replied || bytes.HasPrefix(line, []byte(`{"id":`+strconv.Itoa(i+1)+`,`))
			}
		}
		_ = ws.SetReadDeadline(time.Time{})
	}
	c.next = len(cmds) + 1
	return c, nil
}

// chatFrame is a chat message carrying its send time, for either server.
func (c *conn) chatFrame(sentAt time.Time) []byte {
	text := "t=" + strconv.FormatInt(sentAt.UnixNano(), 10)
	if *peer == "" {
		return []byte(`{"type":"chat.send","data":{"text":"` + text + `"}}`)
	}
	c.next++
	return []byte(`{"id":` + strconv.Itoa(c.next) + `,"publish":{"channel":"` + peerChannel + `","data":{"text":"` + text + `"}}}`)
}

// messages calls fn for each message of a frame: ours hold one, the
// peer's one a line; a peer's ping is answered.
func (c *conn) messages(data []byte, fn func(msg []byte)) {
	if *peer == "" {
		fn(data)
		return
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 2 && bytes.Equal(bytes.TrimSpace(line), []byte("{}")) {
			_ = c.write([]byte("{}"))
			continue
		}
		fn(line)
	}
}

// isChat says whether a message is a chat message to count.
func isChat(msg []byte) bool {
	if *peer == "" {
		return bytes.HasPrefix(msg, []byte(`{"type":"chat"`))
	}
	return bytes.Contains(msg, []byte(`"pub"`))
}

// metricsURL is where the server under load reports its memory.
func metricsURL() string {
	if *peer == "" {
		return *base + "/metrics"
	}
	u, _ := url.Parse(*peer)
	return "http://" + u.Host + "/metrics"
}
