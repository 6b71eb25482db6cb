package app

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Matcher serves the ranked deal flow, investor matches and match alerts.
// It keeps nothing of its own: the startups' features, the investors'
// theses and their feedback are views of the ReadModel, through which it
// also writes feedback.
//
// A Matcher is safe for concurrent use.
type Matcher struct {
	rm      *ReadModel
	notify  Notify
	tax     *domain.Taxonomy
	phrases *phrases
	idx     *matching.Index
	now     func() time.Time
	log     *slog.Logger
	scratch sync.Pool // *dealScratch, see DealFlowJSON
	// awards are the reasons a startup's contest wins give, added to its
	// deal-flow reasons (ServiceBook.Awards); nil: none.
	awards func(startupID string) []domain.Reason
}

// UseAwards adds the contest wins awards gives to the deal flow's
// reasons; the wiring calls it before serving.
func (m *Matcher) UseAwards(awards func(startupID string) []domain.Reason) { m.awards = awards }

// NewMatcher returns a Matcher over the read model rm.
func NewMatcher(rm *ReadModel, tax *domain.Taxonomy, notify Notify, log *slog.Logger) *Matcher {
	return &Matcher{rm: rm, notify: notify, tax: tax, phrases: newPhrases(tax), idx: rm.Index(), now: time.Now, log: log}
}

func features(s *domain.Startup) matching.Startup {
	return matching.Startup{ID: s.ID, Sector: s.Sector, Stage: domain.StageIndex(s.Stage), AskWan: s.AskWan,
		District: s.District, SpaceID: s.ResidentSpace(), Completeness: s.Completeness(), UpdatedAt: s.UpdatedAt}
}

// Match notifications.
const (
	// MatchAlertScore is the score from which an investor hears of a new
	// startup: the top band, where sector and stage are both in the thesis.
	MatchAlertScore = 3 * matching.TierWidth
)

// FanOut notifies every investor whose thesis a startup of ss fits with a
// score of at least their own alert score (MatchAlertScore unless they
// chose), scoring from memory, with one database write for all of them:
// an investor that several of ss fit gets their alerts together (on the
// embedded engine one drop, not one per startup). It returns how many
// alerts it sent. Only the Dispatcher calls it, for match-alert marks.
func (m *Matcher) FanOut(ctx context.Context, ss ...*domain.Startup) (int, error) {
	var notes []Note
	for _, s := range ss {
		notes = append(notes, m.MatchAlerts(s)...)
	}
	if len(notes) == 0 {
		return 0, nil
	}
	return len(notes), m.notify.NotifyMany(ctx, notes)
}

// MatchAlerts returns the match alerts the publication of s sends (the
// fit rule of FanOut), without sending them: a loader that stores a
// program's past publications in bulk stores them with it.
func (m *Matcher) MatchAlerts(s *domain.Startup) []Note {
	f := features(s)
	now := m.now()
	var notes []Note
	for _, inv := range m.rm.investorList() {
		if inv.OwnerID == s.OwnerID {
			continue
		}
		mt := m.idx.Score(thesis(inv), f, now)
		threshold := float64(MatchAlertScore)
		if inv.AlertScore > 0 {
			threshold = inv.AlertScore
		}
		if mt.Score >= threshold {
			notes = append(notes, Note{UserID: inv.OwnerID, Type: domain.NoteMatch, Data: map[string]any{
				"startupId": s.ID, "startupName": s.Name, "oneLiner": s.OneLiner, "sector": s.Sector, "stage": s.Stage,
				"score": round1(mt.Score)}})
		}
	}
	return notes
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

// investorOf returns the caller's investor profile, the read model's own
// and not to be changed, and a copy of their feedback.
func (m *Matcher) investorOf(ctx context.Context, actor domain.Actor) (*domain.Investor, map[string]string, error) {
	if actor.Anonymous() {
		return nil, nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors have a deal flow")
	}
	inv := m.rm.investorOfOwner(actor.UserID)
	if inv == nil {
		return nil, nil, domain.CodedError(domain.KindConflict, "profile_required", "create your investor profile first")
	}
	return inv, m.rm.feedbackOf(actor.UserID), nil
}

func page[T any](items []T, p domain.Page) *domain.List[T] {
	out := &domain.List[T]{Items: []T{}, Total: len(items), Page: p.Page, PageSize: p.PageSize}
	if p.Skip() < len(items) {
		out.Items = items[p.Skip():min(len(items), p.Skip()+p.PageSize)]
	}
	return out
}

// fetch returns copies of the startups with ids, public part only.
func (m *Matcher) fetch(ctx context.Context, ids []string) (map[string]*domain.Startup, error) {
	list, err := m.rm.StartupsByIDs(ctx, ids)
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
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors give feedback")
	}
	if _, ok := actionOf[action]; !ok && action != "" {
		return nil, domain.FieldInvalid("action", "invalid_choice", "must be interested, pass or save")
	}
	s, err := m.rm.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if s.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound
	}
	before := m.rm.feedbackOf(actor.UserID)[startupID]
	investorName := newNames(ctx, m.rm).of(actor.UserID, "")
	f := domain.Feedback{InvestorID: actor.UserID, StartupID: startupID, Action: action, At: m.now().UTC()}
	if action == "" {
		err = m.rm.DeleteFeedback(ctx, actor.UserID, startupID)
	} else {
		err = m.rm.SaveFeedback(ctx, f)
	}
	if err != nil {
		return nil, err
	}
	if action == domain.FeedbackInterested && before != domain.FeedbackInterested {
		// One investor's interest in one startup is told once, however
		// often it is withdrawn and given again, from the deal flow or a
		// room (domain.NoteRuleOf).
		err := m.notify.NotifyMany(ctx, []Note{{UserID: s.OwnerID, Type: domain.NoteInterest, From: actor.UserID, Subject: s.ID,
			Data: map[string]any{"startupId": s.ID, "startupName": s.Name, "investorUserId": actor.UserID, "investorName": investorName}}})
		switch {
		case errors.Is(err, domain.ErrSenderLimit):
			// The interest is saved and listed to the founder; an investor
			// who signals too many founders at once is not told to them all.
			m.log.InfoContext(ctx, "interest not notified: sender limit", "startup", s.ID, "investor", actor.UserID)
		case err != nil:
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
	s, err := m.rm.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrNotFound // as for investor matches: no hint to others
	}
	fbs, err := m.rm.FeedbackOn(ctx, startupID)
	if err != nil {
		return nil, err
	}
	out := []InterestedInvestor{}
	who := newNames(ctx, m.rm)
	for _, f := range fbs {
		if f.Action != domain.FeedbackInterested {
			continue
		}
		if inv, err := m.rm.InvestorByOwner(ctx, f.InvestorID); err == nil {
			inv.Name = who.of(inv.OwnerID, inv.Name)
			out = append(out, InterestedInvestor{Investor: inv, At: f.At})
		}
	}
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
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders see investor matches")
	}
	var s *domain.Startup
	if startupID == "" {
		mine, _, err := m.rm.ListStartups(ctx, domain.StartupFilter{OwnerID: actor.UserID}, domain.Page{Page: 1, PageSize: 1})
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, domain.CodedError(domain.KindConflict, "profile_required", "create your startup profile first")
		}
		s = &mine[0]
	} else {
		var err error
		if s, err = m.rm.StartupByID(ctx, startupID); err != nil {
			return nil, err
		}
		if !actor.Owns(s.OwnerID) {
			return nil, domain.ErrNotFound
		}
	}
	f := features(s)
	now := m.now()
	investors := m.rm.investorList()
	items := make([]InvestorItem, 0, len(investors))
	for _, inv := range investors {
		if verifiedOnly && !inv.Verified {
			continue
		}
		mt := m.idx.Score(thesis(inv), f, now)
		items = append(items, InvestorItem{Investor: inv, Score: round1(mt.Score), Reasons: m.reasons(nil, mt.Parts, inv, s.Sector, s.Stage, s.District, s.AskWan)})
	}
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
	out := page(items, p)
	who := newNames(ctx, m.rm)
	for i, it := range out.Items {
		named := *it.Investor // the read model's own record: never changed in place
		named.Name = who.of(named.OwnerID, named.Name)
		out.Items[i].Investor = &named
	}
	return out, nil
}

// InvestorsInSectors returns the user ids of the investors whose thesis
// names any of sectors.
func (m *Matcher) InvestorsInSectors(sectors []string) []string {
	var out []string
	for _, inv := range m.rm.investorList() {
		for _, s := range inv.Sectors {
			if contains(sectors, s) {
				out = append(out, inv.OwnerID)
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

// FeedbackOf returns the calling investor's word on startupID ("" for none).
func (m *Matcher) FeedbackOf(_ context.Context, actor domain.Actor, startupID string) (string, error) {
	if actor.Anonymous() {
		return "", domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return "", domain.CodedError(domain.KindForbidden, "role_required", "only investors give feedback")
	}
	return m.rm.feedbackOf(actor.UserID)[startupID], nil
}
