package app

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// SetJudges names a contest's panel (its host or an admin) until the
// ranking is published: verified investors and mentors. Those newly named
// are told.
func (svc *Alliance) SetJudges(ctx context.Context, actor domain.Actor, id string, judges []string) (*ContestView, error) {
	e, err := svc.hosted(actor, id)
	if err != nil {
		return nil, err
	}
	if e.Contest == nil {
		return nil, domain.CodedError(domain.KindConflict, "not_a_contest", "the event is not a contest")
	}
	if e.Contest.Stage == domain.ContestPublished {
		return nil, domain.CodedError(domain.KindConflict, "contest_published", "the ranking is published")
	}
	var v domain.Validator
	v.CheckCode(len(judges) <= maxJudges, "judges", "too_many", "at most 30 judges")
	seen := map[string]bool{}
	for i, j := range judges {
		f := "judges[" + itoa(i) + "]"
		v.CheckCode(!seen[j], f, "duplicate", "named twice")
		seen[j] = true
		v.CheckCode(svc.verifiedJudge(ctx, j), f, "judge_unverified", "a verified investor or mentor")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var added []string
	for _, j := range judges {
		if !slices.Contains(e.Contest.Judges, j) {
			added = append(added, j)
		}
	}
	e.Contest.Judges = slices.Clone(judges)
	if e.Contest.Judges == nil {
		e.Contest.Judges = []string{}
	}
	if err := svc.store(ctx, e); err != nil {
		return nil, err
	}
	svc.tell(e, domain.NoteContestJudge, added)
	return svc.contestView(ctx, actor, e), nil
}

// verifiedJudge reports whether user is a verified investor or mentor.
func (svc *Alliance) verifiedJudge(ctx context.Context, user string) bool {
	if user == "" {
		return false
	}
	if inv, err := svc.book.rm.InvestorByOwner(ctx, user); err == nil && inv.Verified {
		return true
	}
	if id := svc.book.mentorOf(user); id != "" {
		m, err := svc.book.mentor(id)
		return err == nil && m.Verified
	}
	return false
}

// CloseEntries ends a contest's entries and opens its judging (its host
// or an admin); it needs an entry and a judge.
func (svc *Alliance) CloseEntries(ctx context.Context, actor domain.Actor, id string) (*ContestView, error) {
	e, err := svc.hosted(actor, id)
	if err != nil {
		return nil, err
	}
	if e.Contest == nil {
		return nil, domain.CodedError(domain.KindConflict, "not_a_contest", "the event is not a contest")
	}
	if err := svc.taking(e); err != nil {
		return nil, err
	}
	if len(svc.book.contestEntries(id)) == 0 {
		return nil, domain.CodedError(domain.KindConflict, "no_entries", "no startup has entered")
	}
	if len(e.Contest.Judges) == 0 {
		return nil, domain.CodedError(domain.KindConflict, "no_judges", "name the judging panel first")
	}
	e.Contest.Stage = domain.ContestJudging
	if err := svc.store(ctx, e); err != nil {
		return nil, err
	}
	return svc.contestView(ctx, actor, e), nil
}

// ScoreInput is a judge's sheet for one entry: every criterion once, a
// whole number from 0 to 10.
type ScoreInput struct {
	Scores  []ScoreLine `json:"scores"`
	Comment string      `json:"comment"`
}

// ScoreLine is one criterion's score as sent (checked to be whole).
type ScoreLine struct {
	Criterion string  `json:"criterion"`
	Score     float64 `json:"score"`
}

// judging returns contest id for judge actor while it is being judged,
// and the entry startupID, which actor may score.
func (svc *Alliance) judging(actor domain.Actor, id, startupID string) (*domain.Event, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	e, err := svc.contest(id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(e.Contest.Judges, actor.UserID) {
		return nil, domain.CodedError(domain.KindForbidden, "not_a_judge", "only the contest's judges score")
	}
	if e.Status == domain.EventCancelled {
		return nil, domain.CodedError(domain.KindConflict, "event_cancelled", "the event is cancelled")
	}
	switch e.Contest.Stage {
	case domain.ContestPublished:
		return nil, domain.CodedError(domain.KindConflict, "contest_published", "judging is closed: the ranking is published")
	case domain.ContestOpen:
		return nil, domain.CodedError(domain.KindConflict, "contest_not_judging", "judging begins once entries close")
	}
	if _, ok := svc.entry(id, startupID); !ok {
		return nil, domain.CodedError(domain.KindNotFound, "not_entered", "no such entry")
	}
	return e, nil
}

// Score stores a judge's sheet for an entry, replacing their earlier one,
// while the contest is judged; a judge with a conflict may not.
func (svc *Alliance) Score(ctx context.Context, actor domain.Actor, id, startupID string, in ScoreInput) (*domain.ScoreSheet, error) {
	e, err := svc.judging(actor, id, startupID)
	if err != nil {
		return nil, err
	}
	if svc.conflicted(actor.UserID, startupID, svc.book.contestSheets(id)) {
		return nil, domain.CodedError(domain.KindForbidden, "judge_conflict", "a judge does not score an entry they have a conflict with")
	}
	var v domain.Validator
	s := &domain.ScoreSheet{ID: id + ":" + actor.UserID + ":" + startupID, EventID: id, JudgeID: actor.UserID, StartupID: startupID,
		Comment: strings.TrimSpace(in.Comment), At: svc.now().UTC(), Scores: []domain.CriterionScore{}}
	checkText(&v, "comment", s.Comment, maxShortText, false)
	given := map[string]bool{}
	for i, sc := range in.Scores {
		f := "scores[" + itoa(i) + "]"
		known := slices.ContainsFunc(e.Contest.Criteria, func(c domain.Criterion) bool { return c.ID == sc.Criterion })
		v.CheckCode(known, f+".criterion", "criterion_unknown", "no such criterion")
		v.CheckCode(!given[sc.Criterion], f+".criterion", "duplicate", "scored twice")
		given[sc.Criterion] = true
		ok := sc.Score >= 0 && sc.Score <= domain.MaxScore && sc.Score == math.Trunc(sc.Score)
		v.CheckCode(ok, f+".score", "score_range", "a whole number from 0 to 10")
		if known && ok {
			s.Scores = append(s.Scores, domain.CriterionScore{Criterion: sc.Criterion, Score: int(sc.Score)})
		}
	}
	for _, c := range e.Contest.Criteria {
		v.CheckCode(given[c.ID], "scores", "required", "every criterion is scored: "+c.ID+" is missing")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := svc.putSheet(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// DeclareConflict records that the calling judge has a conflict with an
// entry: their sheet for it, if any, no longer counts, and they may not
// score it.
func (svc *Alliance) DeclareConflict(ctx context.Context, actor domain.Actor, id, startupID string) (*ContestView, error) {
	e, err := svc.judging(actor, id, startupID)
	if err != nil {
		return nil, err
	}
	s := &domain.ScoreSheet{ID: id + ":" + actor.UserID + ":" + startupID, EventID: id, JudgeID: actor.UserID, StartupID: startupID,
		Conflict: true, Scores: []domain.CriterionScore{}, At: svc.now().UTC()}
	if err := svc.putSheet(ctx, s); err != nil {
		return nil, err
	}
	return svc.contestView(ctx, actor, e), nil
}

func (svc *Alliance) putSheet(ctx context.Context, s *domain.ScoreSheet) error {
	if err := svc.book.db.PutScoreSheet(ctx, s); err != nil {
		return err
	}
	svc.book.withAlliance(func(a *allianceRecords) { a.putSheet(s) })
	return nil
}

// Publish fixes and publishes a judged contest's ranking (its host or an
// admin): scoring ends, the winners are flagged on their startups' pages
// and in the deal flow's reasons, and the entrants and judges are told.
func (svc *Alliance) Publish(ctx context.Context, actor domain.Actor, id string) (*ContestView, error) {
	e, err := svc.hosted(actor, id)
	if err != nil {
		return nil, err
	}
	if e.Contest == nil {
		return nil, domain.CodedError(domain.KindConflict, "not_a_contest", "the event is not a contest")
	}
	if e.Status == domain.EventCancelled {
		return nil, domain.CodedError(domain.KindConflict, "event_cancelled", "the event is cancelled")
	}
	switch e.Contest.Stage {
	case domain.ContestPublished:
		return nil, domain.CodedError(domain.KindConflict, "contest_published", "the ranking is published already")
	case domain.ContestOpen:
		return nil, domain.CodedError(domain.KindConflict, "contest_not_judging", "close the entries and judge first")
	}
	results := svc.rank(e, svc.book.contestSheets(id))
	if len(results) == 0 || results[0].Rank == 0 {
		return nil, domain.CodedError(domain.KindConflict, "no_scores", "no judge has scored an entry")
	}
	at := svc.now().UTC()
	e.Contest.Stage, e.Contest.Results, e.Contest.PublishedAt = domain.ContestPublished, results, &at
	if err := svc.store(ctx, e); err != nil {
		return nil, err
	}
	users := slices.Clone(e.Contest.Judges)
	for _, en := range svc.book.contestEntries(id) {
		users = append(users, en.FounderID)
	}
	svc.tell(e, domain.NoteContestResults, users)
	return svc.contestView(ctx, actor, e), nil
}

// Award is a place a startup won in a published contest.
type Award struct {
	EventID     string    `json:"eventId"`
	Title       string    `json:"title"`
	Place       int       `json:"place"`
	Tied        bool      `json:"tied"`
	PublishedAt time.Time `json:"publishedAt"`
}

// Awards lists the places a startup won, newest first; anyone may read
// those of a published startup.
func (svc *Alliance) Awards(ctx context.Context, actor domain.Actor, startupID string) ([]Award, error) {
	s, err := svc.book.rm.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if s.Status != domain.StatusPublished && !actor.Owns(s.OwnerID) {
		return nil, domain.ErrNotFound
	}
	out := []Award{}
	for _, e := range svc.book.eventList() {
		c := e.Contest
		if c == nil || c.Stage != domain.ContestPublished || e.Status == domain.EventCancelled {
			continue
		}
		for _, p := range c.Results {
			if p.StartupID == startupID && p.Winner {
				out = append(out, Award{EventID: e.ID, Title: e.Title, Place: p.Rank, Tied: p.Tied, PublishedAt: *c.PublishedAt})
			}
		}
	}
	slices.SortFunc(out, func(a, b Award) int { return b.PublishedAt.Compare(a.PublishedAt) })
	return out, nil
}
