package app

import (
	"context"
	"slices"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// The reads below answer from memory what the database would: the same
// filters, the same order (newest update first, then by id), copies that
// the caller may change. On the embedded database each of them would
// otherwise decode a whole collection (docs/STORAGE.md).

// StartupByID returns a copy of the startup with id.
func (rm *ReadModel) StartupByID(_ context.Context, id string) (*domain.Startup, error) {
	rm.mu.RLock()
	s := rm.startups[id]
	rm.mu.RUnlock()
	if s == nil {
		return nil, domain.ErrNotFound
	}
	return cloneStartup(s), nil
}

// StartupsByIDs returns copies of the startups with ids that exist.
func (rm *ReadModel) StartupsByIDs(_ context.Context, ids []string) ([]domain.Startup, error) {
	out := make([]domain.Startup, 0, len(ids))
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	for _, id := range ids {
		if s := rm.startups[id]; s != nil {
			out = append(out, *cloneStartup(s))
		}
	}
	return out, nil
}

func (f startupMatch) of(s *domain.Startup) bool {
	eq := func(want, have string) bool { return want == "" || want == have }
	return eq(f.Sector, s.Sector) && eq(f.Stage, s.Stage) && eq(f.District, s.District) && eq(f.SpaceID, s.SpaceID) &&
		eq(f.OwnerID, s.OwnerID) && eq(f.Status, s.Status) && eq(f.Residency, s.Residency)
}

type startupMatch domain.StartupFilter

// ListStartups returns one page of the startups matching f. It walks only
// the smallest facet f names (readmodel_order.go), and not even that when
// the facet is the answer.
func (rm *ReadModel) ListStartups(_ context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error) {
	rm.mu.RLock()
	list, exact := rm.startupsFor(f)
	page, total := window(list, exact, startupMatch(f).of, p.Skip(), p.PageSize)
	rm.mu.RUnlock()
	out := make([]domain.Startup, 0, len(page))
	for _, s := range page {
		out = append(out, *cloneStartup(s))
	}
	return out, total, nil
}

// CountStartups counts the startups matching f, as ListStartups does.
func (rm *ReadModel) CountStartups(_ context.Context, f domain.StartupFilter) (int, error) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	list, exact := rm.startupsFor(f)
	_, total := window(list, exact, startupMatch(f).of, 0, 0)
	return total, nil
}

// InvestorByID returns a copy of the investor profile with id.
func (rm *ReadModel) InvestorByID(_ context.Context, id string) (*domain.Investor, error) {
	rm.mu.RLock()
	inv := rm.investors[id]
	rm.mu.RUnlock()
	if inv == nil {
		return nil, domain.ErrNotFound
	}
	return cloneInvestor(inv), nil
}

// InvestorByOwner returns a copy of userID's investor profile.
func (rm *ReadModel) InvestorByOwner(_ context.Context, userID string) (*domain.Investor, error) {
	rm.mu.RLock()
	inv := rm.investors[rm.ownerInv[userID]]
	rm.mu.RUnlock()
	if inv == nil {
		return nil, domain.ErrNotFound
	}
	return cloneInvestor(inv), nil
}

// ListInvestors returns one page of the investors matching f; sector, stage
// and district match when the investor's list contains the value.
func (rm *ReadModel) ListInvestors(_ context.Context, f domain.InvestorFilter, p domain.Page) ([]domain.Investor, int, error) {
	has := func(list []string, v string) bool { return v == "" || slices.Contains(list, v) }
	match := func(inv *domain.Investor) bool {
		return has(inv.Sectors, f.Sector) && has(inv.Stages, f.Stage) && has(inv.Districts, f.District) &&
			(f.Kind == "" || f.Kind == inv.Kind) && (f.OwnerID == "" || f.OwnerID == inv.OwnerID) &&
			(f.Verified == nil || *f.Verified == inv.Verified)
	}
	rm.mu.RLock()
	list, exact := rm.investorsFor(f)
	page, total := window(list, exact, match, p.Skip(), p.PageSize)
	rm.mu.RUnlock()
	out := make([]domain.Investor, 0, len(page))
	for _, inv := range page {
		out = append(out, *cloneInvestor(inv))
	}
	return out, total, nil
}

// SpaceByID returns a copy of the space with id.
func (rm *ReadModel) SpaceByID(_ context.Context, id string) (*domain.Space, error) {
	rm.mu.RLock()
	sp := rm.spaces[id]
	rm.mu.RUnlock()
	if sp == nil {
		return nil, domain.ErrNotFound
	}
	return cloneSpace(sp), nil
}

// ListSpaces returns one page of the spaces matching f.
func (rm *ReadModel) ListSpaces(_ context.Context, f domain.SpaceFilter, p domain.Page) ([]domain.Space, int, error) {
	eq := func(want, have string) bool { return want == "" || want == have }
	match := func(sp *domain.Space) bool {
		return eq(f.Level, sp.Level) && eq(f.Model, sp.Model) && eq(f.District, sp.District) && eq(f.OwnerID, sp.OwnerID)
	}
	rm.mu.RLock()
	list, exact := rm.spacesFor(f)
	page, total := window(list, exact, match, p.Skip(), p.PageSize)
	rm.mu.RUnlock()
	out := make([]domain.Space, 0, len(page))
	for _, sp := range page {
		out = append(out, *cloneSpace(sp))
	}
	return out, total, nil
}

// FeedbackOn returns every investor's word on one startup.
func (rm *ReadModel) FeedbackOn(_ context.Context, startupID string) ([]domain.Feedback, error) {
	out := []domain.Feedback{}
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	for _, byStartup := range rm.feedback {
		if f := byStartup[startupID]; f != nil {
			out = append(out, *f)
		}
	}
	return out, nil
}

// feedbackOf returns a copy of one investor's words, startup id → action
// (nil for none).
func (rm *ReadModel) feedbackOf(investorUserID string) map[string]string {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	if len(rm.feedback[investorUserID]) == 0 {
		return nil
	}
	out := make(map[string]string, len(rm.feedback[investorUserID]))
	for id, f := range rm.feedback[investorUserID] {
		out[id] = f.Action
	}
	return out
}

// investorList returns the investor profiles held now. They must not be
// changed: the model replaces, never edits, a record.
func (rm *ReadModel) investorList() []*domain.Investor {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	out := make([]*domain.Investor, 0, len(rm.investors))
	for _, inv := range rm.investors {
		out = append(out, inv)
	}
	return out
}

// madeCard is a published startup's card, not to be changed, its JSON, its
// ask as JSON and the places of its codes in the taxonomy (for its
// reasons).
type madeCard struct {
	card   *domain.StartupCard
	json   []byte
	ask    []byte
	places places
	public []byte // the whole startup as public lists show it (publicJSON)
}

// publishedCards appends to dst the card of each ranked startup, in
// order, under one read lock; a startup no longer published gets an empty
// madeCard.
func (rm *ReadModel) publishedCards(dst []madeCard, ranked []matching.Result) []madeCard {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	for _, r := range ranked {
		dst = append(dst, rm.cards[r.ID]) // only published startups have one
	}
	return dst
}

// investorOfOwner returns the investor profile of the user, not to be
// changed, or nil.
func (rm *ReadModel) investorOfOwner(userID string) *domain.Investor {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	return rm.investors[rm.ownerInv[userID]]
}

// published returns the published startup with id, not to be changed, or nil.
func (rm *ReadModel) published(id string) *domain.Startup {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	if s := rm.startups[id]; s != nil && s.Status == domain.StatusPublished {
		return s
	}
	return nil
}

// Index returns the matching index of the published startups.
func (rm *ReadModel) Index() *matching.Index { return rm.idx }

// The Each methods feed the figures and the search index's rebuild from
// memory. fn gets a shallow copy and must not change its lists.

// EachStartup calls fn for every startup, drafts included.
func (rm *ReadModel) EachStartup(_ context.Context, fn func(domain.Startup) error) error {
	return eachOf(rm, rm.startups, fn)
}

// EachPublishedStartup calls fn for every published startup.
func (rm *ReadModel) EachPublishedStartup(ctx context.Context, fn func(domain.Startup) error) error {
	return rm.EachStartup(ctx, func(s domain.Startup) error {
		if s.Status != domain.StatusPublished {
			return nil
		}
		return fn(s)
	})
}

// EachInvestor calls fn for every investor profile.
func (rm *ReadModel) EachInvestor(_ context.Context, fn func(domain.Investor) error) error {
	return eachOf(rm, rm.investors, fn)
}

// EachSpace calls fn for every maker space.
func (rm *ReadModel) EachSpace(_ context.Context, fn func(domain.Space) error) error {
	return eachOf(rm, rm.spaces, fn)
}

// EachRoadshow calls fn for every roadshow.
func (rm *ReadModel) EachRoadshow(_ context.Context, fn func(domain.Roadshow) error) error {
	return eachOf(rm, rm.roadshows, fn)
}

// EachIntro calls fn for every intro.
func (rm *ReadModel) EachIntro(_ context.Context, fn func(domain.Intro) error) error {
	return eachOf(rm, rm.intros, fn)
}

// EachPipelineItem calls fn for every pipeline entry.
func (rm *ReadModel) EachPipelineItem(_ context.Context, fn func(domain.PipelineItem) error) error {
	return eachOf(rm, rm.pipeline, fn)
}

// EachAttendance calls fn for every attendance record.
func (rm *ReadModel) EachAttendance(_ context.Context, fn func(domain.Attendance) error) error {
	return eachOf(rm, rm.attendance, fn)
}

// EachFeedback calls fn for every investor's every word.
func (rm *ReadModel) EachFeedback(_ context.Context, fn func(domain.Feedback) error) error {
	rm.mu.RLock()
	all := make([]*domain.Feedback, 0, len(rm.feedback)*4)
	for _, byStartup := range rm.feedback {
		for _, f := range byStartup {
			all = append(all, f)
		}
	}
	rm.mu.RUnlock()
	for _, f := range all {
		if err := fn(*f); err != nil {
			return err
		}
	}
	return nil
}

// eachOf calls fn with a copy of every record of m, outside the lock.
func eachOf[T any](rm *ReadModel, m map[string]*T, fn func(T) error) error {
	rm.mu.RLock()
	all := make([]*T, 0, len(m))
	for _, v := range m {
		all = append(all, v)
	}
	rm.mu.RUnlock()
	for _, v := range all {
		if err := fn(*v); err != nil {
			return err
		}
	}
	return nil
}

func pageOf[T any](xs []*T, p domain.Page) []*T {
	if p.Skip() >= len(xs) {
		return nil
	}
	return xs[p.Skip():min(len(xs), p.Skip()+p.PageSize)]
}

// UserName returns an account's display name: from the database's book of
// names when it keeps one (the embedded engine: mongo.DB.UserName, no read
// per person), else from the account.
func (rm *ReadModel) UserName(ctx context.Context, id string) (string, error) {
	if dn, ok := rm.Database.(displayNames); ok {
		return dn.UserName(ctx, id)
	}
	u, err := rm.Database.UserByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Name, nil
}

// cloneStartup copies s deeply enough that neither copy can change the other.
func cloneStartup(s *domain.Startup) *domain.Startup {
	cp := *s
	cp.Team, cp.Tags, cp.Links = slices.Clone(s.Team), slices.Clone(s.Tags), slices.Clone(s.Links)
	if s.Private != nil {
		p := *s.Private
		cp.Private = &p
	}
	if s.PublishedAt != nil {
		t := *s.PublishedAt
		cp.PublishedAt = &t
	}
	if s.IncubatedSince != nil {
		t := *s.IncubatedSince
		cp.IncubatedSince = &t
	}
	return &cp
}

func cloneInvestor(inv *domain.Investor) *domain.Investor {
	cp := *inv
	cp.Sectors, cp.Stages = slices.Clone(inv.Sectors), slices.Clone(inv.Stages)
	cp.Districts, cp.SpaceIDs = slices.Clone(inv.Districts), slices.Clone(inv.SpaceIDs)
	return &cp
}

func cloneSpace(sp *domain.Space) *domain.Space {
	cp := *sp
	cp.Services, cp.Districts = slices.Clone(sp.Services), slices.Clone(sp.Districts)
	return &cp
}
