package app

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// MatchStore is what matching reads and writes in the database.
type MatchStore interface {
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
	EachFeedback(ctx context.Context, fn func(domain.Feedback) error) error
	StartupsByIDs(ctx context.Context, ids []string) ([]domain.Startup, error)
	SaveFeedback(ctx context.Context, f domain.Feedback) error
	DeleteFeedback(ctx context.Context, investorID, startupID string) error
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
	FeedbackOn(ctx context.Context, startupID string) ([]domain.Feedback, error)
}

// Matcher serves the ranked deal flow and investor matches from memory:
// the published startups' features in a matching.Index, every investor's
// thesis and every investor's feedback. The database stays the record;
// Load fills memory from it at start and every change is written to the
// database first, then to memory.
//
// A Matcher is safe for concurrent use.
type Matcher struct {
	store   MatchStore
	notify  Notify
	tax     *domain.Taxonomy
	phrases *phrases
	idx     *matching.Index
	now     func() time.Time
	log     *slog.Logger

	// version moves on every change that could alter a ranking, so that
	// callers may cache rankings made at one version.
	version atomic.Uint64

	mu        sync.RWMutex
	investors map[string]*domain.Investor  // by owner user id
	feedback  map[string]map[string]string // investor user id → startup id → action
	// cards caches the list form of published startups so that a deal-flow
	// page needs no database read; misses (beyond maxCards) are fetched.
	cards map[string]*domain.StartupCard
}

// maxCards bounds the card cache (about 0.5 KB each).
const maxCards = 200_000

// NewMatcher returns an empty Matcher; call Load before serving.
func NewMatcher(store MatchStore, tax *domain.Taxonomy, notify Notify, log *slog.Logger) (*Matcher, error) {
	fams := map[string]string{}
	for _, s := range tax.Sectors {
		fams[s.Code] = s.Family
	}
	idx, err := matching.NewIndex(matching.DefaultWeights, fams)
	if err != nil {
		return nil, err
	}
	return &Matcher{store: store, notify: notify, tax: tax, phrases: newPhrases(tax), idx: idx, now: time.Now, log: log,
		investors: map[string]*domain.Investor{}, feedback: map[string]map[string]string{}, cards: map[string]*domain.StartupCard{}}, nil
}

// Load reads every published startup (from startups: the store, or a
// Catalog loaded already, which saves a second scan at start), investor and
// feedback into memory.
func (m *Matcher) Load(ctx context.Context, startups PublishedSource) error {
	start := time.Now()
	if err := startups.EachPublishedStartup(ctx, func(s domain.Startup) error { return m.upsert(&s) }); err != nil {
		return fmt.Errorf("load startups: %w", err)
	}
	if err := m.store.EachInvestor(ctx, func(inv domain.Investor) error { m.InvestorChanged(&inv); return nil }); err != nil {
		return fmt.Errorf("load investors: %w", err)
	}
	n := 0
	if err := m.store.EachFeedback(ctx, func(f domain.Feedback) error { m.remember(f.InvestorID, f.StartupID, f.Action); n++; return nil }); err != nil {
		return fmt.Errorf("load feedback: %w", err)
	}
	m.log.InfoContext(ctx, "matching index loaded", "startups", m.idx.Len(), "investors", len(m.investors), "feedback", n,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

func features(s *domain.Startup) matching.Startup {
	return matching.Startup{ID: s.ID, Sector: s.Sector, Stage: domain.StageIndex(s.Stage), AskWan: s.AskWan,
		District: s.District, SpaceID: s.SpaceID, Completeness: s.Completeness(), UpdatedAt: s.UpdatedAt}
}

func (m *Matcher) upsert(s *domain.Startup) error {
	if err := m.idx.Upsert(features(s)); err != nil {
		return err
	}
	m.cache(s.Card())
	return nil
}

// Version returns a number that changes whenever any deal flow or match
// could change: a startup, an investor or a piece of feedback.
func (m *Matcher) Version() uint64 { return m.version.Load() }

func (m *Matcher) cache(c *domain.StartupCard) {
	m.mu.Lock()
	defer m.mu.Unlock()
	// Bump only once the change is visible, so that a ranking cached under
	// the new version cannot hold the old data.
	defer m.version.Add(1)
	if _, ok := m.cards[c.ID]; !ok && len(m.cards) >= maxCards {
		for k := range m.cards { // evict an arbitrary card
			delete(m.cards, k)
			break
		}
	}
	m.cards[c.ID] = c
}

// StartupChanged brings the index in line with s after it was saved. A
// startup that is newly published, or moves to another sector or stage,
// is announced to the investors it fits (see FanOut), in the background.
func (m *Matcher) StartupChanged(s *domain.Startup) {
	if s.Status != domain.StatusPublished {
		m.StartupRemoved(s.ID)
		return
	}
	m.mu.RLock()
	before := m.cards[s.ID]
	m.mu.RUnlock()
	if err := m.upsert(s); err != nil {
		m.log.Error("matching index update", "startup", s.ID, "err", err)
		return
	}
	if before == nil || before.Sector != s.Sector || before.Stage != s.Stage {
		cp := *s
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), fanOutTimeout)
			defer cancel()
			if _, err := m.FanOut(ctx, &cp); err != nil {
				m.log.Error("match notifications", "startup", cp.ID, "err", err)
			}
		}()
	}
}

// Match notifications.
const (
	// MatchAlertScore is the score from which an investor hears of a new
	// startup: the top band, where sector and stage are both in the thesis.
	MatchAlertScore = 3 * matching.TierWidth
	fanOutTimeout   = time.Minute
)

// FanOut notifies every investor whose thesis s fits with a score of at
// least their own alert score (MatchAlertScore unless they chose), scoring from memory, with one database write for
// all of them. It returns how many were notified.
func (m *Matcher) FanOut(ctx context.Context, s *domain.Startup) (int, error) {
	f := features(s)
	now := m.now()
	var notes []Note
	m.mu.RLock()
	for uid, inv := range m.investors {
		if uid == s.OwnerID {
			continue
		}
		mt := m.idx.Score(thesis(inv), f, now)
		threshold := float64(MatchAlertScore)
		if inv.AlertScore > 0 {
			threshold = inv.AlertScore
		}
		if mt.Score >= threshold {
			notes = append(notes, Note{UserID: uid, Type: domain.NoteMatch, Data: map[string]any{
				"startupId": s.ID, "startupName": s.Name, "oneLiner": s.OneLiner, "sector": s.Sector, "stage": s.Stage,
				"score": round1(mt.Score)}})
		}
	}
	m.mu.RUnlock()
	if len(notes) == 0 {
		return 0, nil
	}
	return len(notes), m.notify.NotifyMany(ctx, notes)
}

// StartupRemoved drops a deleted or withdrawn startup from the index.
func (m *Matcher) StartupRemoved(id string) {
	m.idx.Remove(id)
	m.version.Add(1)
	m.mu.Lock()
	delete(m.cards, id)
	m.mu.Unlock()
}

// InvestorChanged records an investor profile after it was saved.
func (m *Matcher) InvestorChanged(inv *domain.Investor) {
	cp := *inv
	m.mu.Lock()
	m.investors[inv.OwnerID] = &cp
	m.mu.Unlock()
	m.version.Add(1)
}

func (m *Matcher) remember(investorID, startupID, action string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.version.Add(1)
	f := m.feedback[investorID]
	if f == nil {
		f = map[string]string{}
		m.feedback[investorID] = f
	}
	if action == "" {
		delete(f, startupID)
	} else {
		f[startupID] = action
	}
}

func thesis(inv *domain.Investor) matching.Thesis {
	t := matching.Thesis{Sectors: inv.Sectors, ChequeMin: inv.CheckMinWan, ChequeMax: inv.CheckMaxWan,
		Districts: inv.Districts, Spaces: inv.SpaceIDs}
	for _, s := range inv.Stages {
		t.Stages = append(t.Stages, domain.StageIndex(s))
	}
	return t
}

var actionOf = map[string]matching.Action{
	domain.FeedbackInterested: matching.Interested, domain.FeedbackPass: matching.Pass, domain.FeedbackSave: matching.Save,
}

// investorOf returns the caller's investor profile and a copy of their feedback.
func (m *Matcher) investorOf(actor domain.Actor) (*domain.Investor, map[string]string, error) {
	if actor.Anonymous() {
		return nil, nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, nil, domain.CodedError(domain.KindForbidden, "role_required", "只有投资人有项目推荐 / only investors have a deal flow")
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	inv := m.investors[actor.UserID]
	if inv == nil {
		return nil, nil, domain.CodedError(domain.KindConflict, "profile_required", "请先创建投资人档案 / create your investor profile first")
	}
	fb := make(map[string]string, len(m.feedback[actor.UserID]))
	for k, v := range m.feedback[actor.UserID] {
		fb[k] = v
	}
	return inv, fb, nil
}

// DealItem is one startup in an investor's deal flow.
type DealItem struct {
	Startup  *domain.StartupCard `json:"startup"`
	Score    float64             `json:"score"`
	Reasons  []domain.Reason     `json:"reasons"`
	Feedback string              `json:"feedback,omitempty"`
}

// DealQuery narrows a deal flow. Saved lists only the startups the investor
// saved or marked interested.
type DealQuery struct {
	Sector, Stage, District string
	Saved                   bool
	Page                    domain.Page
}

// DealFlow ranks the published startups for the calling investor.
func (m *Matcher) DealFlow(ctx context.Context, actor domain.Actor, q DealQuery) (*domain.List[DealItem], error) {
	inv, fb, err := m.investorOf(actor)
	if err != nil {
		return nil, err
	}
	var v domain.Validator
	v.Check(q.Sector == "" || m.tax.HasSector(q.Sector), "sector", "未知行业 / unknown sector")
	v.Check(q.Stage == "" || m.tax.HasStage(q.Stage), "stage", "未知阶段 / unknown stage")
	v.Check(q.District == "" || m.tax.HasDistrict(q.District), "district", "未知区县 / unknown district")
	if err := v.Err(); err != nil {
		return nil, err
	}
	th := thesis(inv)
	now := m.now()
	if q.Saved {
		return m.saved(ctx, inv, th, fb, q, now)
	}
	signals := make([]matching.Signal, 0, len(fb))
	for id, a := range fb {
		signals = append(signals, matching.Signal{StartupID: id, Action: actionOf[a]})
	}
	r := m.idx.Rank(matching.Query{Thesis: th, Feedback: signals, Sector: q.Sector, District: q.District,
		OnlyStage: domain.StageIndex(q.Stage) + 1, Offset: q.Page.Skip(), Limit: q.Page.PageSize, Now: now})
	ids := make([]string, len(r.Results))
	for i, res := range r.Results {
		ids[i] = res.ID
	}
	cards, err := m.cardsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	rng := chequeRange(inv)
	out := &domain.List[DealItem]{Items: make([]DealItem, 0, len(ids)), Total: r.Total, Page: q.Page.Page, PageSize: q.Page.PageSize}
	for _, res := range r.Results {
		c := cards[res.ID]
		if c == nil {
			continue // deleted between ranking and fetching
		}
		out.Items = append(out.Items, DealItem{Startup: c, Score: round1(res.Score),
			Reasons: m.reasons(res.Parts, rng, c.Sector, c.Stage, c.District, c.AskWan), Feedback: fb[c.ID]})
	}
	return out, nil
}

// saved lists the startups the investor saved or is interested in, best first.
func (m *Matcher) saved(ctx context.Context, inv *domain.Investor, th matching.Thesis, fb map[string]string, q DealQuery, now time.Time) (*domain.List[DealItem], error) {
	var ids []string
	for id, a := range fb {
		if a == domain.FeedbackSave || a == domain.FeedbackInterested {
			ids = append(ids, id)
		}
	}
	startups, err := m.fetch(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := []DealItem{}
	for _, s := range startups {
		if s.Status != domain.StatusPublished || (q.Sector != "" && s.Sector != q.Sector) ||
			(q.Stage != "" && s.Stage != q.Stage) || (q.District != "" && s.District != q.District) {
			continue
		}
		mt := m.idx.Score(th, features(s), now)
		items = append(items, DealItem{Startup: s.Card(), Score: round1(mt.Score),
			Reasons: m.reasons(mt.Parts, chequeRange(inv), s.Sector, s.Stage, s.District, s.AskWan), Feedback: fb[s.ID]})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Score != items[j].Score {
			return items[i].Score > items[j].Score
		}
		return items[i].Startup.ID < items[j].Startup.ID
	})
	return page(items, q.Page), nil
}

func page[T any](items []T, p domain.Page) *domain.List[T] {
	out := &domain.List[T]{Items: []T{}, Total: len(items), Page: p.Page, PageSize: p.PageSize}
	if p.Skip() < len(items) {
		out.Items = items[p.Skip():min(len(items), p.Skip()+p.PageSize)]
	}
	return out
}

// cardsOf returns the cards of ids from the cache, fetching any misses in
// one query.
func (m *Matcher) cardsOf(ctx context.Context, ids []string) (map[string]*domain.StartupCard, error) {
	out := make(map[string]*domain.StartupCard, len(ids))
	var miss []string
	m.mu.RLock()
	for _, id := range ids {
		if c := m.cards[id]; c != nil {
			out[id] = c
		} else {
			miss = append(miss, id)
		}
	}
	m.mu.RUnlock()
	if len(miss) > 0 {
		found, err := m.fetch(ctx, miss)
		if err != nil {
			return nil, err
		}
		for id, s := range found {
			out[id] = s.Card()
		}
	}
	return out, nil
}

// fetch loads startups by id in one query, public part only.
func (m *Matcher) fetch(ctx context.Context, ids []string) (map[string]*domain.Startup, error) {
	list, err := m.store.StartupsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*domain.Startup, len(list))
	for i := range list {
		list[i].Private = nil
		out[list[i].ID] = &list[i]
	}
	return out, nil
}

func round1(x float64) float64 { return float64(int(x*10+0.5)) / 10 }

// Feedback records the calling investor's word on a published startup.
// An empty action withdraws it.
func (m *Matcher) Feedback(ctx context.Context, actor domain.Actor, startupID, action string) (*domain.Feedback, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "只有投资人可以反馈 / only investors give feedback")
	}
	if _, ok := actionOf[action]; !ok && action != "" {
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "输入有误 / validation failed",
			Fields: []domain.FieldError{{Field: "action", Message: "须为 interested、pass 或 save / must be interested, pass or save"}}}
	}
	s, err := m.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if s.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound
	}
	m.mu.RLock()
	before := m.feedback[actor.UserID][startupID]
	investorName := ""
	if inv := m.investors[actor.UserID]; inv != nil {
		investorName = inv.Name
	}
	m.mu.RUnlock()
	f := domain.Feedback{InvestorID: actor.UserID, StartupID: startupID, Action: action, At: m.now().UTC()}
	if action == "" {
		err = m.store.DeleteFeedback(ctx, actor.UserID, startupID)
	} else {
		err = m.store.SaveFeedback(ctx, f)
	}
	if err != nil {
		return nil, err
	}
	m.remember(actor.UserID, startupID, action)
	if action == domain.FeedbackInterested && before != domain.FeedbackInterested {
		err := m.notify.Notify(ctx, s.OwnerID, domain.NoteInterest, map[string]any{"startupId": s.ID, "startupName": s.Name,
			"investorUserId": actor.UserID, "investorName": investorName})
		if err != nil {
			// The interest is saved; the founder will see it in the deal
			// record even if this notice failed.
			m.log.ErrorContext(ctx, "notify interest", "startup", s.ID, "err", err)
		}
	}
	return &f, nil
}

// InvestorItem is one investor matched to a founder's startup.
type InvestorItem struct {
	Investor *domain.Investor `json:"investor"`
	Score    float64          `json:"score"`
	Reasons  []domain.Reason  `json:"reasons"`
}

// InvestorByOwner returns userID's investor profile from memory, or a
// not-found error. Startups use it on every read by an investor, which on
// the embedded database would otherwise scan the investors table.
func (m *Matcher) InvestorByOwner(_ context.Context, userID string) (*domain.Investor, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	inv := m.investors[userID]
	if inv == nil {
		return nil, domain.ErrNotFound
	}
	cp := *inv
	return &cp, nil
}

// InterestedInvestor is an investor who marked a startup interested.
type InterestedInvestor struct {
	Investor *domain.Investor `json:"investor"`
	At       time.Time        `json:"at"`
}

// Interested lists the investors who marked startupID interested, newest
// first; only its founder and admins may ask. Passes and saves stay the
// investors' own business.
func (m *Matcher) Interested(ctx context.Context, actor domain.Actor, startupID string) ([]InterestedInvestor, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := m.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrNotFound // as for investor matches: no hint to others
	}
	fbs, err := m.store.FeedbackOn(ctx, startupID)
	if err != nil {
		return nil, err
	}
	out := []InterestedInvestor{}
	m.mu.RLock()
	for _, f := range fbs {
		if inv := m.investors[f.InvestorID]; inv != nil && f.Action == domain.FeedbackInterested {
			cp := *inv
			out = append(out, InterestedInvestor{Investor: &cp, At: f.At})
		}
	}
	m.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out, nil
}

// InvestorMatches ranks the investors for one of the caller's startups
// (the most recently updated one when startupID is empty).
func (m *Matcher) InvestorMatches(ctx context.Context, actor domain.Actor, startupID string, verifiedOnly bool, p domain.Page) (*domain.List[InvestorItem], error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleFounder && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "只有创业者可以查看匹配的投资人 / only founders see investor matches")
	}
	var s *domain.Startup
	if startupID == "" {
		mine, _, err := m.store.ListStartups(ctx, domain.StartupFilter{OwnerID: actor.UserID}, domain.Page{Page: 1, PageSize: 1})
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, domain.CodedError(domain.KindConflict, "profile_required", "请先创建项目 / create your startup profile first")
		}
		s = &mine[0]
	} else {
		var err error
		if s, err = m.store.StartupByID(ctx, startupID); err != nil {
			return nil, err
		}
		if !actor.Owns(s.OwnerID) {
			return nil, domain.ErrNotFound
		}
	}
	f := features(s)
	now := m.now()
	m.mu.RLock()
	items := make([]InvestorItem, 0, len(m.investors))
	for _, inv := range m.investors {
		if verifiedOnly && !inv.Verified {
			continue
		}
		mt := m.idx.Score(thesis(inv), f, now)
		cp := *inv
		items = append(items, InvestorItem{Investor: &cp, Score: round1(mt.Score), Reasons: m.reasons(mt.Parts, chequeRange(inv), s.Sector, s.Stage, s.District, s.AskWan)})
	}
	m.mu.RUnlock()
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.Investor.Verified != b.Investor.Verified {
			return a.Investor.Verified
		}
		return a.Investor.ID < b.Investor.ID
	})
	return page(items, p), nil
}

// InvestorsInSectors returns the user ids of the investors whose thesis
// names any of sectors.
func (m *Matcher) InvestorsInSectors(sectors []string) []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []string
	for uid, inv := range m.investors {
		for _, s := range inv.Sectors {
			if contains(sectors, s) {
				out = append(out, uid)
				break
			}
		}
	}
	return out
}

// RecordInterest records an investor's interest in a startup, as from the
// deal flow; roadshow rooms call it when an investor presses "interested".
func (m *Matcher) RecordInterest(ctx context.Context, investor domain.Actor, startupID string) error {
	_, err := m.Feedback(ctx, investor, startupID, domain.FeedbackInterested)
	return err
}
