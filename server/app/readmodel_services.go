package app

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ServiceStore stores the plan's other services: the support ledger (and,
// as they come, mentors, providers and the alliance's events).
type ServiceStore interface {
	LedgerStore
	MentorStore
	ProviderStore
	AllianceStore
}

// ServiceBook is the in-memory copy of the plan's other services, beside
// the ReadModel and kept the same way: loaded at start in one scan per
// collection, then every write goes through it to the database and is
// applied here once stored. The public ledger and its totals are answered
// from here; the database is read by _id only. A change also moves the
// ReadModel's change count, so that views over both (the program's
// figures) are computed again. It is safe for concurrent use.
type ServiceBook struct {
	db ServiceStore
	rm *ReadModel

	mu       sync.RWMutex
	payments map[string]*domain.Payment
	// correctedBy maps a corrected entry to the entry that corrects it.
	correctedBy   map[string]string
	mentors       map[string]*domain.Mentor
	ownerMentor   map[string]string // owner user id → mentor id
	bookings      map[string]*domain.Booking
	providers     map[string]*domain.Provider
	ownerProvider map[string]string // owner user id → provider id
	requests      map[string]*domain.ServiceRequest
	alliance      allianceRecords // readmodel_alliance.go
	// awards are the published contests' winners by startup, made from
	// the events' results whenever a contest is stored (nil: none).
	// Awards reads them without mu, since a deal-flow page asks for each
	// of its items: a map once made is replaced, never changed, and this
	// field is never overwritten whole (reset stores nil in it).
	awards atomic.Pointer[map[string][]domain.Reason]
}

// NewServiceBook returns an empty book over db; Load fills it. rm gives
// the recipients' names and the change count.
func NewServiceBook(db ServiceStore, rm *ReadModel) *ServiceBook {
	b := &ServiceBook{db: db, rm: rm}
	b.reset()
	return b
}

func (b *ServiceBook) reset() {
	b.payments, b.correctedBy = map[string]*domain.Payment{}, map[string]string{}
	b.mentors, b.ownerMentor, b.bookings = map[string]*domain.Mentor{}, map[string]string{}, map[string]*domain.Booking{}
	b.providers, b.ownerProvider, b.requests = map[string]*domain.Provider{}, map[string]string{}, map[string]*domain.ServiceRequest{}
	b.alliance = newAllianceRecords()
	b.awards.Store(nil)
}

// Load reads everything the book holds from the database.
func (b *ServiceBook) Load(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reset()
	if err := b.db.EachPayment(ctx, func(p domain.Payment) error { b.putPayment(&p); return nil }); err != nil {
		return fmt.Errorf("service book: load payments: %w", err)
	}
	if err := b.db.EachMentor(ctx, func(m domain.Mentor) error { b.putMentor(&m); return nil }); err != nil {
		return fmt.Errorf("service book: load mentors: %w", err)
	}
	if err := b.db.EachBooking(ctx, func(bk domain.Booking) error { b.putBooking(&bk); return nil }); err != nil {
		return fmt.Errorf("service book: load bookings: %w", err)
	}
	if err := b.db.EachProvider(ctx, func(p domain.Provider) error { b.putProvider(&p); return nil }); err != nil {
		return fmt.Errorf("service book: load providers: %w", err)
	}
	if err := b.db.EachRequest(ctx, func(r domain.ServiceRequest) error { b.putRequest(&r); return nil }); err != nil {
		return fmt.Errorf("service book: load service requests: %w", err)
	}
	return b.loadAlliance(ctx)
}

// putPayment holds p; callers hold mu.
func (b *ServiceBook) putPayment(p *domain.Payment) {
	cp := *p
	cp.RecordedAt = ms(cp.RecordedAt)
	b.payments[cp.ID] = &cp
	if cp.Corrects != "" {
		b.correctedBy[cp.Corrects] = cp.ID
	}
}

// storedPayments applies entries the database has stored.
func (b *ServiceBook) storedPayments(ps []*domain.Payment) {
	b.mu.Lock()
	for _, p := range ps {
		b.putPayment(p)
	}
	b.mu.Unlock()
	b.rm.touch()
}

// touch counts a change made beside the model's own records, so that
// views over both are computed again.
func (rm *ReadModel) touch() {
	rm.mu.Lock()
	rm.gen++
	rm.mu.Unlock()
}

// recipient is a space or startup a payment may name.
type recipient struct {
	Kind, ID, Name, District string
	Public                   bool // its page is public (a space, a published startup)
}

// recipientByID returns the space or startup id of kind.
func (rm *ReadModel) recipientByID(kind, id string) (recipient, bool) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	switch kind {
	case domain.RecipientSpace:
		if sp := rm.spaces[id]; sp != nil {
			return recipient{Kind: kind, ID: id, Name: sp.Name, District: sp.District, Public: true}, true
		}
	case domain.RecipientStartup:
		if s := rm.startups[id]; s != nil {
			return recipient{Kind: kind, ID: id, Name: s.Name, District: s.District, Public: s.Status == domain.StatusPublished}, true
		}
	}
	return recipient{}, false
}

// recipientsByName maps every space's and startup's name to those that
// bear it, for naming recipients in an imported sheet.
func (rm *ReadModel) recipientsByName() map[string][]recipient {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	out := make(map[string][]recipient, len(rm.spaces)+len(rm.startups))
	for _, sp := range rm.spaces {
		out[sp.Name] = append(out[sp.Name], recipient{Kind: domain.RecipientSpace, ID: sp.ID, Name: sp.Name, District: sp.District, Public: true})
	}
	for _, s := range rm.startups {
		out[s.Name] = append(out[s.Name], recipient{Kind: domain.RecipientStartup, ID: s.ID, Name: s.Name, District: s.District, Public: s.Status == domain.StatusPublished})
	}
	return out
}
