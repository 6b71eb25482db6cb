package realtime

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// attend notes that someone is in a room; flushAttendance writes it.
func (h *Hub) attend(a domain.Attendance) {
	now := time.Now().UTC()
	h.attMu.Lock()
	defer h.attMu.Unlock()
	key := a.RoadshowID + ":" + a.UserID
	if old, ok := h.pending[key]; ok {
		a.FirstSeen = old.FirstSeen
	} else {
		a.FirstSeen = now
	}
	a.LastSeen = now
	h.pending[key] = a
}

func (h *Hub) flushAttendance() {
	defer h.wg.Done()
	t := time.NewTicker(attendanceFlush)
	defer t.Stop()
	seen := map[string]time.Time{} // first sighting per user, kept across flushes
	write := func() {
		h.attMu.Lock()
		batch := h.pending
		h.pending = map[string]domain.Attendance{}
		h.attMu.Unlock()
		for key, a := range batch {
			if first, ok := seen[key]; ok {
				a.FirstSeen = first
			} else {
				seen[key] = a.FirstSeen
			}
			ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
			if err := h.store.SaveAttendance(ctx, a); err != nil {
				h.log.Warn("save attendance", "err", err)
			}
			cancel()
		}
	}
	for {
		select {
		case <-t.C:
			write()
		case <-h.done:
			write()
			return
		}
	}
}
