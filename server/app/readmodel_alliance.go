package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// AllianceStore stores the alliance's events, registrations, contest
// entries, score sheets and calendar tokens (server/mongo/alliance.go).
type AllianceStore interface {
	CreateEvent(ctx context.Context, e *domain.Event) error
	UpdateEvent(ctx context.Context, e *domain.Event, prev int) error
	EachEvent(ctx context.Context, fn func(domain.Event) error) error
	PutEventRegistration(ctx context.Context, r domain.EventRegistration) error
	DeleteEventRegistration(ctx context.Context, id string) error
	EachEventRegistration(ctx context.Context, fn func(domain.EventRegistration) error) error
	PutContestEntry(ctx context.Context, e domain.ContestEntry) error
	DeleteContestEntry(ctx context.Context, id string) error
	EachContestEntry(ctx context.Context, fn func(domain.ContestEntry) error) error
	PutScoreSheet(ctx context.Context, s *domain.ScoreSheet) error
	EachScoreSheet(ctx context.Context, fn func(domain.ScoreSheet) error) error
	PutCalendarFeed(ctx context.Context, f domain.CalendarFeed) error
	EachCalendarFeed(ctx context.Context, fn func(domain.CalendarFeed) error) error
}

// allianceRecords are the ServiceBook's alliance events and what hangs on
// them, guarded by the book's mu. Readers get copies.
type allianceRecords struct {
	events  map[string]*domain.Event
	regs    map[string]map[string]time.Time           // event → user → registered at
	entries map[string]map[string]domain.ContestEntry // event → startup → entry
	sheets  map[string]map[string]*domain.ScoreSheet  // event → sheet id → sheet
	feeds   map[string]string                         // token → user
	feedOf  map[string]string                         // user → token
	// The published contests' winners are ServiceBook.awards.
}

func newAllianceRecords() allianceRecords {
	return allianceRecords{events: map[string]*domain.Event{}, regs: map[string]map[string]time.Time{},
		entries: map[string]map[string]domain.ContestEntry{}, sheets: map[string]map[string]*domain.ScoreSheet{},
		feeds: map[string]string{}, feedOf: map[string]string{}}
}

// loadAlliance reads the alliance's records; callers hold mu.
func (b *ServiceBook) loadAlliance(ctx context.Context) error {
	a := &b.alliance
	if err := b.db.EachEvent(ctx, func(e domain.Event) error { b.putEvent(&e); return nil }); err != nil {
		return fmt.Errorf("service book: load events: %w", err)
	}
	if err := b.db.EachEventRegistration(ctx, func(r domain.EventRegistration) error { a.putReg(r); return nil }); err != nil {
		return fmt.Errorf("service book: load event registrations: %w", err)
	}
	if err := b.db.EachContestEntry(ctx, func(e domain.ContestEntry) error { a.putEntry(e); return nil }); err != nil {
		return fmt.Errorf("service book: load contest entries: %w", err)
	}
	if err := b.db.EachScoreSheet(ctx, func(s domain.ScoreSheet) error { a.putSheet(&s); return nil }); err != nil {
		return fmt.Errorf("service book: load score sheets: %w", err)
	}
	if err := b.db.EachCalendarFeed(ctx, func(f domain.CalendarFeed) error { a.putFeed(f); return nil }); err != nil {
		return fmt.Errorf("service book: load calendar feeds: %w", err)
	}
	return nil
}

func cloneEvent(e *domain.Event) *domain.Event {
	cp := *e
	if e.Contest != nil {
		c := *e.Contest
		c.Criteria, c.Judges, c.Results = slices.Clone(c.Criteria), slices.Clone(c.Judges), slices.Clone(c.Results)
		if c.PublishedAt != nil {
			t := *c.PublishedAt
			c.PublishedAt = &t
		}
		cp.Contest = &c
	}
	return &cp
}

// putEvent holds e; callers hold mu.
func (b *ServiceBook) putEvent(e *domain.Event) {
	cp := cloneEvent(e)
	cp.StartsAt, cp.EndsAt, cp.CreatedAt, cp.UpdatedAt = ms(cp.StartsAt), ms(cp.EndsAt), ms(cp.CreatedAt), ms(cp.UpdatedAt)
	if cur := b.alliance.events[cp.ID]; cur != nil && cur.Version > cp.Version {
		return
	}
	b.alliance.events[cp.ID] = cp
	if cp.Contest != nil && cp.Contest.Stage == domain.ContestPublished {
		b.awards.Store(b.alliance.indexAwards())
	}
}

// indexAwards makes the winners' reasons from the published contests.
func (a *allianceRecords) indexAwards() *map[string][]domain.Reason {
	awards := map[string][]domain.Reason{}
	for _, e := range a.events {
		if e.Contest == nil || e.Contest.Stage != domain.ContestPublished || e.Status == domain.EventCancelled {
			continue
		}
		for _, p := range e.Contest.Results {
			if p.Winner {
				awards[p.StartupID] = append(awards[p.StartupID], domain.Reason{Code: "contest_winner", OK: true, Contest: e.Title, Place: p.Rank}.Encoded())
			}
		}
	}
	return &awards
}

func (a *allianceRecords) putReg(r domain.EventRegistration) {
	if a.regs[r.EventID] == nil {
		a.regs[r.EventID] = map[string]time.Time{}
	}
	a.regs[r.EventID][r.UserID] = ms(r.At)
}

func (a *allianceRecords) putEntry(e domain.ContestEntry) {
	if a.entries[e.EventID] == nil {
		a.entries[e.EventID] = map[string]domain.ContestEntry{}
	}
	e.At = ms(e.At)
	a.entries[e.EventID][e.StartupID] = e
}

func (a *allianceRecords) putSheet(s *domain.ScoreSheet) {
	if a.sheets[s.EventID] == nil {
		a.sheets[s.EventID] = map[string]*domain.ScoreSheet{}
	}
	cp := *s
	cp.Scores, cp.At = slices.Clone(s.Scores), ms(s.At)
	a.sheets[s.EventID][s.ID] = &cp
}

func (a *allianceRecords) putFeed(f domain.CalendarFeed) {
	if old := a.feedOf[f.UserID]; old != "" {
		delete(a.feeds, old)
	}
	a.feeds[f.Token], a.feedOf[f.UserID] = f.UserID, f.Token
}

// with runs fn on the records under the write lock, after a store.
func (b *ServiceBook) withAlliance(fn func(a *allianceRecords)) {
	b.mu.Lock()
	fn(&b.alliance)
	b.mu.Unlock()
}

func (b *ServiceBook) storedEvent(e *domain.Event) {
	b.mu.Lock()
	b.putEvent(e)
	b.mu.Unlock()
}

func (b *ServiceBook) event(id string) (*domain.Event, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	e := b.alliance.events[id]
	if e == nil {
		return nil, domain.ErrNotFound
	}
	return cloneEvent(e), nil
}

func (b *ServiceBook) eventList() []*domain.Event {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*domain.Event, 0, len(b.alliance.events))
	for _, e := range b.alliance.events {
		out = append(out, cloneEvent(e))
	}
	return out
}

// registrations returns how many registered for event id and whether user did.
func (b *ServiceBook) registrations(id, user string) (int, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	_, mine := b.alliance.regs[id][user]
	return len(b.alliance.regs[id]), user != "" && mine
}

func (b *ServiceBook) registeredUsers(id string) []string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]string, 0, len(b.alliance.regs[id]))
	for u := range b.alliance.regs[id] {
		out = append(out, u)
	}
	return out
}

// eventsOf are the ids of the events user registered for.
func (b *ServiceBook) eventsOf(user string) map[string]bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := map[string]bool{}
	for id, users := range b.alliance.regs {
		if _, ok := users[user]; ok {
			out[id] = true
		}
	}
	return out
}

func (b *ServiceBook) contestEntries(id string) []domain.ContestEntry {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]domain.ContestEntry, 0, len(b.alliance.entries[id]))
	for _, e := range b.alliance.entries[id] {
		out = append(out, e)
	}
	// Entries in the order they came; two in the same millisecond (times
	// are kept to the millisecond) by startup id, so that the order does
	// not follow the map's.
	slices.SortFunc(out, func(x, y domain.ContestEntry) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(x.StartupID, y.StartupID)
	})
	return out
}

func (b *ServiceBook) contestSheets(id string) []domain.ScoreSheet {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]domain.ScoreSheet, 0, len(b.alliance.sheets[id]))
	for _, s := range b.alliance.sheets[id] {
		cp := *s
		cp.Scores = slices.Clone(s.Scores)
		out = append(out, cp)
	}
	return out
}

func (b *ServiceBook) feedUser(token string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.alliance.feeds[token]
}

func (b *ServiceBook) feedToken(user string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.alliance.feedOf[user]
}

// Awards are the reasons a startup's contest wins give (contest_winner),
// for its page and the deal flow; nil when it won nothing.
func (b *ServiceBook) Awards(startupID string) []domain.Reason {
	if m := b.awards.Load(); m != nil {
		return (*m)[startupID]
	}
	return nil
}
