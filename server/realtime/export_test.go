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
