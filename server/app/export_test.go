package app

import "time"

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
