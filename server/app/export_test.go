package app

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// ApplyChange lets tests put records into a read model without writing
// them to a database first (as the dispatcher does after reading them).
func ApplyChange(rm *ReadModel, ch Change) { rm.apply(ch) }

// SetClock sets the dispatcher's clock, so that tests can age its marks.
func (d *Dispatcher) SetClock(now func() time.Time) { d.now = now }

// SetClock sets the password resets' clock, so that tests can age links.
func (r *PasswordResets) SetClock(now func() time.Time) { r.now = now }

// ForgetRooms empties the read model's ended rooms held in memory, so that
// the next read of each is its first since start.
func (rm *ReadModel) ForgetRooms() { rm.rooms = newRoomCache(roomCacheBytes) }

// NamesOneByOne and NamesAtOnce name people as the record's authors are
// named: each looked up alone, and all at once (names.lookUpAll).
func NamesOneByOne(ctx context.Context, people People, authors []roadshow.Author) []string {
	who, out := newNames(ctx, people), make([]string, len(authors))
	for i, a := range authors {
		out[i] = who.lookUp(a.UserID, a.Name)
	}
	return out
}

func NamesAtOnce(ctx context.Context, people People, authors []roadshow.Author) []string {
	return newNames(ctx, people).lookUpAll(authors)
}

// HoldRooms empties the read model's ended rooms held in memory and bounds
// them to max bytes (as RoomFold.size counts them).
func (rm *ReadModel) HoldRooms(max int) { rm.rooms = newRoomCache(max) }

// HeldRooms says how many ended rooms' folds are held, and their bytes as
// counted.
func (rm *ReadModel) HeldRooms() (rooms, bytes int) {
	c := rm.rooms
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byShow), c.size
}
