package app

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// PublishedSource streams the published startups, to fill a Catalog.
type PublishedSource interface {
	EachPublishedStartup(ctx context.Context, fn func(domain.Startup) error) error
}

// Catalog keeps every published startup in memory and lists them as the
// store does (newest update first, then by id), for the public lists and a
// space's residents: on the embedded database a filtered list decodes the
// whole table (139 ms a page at 1,000 startups). It hears of every change
// as a StartupObserver, after the database has it. It is safe for
// concurrent use.
type Catalog struct {
	mu   sync.RWMutex
	byID map[string]*domain.Startup
}

// NewCatalog returns an empty Catalog; Load fills it.
func NewCatalog() *Catalog { return &Catalog{byID: map[string]*domain.Startup{}} }

// Load reads every published startup from src.
func (c *Catalog) Load(ctx context.Context, src PublishedSource) error {
	byID := map[string]*domain.Startup{}
	err := src.EachPublishedStartup(ctx, func(s domain.Startup) error {
		byID[s.ID] = &s
		return nil
	})
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.byID = byID
	c.mu.Unlock()
	return nil
}

// EachPublishedStartup calls fn with a copy of every published startup in
// memory, so that a Catalog loaded first can feed the matcher at start.
func (c *Catalog) EachPublishedStartup(_ context.Context, fn func(domain.Startup) error) error {
	c.mu.RLock()
	all := make([]domain.Startup, 0, len(c.byID))
	for _, s := range c.byID {
		all = append(all, *s)
	}
	c.mu.RUnlock()
	for _, s := range all {
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
}

// StartupChanged keeps a published startup's latest version and forgets
// one that is no longer published.
func (c *Catalog) StartupChanged(s *domain.Startup) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.Status != domain.StatusPublished {
		delete(c.byID, s.ID)
		return
	}
	cp := *s
	// As the database gives times back (UTC, milliseconds), so that a list
	// reads the same from memory as after a restart.
	ms := func(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
	cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
	if cp.PublishedAt != nil {
		t := ms(*cp.PublishedAt)
		cp.PublishedAt = &t
	}
	if cp.IncubatedSince != nil {
		t := ms(*cp.IncubatedSince)
		cp.IncubatedSince = &t
	}
	c.byID[s.ID] = &cp
}

// StartupRemoved forgets a deleted startup.
func (c *Catalog) StartupRemoved(id string) {
	c.mu.Lock()
	delete(c.byID, id)
	c.mu.Unlock()
}

// ListStartups lists the published startups matching f, a page at a time.
// It knows only published startups: f.Status must be empty or published.
func (c *Catalog) ListStartups(_ context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error) {
	if f.Status != "" && f.Status != domain.StatusPublished {
		return []domain.Startup{}, 0, nil
	}
	eq := func(want, have string) bool { return want == "" || want == have }
	c.mu.RLock()
	matched := make([]*domain.Startup, 0, 64)
	for _, s := range c.byID {
		if eq(f.Sector, s.Sector) && eq(f.Stage, s.Stage) && eq(f.District, s.District) && eq(f.SpaceID, s.SpaceID) && eq(f.OwnerID, s.OwnerID) {
			matched = append(matched, s)
		}
	}
	c.mu.RUnlock()
	sort.Slice(matched, func(i, j int) bool {
		a, b := matched[i], matched[j]
		if !a.UpdatedAt.Equal(b.UpdatedAt) {
			return a.UpdatedAt.After(b.UpdatedAt)
		}
		return a.ID < b.ID
	})
	out := []domain.Startup{}
	for i := p.Skip(); i < len(matched) && len(out) < p.PageSize; i++ {
		out = append(out, *matched[i]) // copies: callers may strip the private part
	}
	return out, len(matched), nil
}
