package realtime_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/natsbus"
	"github.com/yuechuang/yuechuang/server/natsbus/natstest"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// instance is one of several hubs sharing a database and a NATS server.
type instance struct {
	hub  *realtime.Hub
	bus  *mortal
	addr string
}

// mortal is an instance's bus that can die: once dead, it neither renews
// nor gives back its leases, as a killed process would not.
type mortal struct {
	*natsbus.Bus
	dead atomic.Bool
}

func (m *mortal) RenewRoom(ctx context.Context, room string, lease uint64) (uint64, error) {
	if m.dead.Load() {
		return 0, errors.New("dead")
	}
	return m.Bus.RenewRoom(ctx, room, lease)
}

func (m *mortal) ReleaseRoom(ctx context.Context, room string, lease uint64) {
	if !m.dead.Load() {
		m.Bus.ReleaseRoom(ctx, room, lease)
	}
}

func (m *mortal) PublishRoom(room string, msg realtime.RoomMessage) {
	if !m.dead.Load() {
		m.Bus.PublishRoom(room, msg)
	}
}

func startInstances(t *testing.T, fx roomFixture, url string, n int) []*instance {
	t.Helper()
	var out []*instance
	for i := 0; i < n; i++ {
		bus, err := natsbus.Connect(t.Context(), url, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		in := &instance{hub: fx.hub(), bus: &mortal{Bus: bus}}
		in.hub.UseCluster(in.bus)
		t.Cleanup(bus.Close)
		t.Cleanup(in.hub.Close) // runs first: the hub gives its leases up while connected
		in.addr = serveHub(t, in.hub, fx.peers)
		out = append(out, in)
	}
	return out
}

// recorder keeps every frame a connection receives.
type recorder struct {
	mu     sync.Mutex
	frames []msg
	err    error
}

func record(c *websocket.Conn) *recorder {
	r := &recorder{}
	go func() {
		for {
			var m msg
			err := c.ReadJSON(&m)
			r.mu.Lock()
			if err != nil {
				r.err = err
				r.mu.Unlock()
				return
			}
			r.frames = append(r.frames, m)
			r.mu.Unlock()
		}
	}()
	return r
}

// wait returns the frames once ok accepts them, failing after 10 s.
func (r *recorder) wait(t *testing.T, what string, ok func([]msg) bool) []msg {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r.mu.Lock()
		fs, err := slices.Clone(r.frames), r.err
		r.mu.Unlock()
		if ok(fs) {
			return fs
		}
		if err != nil || time.Now().After(deadline) {
			t.Fatalf("%s: %d frames, %v", what, len(fs), err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// storedSeqs are the seqs of the frames of stored events everyone sees.
func storedSeqs(fs []msg) []int64 {
	var seqs []int64
	for _, m := range fs {
		if m.Type == "chat" || m.Type == "question" || m.Type == "stage" {
			seqs = append(seqs, m.Seq)
		}
	}
	return seqs
}

// TestClusterSameOrder: three instances share one database and one NATS
// server; viewers are spread over them; chat, questions, votes and stage
// changes sent through each instance (and the start over REST on one that
// does not own the room) reach every viewer, all in the same order.
func TestClusterSameOrder(t *testing.T) {
	fx := newRoomFixture(t, "三个实例")
	for i := 0; i < 3; i++ {
		fx.peers[fmt.Sprint("v", i)] = realtime.Peer{UserID: mongo.NewID(), Name: fmt.Sprint("观众", i), Role: domain.RoleFounder}
	}
	ins := startInstances(t, fx, natstest.Start(t), 3)
	ctx := context.Background()
	// Each instance loads the room; the first to load it owns it.
	var viewers []*websocket.Conn
	for i, in := range ins {
		c := dial(t, in.addr, fx.rs.ID, fmt.Sprint("v", i), "")
		read(t, c, "welcome")
		viewers = append(viewers, c)
	}
	owners := 0
	var follower *instance
	for _, in := range ins {
		if realtime.Owns(in.hub, fx.rs.ID) {
			owners++
		} else {
			follower = in
		}
	}
	if owners != 1 {
		t.Fatalf("%d instances own the room", owners)
	}
	host := dial(t, follower.addr, fx.rs.ID, "host", "")
	read(t, host, "welcome")
	conns := append(slices.Clone(viewers), host)
	recs := make([]*recorder, len(conns))
	for i, c := range conns {
		recs[i] = record(c)
	}
	if err := follower.hub.Command(ctx, fx.rs.ID, fx.hostActor(), roadshow.Start{}); err != nil {
		t.Fatalf("start through an instance that does not own the room: %v", err)
	}
	// Everyone sends at once: 5 chat lines and a question each; then each
	// votes for the others' questions and the host turns a page.
	var wg sync.WaitGroup
	for i, c := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				if err := c.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": fmt.Sprintf("%d-%d", i, k)}}); err != nil {
					t.Error(err)
				}
			}
			if err := c.WriteJSON(map[string]any{"type": "question.ask", "data": map[string]any{"text": fmt.Sprint("问题", i)}, "ref": "q"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	qs := make([]int64, len(viewers))
	for i := range viewers {
		fs := recs[i].wait(t, "question ack", func(fs []msg) bool { return slices.ContainsFunc(fs, func(m msg) bool { return m.Type == "ack" }) })
		for _, m := range fs {
			if m.Type == "ack" {
				qs[i] = m.Seq
			}
		}
	}
	for i, c := range viewers {
		for j := range viewers {
			if j != i {
				if err := c.WriteJSON(map[string]any{"type": "question.upvote", "data": map[string]any{"id": qs[j]}}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := host.WriteJSON(map[string]any{"type": "stage.set", "data": map[string]any{"page": 2}}); err != nil {
		t.Fatal(err)
	}
	const total = 1 + 3*5 + 3 + 3*2 + 1 // start, chat, questions, votes, page
	var orders [][]int64
	for i, r := range recs {
		fs := r.wait(t, fmt.Sprint("connection ", i), func(fs []msg) bool { return len(storedSeqs(fs)) >= total })
		for _, m := range fs {
			if m.Type == "error" {
				t.Errorf("connection %d was refused: %s", i, m.Data)
			}
		}
		orders = append(orders, storedSeqs(fs))
	}
	for i, o := range orders {
		if !slices.Equal(o, orders[0]) {
			t.Fatalf("connection %d saw %v, connection 0 %v", i, o, orders[0])
		}
	}
	for i, s := range orders[0] {
		if s != int64(i+1) {
			t.Fatalf("seqs %v: not every event once, in order", orders[0])
		}
	}
}

// TestClusterOwnerDies: the instance that owns a live room dies without a
// word (its NATS connection and its sockets drop, its lease is not given
// back); another instance takes the room over from the stored log within
// seconds, and a viewer who reconnects finds every acknowledged event.
func TestClusterOwnerDies(t *testing.T) {
	fx := newRoomFixture(t, "接管")
	ins := startInstances(t, fx, natstest.Start(t), 3)
	ctx := context.Background()
	if err := ins[0].hub.Command(ctx, fx.rs.ID, fx.hostActor(), roadshow.Start{}); err != nil {
		t.Fatal(err)
	}
	if !realtime.Owns(ins[0].hub, fx.rs.ID) {
		t.Fatal("the first instance to load the room does not own it")
	}
	v := dial(t, ins[1].addr, fx.rs.ID, "viewer", "")
	read(t, v, "welcome")
	send := func(text string) (int64, string) {
		t.Helper()
		if err := v.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": text}, "ref": text}); err != nil {
			t.Fatal(err)
		}
		a := read(t, v, "ack", "error")
		if a.Type != "ack" {
			return 0, string(a.Data)
		}
		return a.Seq, string(a.Data)
	}
	var acked []int64
	for i := 0; i < 5; i++ {
		seq, data := send(fmt.Sprint("之前", i))
		if seq == 0 {
			t.Fatalf("before: %s", data)
		}
		acked = append(acked, seq)
	}
	killed := time.Now()
	ins[0].bus.dead.Store(true) // no release: the lease must run out
	ins[0].hub.Close()
	ins[0].bus.Close()
	var seq int64
	for i := 0; seq == 0; i++ {
		if time.Since(killed) > 10*time.Second {
			t.Fatalf("the room was not served again within 10 s")
		}
		var data string
		if seq, data = send(fmt.Sprint("之后", i)); seq == 0 {
			t.Logf("%v after the owner died: %s", time.Since(killed).Round(time.Millisecond), data)
			time.Sleep(200 * time.Millisecond)
		}
	}
	took := time.Since(killed)
	t.Logf("served again %v after the owner died (lease %v)", took.Round(time.Millisecond), realtime.LeaseTTL)
	if took > 5*time.Second {
		t.Errorf("served again after %v, want within 5 s", took)
	}
	if seq != acked[len(acked)-1]+1 {
		t.Errorf("the new owner stored at seq %d after %v: numbers reused or skipped", seq, acked)
	}
	// A viewer reconnecting from the start finds every acknowledged event.
	r := dial(t, ins[2].addr, fx.rs.ID, "host", "&since=0")
	read(t, r, "welcome")
	want := append(append([]int64{1}, acked...), seq)
	got := storedSeqs(record(r).wait(t, "replay", func(fs []msg) bool { return len(storedSeqs(fs)) >= len(want) }))
	if !slices.Equal(got, want) {
		t.Fatalf("replayed %v, want %v", got, want)
	}
}
