package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/pdf"
)

// Stages tells what a live room shows now; the realtime hub implements it.
type Stages interface {
	OnStage(ctx context.Context, roadshowID string) (*domain.Stage, error)
}

// Presented returns the part of a presenting startup's deck that roadshow
// roadshowID's room has been shown: pages 1..n while it is on stage at page
// n, to those the room admits (domain.Roadshow.RoomDeckPages). Each read
// is logged as a deck view its founder sees, one per viewer and room.
func (svc *Decks) Presented(ctx context.Context, actor domain.Actor, stages Stages, roadshowID, startupID string) ([]byte, error) {
	r, err := svc.store.RoadshowByID(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	err = r.EntryRefusal(actor.UserID, actor.Role, func() (bool, error) { return svc.store.IsRegistered(ctx, roadshowID, actor.UserID) })
	if err != nil {
		return nil, err
	}
	on, err := stages.OnStage(ctx, roadshowID)
	if err != nil {
		return nil, err
	}
	n, err := r.RoomDeckPages(startupID, on)
	if err != nil {
		return nil, err
	}
	dk, err := svc.store.DeckOf(ctx, startupID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.CodedError(domain.KindNotFound, "no_deck", "no deck uploaded yet")
	}
	if err != nil {
		return nil, err
	}
	out, err := svc.pages.first(ctx, svc.store, dk, n)
	if err != nil {
		return nil, err
	}
	if slotOwner(r, startupID) != actor.UserID {
		if err := svc.logRoomView(ctx, actor, roadshowID, startupID, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// logRoomView counts a read in the viewer's view of this deck in this
// room; signed-out guests share one.
func (svc *Decks) logRoomView(ctx context.Context, actor domain.Actor, roadshowID, startupID string, page int) error {
	v := &domain.DeckView{StartupID: startupID, ViewerID: actor.UserID, RoadshowID: roadshowID, UpToPage: page, At: svc.now().UTC()}
	if actor.UserID != "" {
		u, err := svc.store.UserByID(ctx, actor.UserID)
		if err != nil {
			return err
		}
		v.Name = u.Name
	}
	// The id has the shape of the others (24 hex digits) and is the same
	// for each read of one viewer, so reads add up in one record.
	sum := sha256.Sum256([]byte("room-view\x00" + roadshowID + "\x00" + startupID + "\x00" + actor.UserID))
	v.ID = hex.EncodeToString(sum[:12])
	return svc.store.LogRoomDeckView(ctx, v)
}

// deckPages keeps the latest cuts of decks (pages 1..n) so that a room of
// thousands turning a page cuts the deck once, not once per viewer.
type deckPages struct {
	mu   sync.Mutex
	cuts map[string][]byte // fileID:n → PDF
	keys []string          // oldest first
}

const maxDeckCuts = 64

func (c *deckPages) first(ctx context.Context, store DeckStore, dk *domain.Deck, n int) ([]byte, error) {
	key := dk.FileID + ":" + itoa(n)
	c.mu.Lock()
	out, ok := c.cuts[key]
	c.mu.Unlock()
	if ok {
		return out, nil
	}
	data, err := store.DeckFile(ctx, dk.FileID)
	if err != nil {
		return nil, err
	}
	if out, err = pdf.FirstPages(data, n); err != nil {
		// A deck stored before uploads were parsed may not open.
		return nil, domain.CodedError(domain.KindInvalid, "deck_unreadable", "the deck does not parse; its founder should upload it again")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cuts == nil {
		c.cuts = map[string][]byte{}
	}
	if _, ok := c.cuts[key]; !ok {
		c.cuts[key] = out
		c.keys = append(c.keys, key)
		if len(c.keys) > maxDeckCuts {
			delete(c.cuts, c.keys[0])
			c.keys = c.keys[1:]
		}
	}
	return out, nil
}
