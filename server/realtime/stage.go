package realtime

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// OnStage returns what roadshow id's room shows now, or nil before its
// first slot and after its end, loading the room if it is not in memory.
// Deck reads in a room ask it (app.Stages), so a deck is shown only as it
// is presented.
func (h *Hub) OnStage(ctx context.Context, id string) (*domain.Stage, error) {
	r, release, err := h.room(ctx, id)
	if err != nil {
		return nil, err
	}
	defer release()
	return r.shown.Load(), nil
}
