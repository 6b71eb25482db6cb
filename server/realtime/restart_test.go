package realtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// serveHub serves a hub's rooms over net/http for the test.
func serveHub(t *testing.T, h *realtime.Hub, peers map[string]realtime.Peer) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := peers[r.URL.Query().Get("as")]
		adm, err := h.Admit(r.Context(), p, strings.TrimPrefix(r.URL.Path, "/ws/"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		since := int64(-1)
		if s := r.URL.Query().Get("since"); s != "" {
			fmt.Sscan(s, &since)
		}
		h.Accept(w, r, adm, since)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

type msg struct {
	Type string          `json:"type"`
	Seq  int64           `json:"seq"`
	Data json.RawMessage `json:"data"`
}

func dial(t *testing.T, addr, room, as, query string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws/"+room+"?as="+as+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func read(t *testing.T, c *websocket.Conn, types ...string) msg {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		var m msg
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("read %v: %v", types, err)
		}
		for _, ty := range types {
			if m.Type == ty {
				return m
			}
		}
	}
}

// TestRestartLosesNothing acknowledges chat, a question and votes, then
// throws the hub away as a crash would and starts a new one on the same
// database: a client reconnecting with since=0 gets every acknowledged
// event in order, and the room's state (votes, stage) is rebuilt.
// roomFixture is a live public roadshow in a real embedded database, with
// what a Hub needs and a host and a viewer to connect as.
type roomFixture struct {
	db       *mongo.DB
	matcher  *app.Matcher
	notifier *app.Notifier
	log      *slog.Logger
	rs       *domain.Roadshow
	peers    map[string]realtime.Peer
}

func newRoomFixture(t *testing.T, title string) roomFixture {
	t.Helper()
	f := roomFixture{db: mongotest.Open(t), log: slog.New(slog.DiscardHandler)}
	tax, _ := taxonomy.Load("")
	f.notifier = app.NewNotifier(f.db, realtime.NewNotifications(f.db), f.log)
	rm, err := app.NewReadModel(f.db, tax, f.log)
	if err != nil {
		t.Fatal(err)
	}
	f.matcher = app.NewMatcher(rm, tax, f.notifier, f.log)
	host, viewer := mongo.NewID(), mongo.NewID()
	f.rs = &domain.Roadshow{OwnerID: host, Title: title, Visibility: domain.VisibilityPublic, Status: domain.RoadshowLive,
		Slots: []domain.Slot{{StartupID: mongo.NewID(), Minutes: 5, StartupName: "甲"}}, StartsAt: time.Now()}
	if err := f.db.CreateRoadshow(context.Background(), f.rs); err != nil {
		t.Fatal(err)
	}
	f.peers = map[string]realtime.Peer{
		"host":   {UserID: host, Name: "主持人", Role: domain.RoleManager},
		"viewer": {UserID: viewer, Name: "观众", Role: domain.RoleFounder},
	}
	return f
}

// hostActor is the roadshow's host, for lifecycle commands.
func (f roomFixture) hostActor() domain.Actor {
	return domain.Actor{UserID: f.peers["host"].UserID, Role: f.peers["host"].Role}
}

// hub returns a new Hub on the fixture's database.
func (f roomFixture) hub() *realtime.Hub {
	return realtime.NewHub(f.db, f.matcher, f.notifier, realtime.NewLocalBroker(), f.log)
}

func TestRestartLosesNothing(t *testing.T) {
	fx := newRoomFixture(t, "重启测试")
	ctx := context.Background()
	rs, peers := fx.rs, fx.peers

	hub1 := fx.hub()
	addr := serveHub(t, hub1, peers)
	if err := hub1.Command(ctx, rs.ID, fx.hostActor(), roadshow.Start{}); err != nil {
		t.Fatal(err)
	}
	v := dial(t, addr, rs.ID, "viewer", "")
	read(t, v, "welcome")
	send := func(typ string, data any, ref string) int64 {
		t.Helper()
		if err := v.WriteJSON(map[string]any{"type": typ, "data": data, "ref": ref}); err != nil {
			t.Fatal(err)
		}
		a := read(t, v, "ack", "error")
		if a.Type != "ack" {
			t.Fatalf("%s: %s", typ, a.Data)
		}
		return a.Seq
	}
	var want []int64
	for i := 0; i < 5; i++ {
		want = append(want, send("chat.send", map[string]any{"text": fmt.Sprint("消息", i)}, fmt.Sprint("c", i)))
	}
	q := send("question.ask", map[string]any{"text": "估值？"}, "q")
	want = append(want, q, send("question.upvote", map[string]any{"id": q}, "u"))
	hub1.Close() // the crash: nothing is flushed on purpose beyond what was acknowledged

	hub2 := fx.hub()
	t.Cleanup(hub2.Close)
	addr2 := serveHub(t, hub2, peers)
	h := dial(t, addr2, rs.ID, "host", "&since=0")
	w := read(t, h, "welcome")
	if !strings.Contains(string(w.Data), `"votes":1`) || !strings.Contains(string(w.Data), `"startupName":"甲"`) {
		t.Fatalf("rebuilt state %s", w.Data)
	}
	var got []int64
	for len(got) < len(want)+1 { // +1: the stage event from Start
		m := read(t, h, "stage", "chat", "question")
		got = append(got, m.Seq)
	}
	if fmt.Sprint(got[1:]) != fmt.Sprint(want) {
		t.Fatalf("replayed seqs %v, want stage then %v", got, want)
	}
	// The new hub continues the sequence instead of reusing numbers.
	v2 := dial(t, addr2, rs.ID, "viewer", "")
	read(t, v2, "welcome")
	if err := v2.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": "重启后"}, "ref": "z"}); err != nil {
		t.Fatal(err)
	}
	if a := read(t, v2, "ack"); a.Seq != want[len(want)-1]+1 {
		t.Fatalf("seq after restart %d, want %d", a.Seq, want[len(want)-1]+1)
	}
}
