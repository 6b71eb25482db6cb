package realtime_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/realtime"
)

// countingStore counts the room's writes to the real database.
type countingStore struct {
	*mongo.DB
	writes atomic.Int64
}

func (s *countingStore) AppendRoomEvents(ctx context.Context, events []domain.RoomEvent) error {
	s.writes.Add(1)
	return s.DB.AppendRoomEvents(ctx, events)
}

// TestBusyRoomStoresInBatches: messages that arrive together are stored
// in one write and each is acknowledged with its own seq: 150 chat
// messages sent at once by 30 people are all stored, numbered without gap
// or repeat, in fewer writes than messages.
func TestBusyRoomStoresInBatches(t *testing.T) {
	fx := newRoomFixture(t, "批量保存")
	store := &countingStore{DB: fx.db}
	hub := realtime.NewHub(store, fx.matcher, fx.notifier, realtime.NewLocalBroker(), fx.log)
	t.Cleanup(hub.Close)
	const people, each = 30, 5
	for i := 0; i < people; i++ {
		fx.peers[fmt.Sprint("p", i)] = realtime.Peer{UserID: mongo.NewID(), Name: fmt.Sprint("观众", i), Role: domain.RoleFounder}
	}
	addr := serveHub(t, hub, fx.peers)
	var (
		mu   sync.Mutex
		seqs []int64
		wg   sync.WaitGroup
	)
	conns := make([]*msgConn, people)
	for i := range conns {
		c := dial(t, addr, fx.rs.ID, fmt.Sprint("p", i), "")
		read(t, c, "welcome")
		conns[i] = &msgConn{c}
	}
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				_ = c.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": fmt.Sprint(i, "-", j)}, "ref": fmt.Sprint(j)})
			}
		}()
	}
	wg.Wait()
	for _, c := range conns {
		for j := 0; j < each; j++ {
			a := read(t, c.Conn, "ack", "error")
			if a.Type != "ack" {
				t.Fatalf("refused: %s", a.Data)
			}
			mu.Lock()
			seqs = append(seqs, a.Seq)
			mu.Unlock()
		}
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("acked seqs %v: a gap or a repeat at %d", seqs, i)
		}
	}
	stored, err := fx.db.RoomEvents(context.Background(), fx.rs.ID)
	if err != nil || len(stored) != people*each {
		t.Fatalf("%d events stored, want %d (%v)", len(stored), people*each, err)
	}
	if w := store.writes.Load(); w >= people*each {
		t.Fatalf("%d writes for %d messages sent together", w, people*each)
	}
	t.Logf("%d messages in %d writes", people*each, store.writes.Load())
}

type msgConn struct{ *websocket.Conn }
