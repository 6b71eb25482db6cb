package app

import (
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// The ServiceBook's mentors and bookings (readmodel_services.go holds the
// book itself). Readers get copies; records held are replaced, never
// changed in place.

func cloneMentor(m *domain.Mentor) *domain.Mentor {
	cp := *m
	cp.Sectors, cp.Stages, cp.SpaceIDs, cp.OfficeHours = slices.Clone(m.Sectors), slices.Clone(m.Stages), slices.Clone(m.SpaceIDs), slices.Clone(m.OfficeHours)
	return &cp
}

func cloneBooking(b *domain.Booking) *domain.Booking {
	cp := *b
	if b.FounderRecord != nil {
		r := *b.FounderRecord
		cp.FounderRecord = &r
	}
	if b.MentorRecord != nil {
		r := *b.MentorRecord
		cp.MentorRecord = &r
	}
	return &cp
}

// putMentor and putBooking hold a record; callers hold mu.
func (b *ServiceBook) putMentor(m *domain.Mentor) {
	cp := cloneMentor(m)
	cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
	for i := range cp.OfficeHours {
		cp.OfficeHours[i].StartsAt = ms(cp.OfficeHours[i].StartsAt)
	}
	if cur := b.mentors[cp.ID]; cur != nil && cur.Version > cp.Version {
		return
	}
	b.mentors[cp.ID] = cp
	b.ownerMentor[cp.OwnerID] = cp.ID
}

func (b *ServiceBook) putBooking(bk *domain.Booking) {
	cp := cloneBooking(bk)
	cp.CreatedAt, cp.UpdatedAt, cp.StartsAt = ms(cp.CreatedAt), ms(cp.UpdatedAt), ms(cp.StartsAt)
	if cur := b.bookings[cp.ID]; cur != nil && cur.Version > cp.Version {
		return
	}
	b.bookings[cp.ID] = cp
}

func (b *ServiceBook) storedMentor(m *domain.Mentor) {
	b.mu.Lock()
	b.putMentor(m)
	b.mu.Unlock()
}

// storedBooking applies a stored booking; a held session changes the
// figures, so the change count moves.
func (b *ServiceBook) storedBooking(bk *domain.Booking) {
	b.mu.Lock()
	b.putBooking(bk)
	b.mu.Unlock()
	b.rm.touch()
}

func (b *ServiceBook) mentor(id string) (*domain.Mentor, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	m := b.mentors[id]
	if m == nil {
		return nil, domain.ErrNotFound
	}
	return cloneMentor(m), nil
}

func (b *ServiceBook) mentorOf(owner string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.ownerMentor[owner]
}

func (b *ServiceBook) mentorList() []*domain.Mentor {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*domain.Mentor, 0, len(b.mentors))
	for _, m := range b.mentors {
		out = append(out, cloneMentor(m))
	}
	return out
}

func (b *ServiceBook) booking(id string) (*domain.Booking, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	bk := b.bookings[id]
	if bk == nil {
		return nil, domain.ErrNotFound
	}
	return cloneBooking(bk), nil
}

// bookedSlots are the slots of mentor id that an active booking holds.
func (b *ServiceBook) bookedSlots(id string) map[string]bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := map[string]bool{}
	for _, bk := range b.bookings {
		if bk.MentorID == id && bk.Active() {
			out[bk.SlotID] = true
		}
	}
	return out
}

// bookingsOf are the bookings user is a side of.
func (b *ServiceBook) bookingsOf(user string) []*domain.Booking {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []*domain.Booking
	for _, bk := range b.bookings {
		if bk.FounderID == user || bk.MentorOwnerID == user {
			out = append(out, cloneBooking(bk))
		}
	}
	return out
}

// heldIn are the sessions held at space since then.
func (b *ServiceBook) heldIn(space string, since time.Time) []*domain.Booking {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []*domain.Booking
	for _, bk := range b.bookings {
		if bk.SpaceID == space && bk.Status == domain.BookingHeld && !bk.StartsAt.Before(since) {
			out = append(out, cloneBooking(bk))
		}
	}
	return out
}
