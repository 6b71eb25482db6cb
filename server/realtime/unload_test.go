package realtime_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// TestIdleRoomUnloads: a room stays in memory while anyone is in it, leaves
// memory once it has been empty for the idle time, and loads again as it
// was, with its stage and every stored event.
func TestIdleRoomUnloads(t *testing.T) {
	fx := newRoomFixture(t, "卸载测试")
	ctx := context.Background()
	rs := fx.rs
	hub := fx.hub()
	t.Cleanup(hub.Close)
	const idle = 200 * time.Millisecond
	realtime.SetIdleUnload(hub, idle)
	addr := serveHub(t, hub, fx.peers)
	if err := hub.Command(ctx, rs.ID, fx.hostActor(), roadshow.Start{}); err != nil {
		t.Fatal(err)
	}
	v := dial(t, addr, rs.ID, "viewer", "")
	read(t, v, "welcome")
	if err := v.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": "还在吗"}, "ref": "c"}); err != nil {
		t.Fatal(err)
	}
	read(t, v, "ack")
	time.Sleep(2*time.Second + idle) // two checks pass with someone in the room
	if !realtime.Loaded(hub, rs.ID) {
		t.Fatal("the room was unloaded with a viewer in it")
	}
	v.Close()
	deadline := time.Now().Add(5 * time.Second)
	for realtime.Loaded(hub, rs.ID) {
		if time.Now().After(deadline) {
			t.Fatal("an empty room stayed in memory")
		}
		time.Sleep(50 * time.Millisecond)
	}
	again := dial(t, addr, rs.ID, "viewer", "&since=0")
	if w := read(t, again, "welcome"); !strings.Contains(string(w.Data), `"startupName":"甲"`) {
		t.Fatalf("reloaded room lost its stage: %s", w.Data)
	}
	if m := read(t, again, "chat"); !strings.Contains(string(m.Data), "还在吗") {
		t.Fatalf("reloaded room replayed %s", m.Data)
	}
	if !realtime.Loaded(hub, rs.ID) {
		t.Fatal("the room did not load again")
	}
}
