package realtime

import "time"

// SetIdleUnload shortens how long an empty room stays loaded, for tests.
func SetIdleUnload(h *Hub, d time.Duration) { h.idle = d }

// Loaded reports whether roadshow id's room is in memory.
func Loaded(h *Hub, id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rooms[id] != nil
}

// Connections counts the connections in the live stream of roadshow id's
// room (0 if it is not loaded).
func Connections(h *Hub, id string) int {
	h.mu.Lock()
	e := h.rooms[id]
	h.mu.Unlock()
	if e == nil || e.r == nil {
		return 0
	}
	e.r.fan.mu.RLock()
	defer e.r.fan.mu.RUnlock()
	return len(e.r.fan.clients)
}

// Broadcast sends frame to everyone in roadshow id's room, as the room
// does with what it stores.
func Broadcast(h *Hub, id string, frame []byte) {
	h.broker.Publish(id, Delivery{To: Audience{All: true}, Frame: frame})
}

// Owns reports whether h owns roadshow id's room among several instances.
func Owns(h *Hub, id string) bool {
	h.mu.Lock()
	e := h.rooms[id]
	h.mu.Unlock()
	return e != nil && e.r != nil && e.r.cl.owning.Load()
}
