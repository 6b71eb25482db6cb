package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Contest limits.
const (
	maxCriteria   = 10
	maxWeight     = 100
	maxWinners    = 10
	defaultWinner = 3
	maxJudges     = 30
)

// checkContest checks a contest's score sheet and places into e; the
// criteria are fixed once a judge has scored (scored).
func checkContest(v *domain.Validator, e *domain.Event, in *ContestInput, scored bool) {
	if e.Contest == nil {
		e.Contest = &domain.Contest{Judges: []string{}, Stage: domain.ContestOpen}
	}
	if in == nil {
		v.CheckCode(len(e.Contest.Criteria) > 0, "contest.criteria", "required", "a contest has criteria")
		return
	}
	if in.Winners == 0 {
		in.Winners = defaultWinner
	}
	v.CheckCode(in.Winners >= 1 && in.Winners <= maxWinners, "contest.winners", "out_of_range", "1 to 10 places")
	e.Contest.Winners = in.Winners
	if scored && !sameCriteria(e.Contest.Criteria, in.Criteria) {
		v.CheckCode(false, "contest.criteria", "criteria_fixed", "the criteria are fixed once a judge has scored")
		return
	}
	v.CheckCode(len(in.Criteria) >= 1 && len(in.Criteria) <= maxCriteria, "contest.criteria", "out_of_range", "1 to 10 criteria")
	crit := make([]domain.Criterion, 0, len(in.Criteria))
	for i, c := range in.Criteria {
		f := "contest.criteria[" + itoa(i) + "]"
		c.Name = strings.TrimSpace(c.Name)
		checkText(v, f+".name", c.Name, maxName, true)
		v.CheckCode(c.Weight > 0 && c.Weight <= maxWeight, f+".weight", "out_of_range", "a weight above 0, at most 100")
		if c.ID == "" {
			c.ID = "c" + itoa(i+1)
		}
		v.CheckCode(validKey(c.ID), f+".id", "invalid_code", "letters, digits, - and _")
		for _, o := range crit {
			v.CheckCode(o.ID != c.ID, f+".id", "duplicate", "criteria ids are unique")
		}
		crit = append(crit, c)
	}
	e.Contest.Criteria = crit
}

func sameCriteria(a, b []domain.Criterion) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Weight != b[i].Weight || a[i].Name != strings.TrimSpace(b[i].Name) {
			return false
		}
	}
	return true
}

// validKey accepts a short code of letters, digits, - and _.
func validKey(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// JudgeView is a judge on a contest's panel.
type JudgeView struct {
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Role   string `json:"role"` // investor or mentor
}

// EntryView is a startup entered in a contest.
type EntryView struct {
	StartupID   string    `json:"startupId"`
	StartupName string    `json:"startupName"`
	Sector      string    `json:"sector"`
	At          time.Time `json:"at"`
	Mine        bool      `json:"mine"` // the caller entered it
}

// ContestView is a contest as the caller sees it: its sheet and panel,
// the entries, and the ranking once published; a judge also sees their
// own sheets and the entries they may not score, and the host the
// ranking so far.
type ContestView struct {
	EventID     string              `json:"eventId"`
	Title       string              `json:"title"`
	Stage       string              `json:"stage"`
	Criteria    []domain.Criterion  `json:"criteria"`
	Winners     int                 `json:"winners"`
	Judges      []JudgeView         `json:"judges"`
	Entries     []EntryView         `json:"entries"`
	IsHost      bool                `json:"isHost"`
	IsJudge     bool                `json:"isJudge"`
	MySheets    []domain.ScoreSheet `json:"mySheets,omitempty"`
	Conflicts   []string            `json:"conflicts,omitempty"` // entries the caller, a judge, may not score
	SheetsIn    int                 `json:"sheetsIn"`
	Results     []domain.Placing    `json:"results"`
	Provisional bool                `json:"provisional"` // the ranking so far, for the host only
	PublishedAt *time.Time          `json:"publishedAt,omitempty"`
}

// contest returns event id, which must be a contest.
func (svc *Alliance) contest(id string) (*domain.Event, error) {
	e, err := svc.book.event(id)
	if err != nil {
		return nil, err
	}
	if e.Contest == nil {
		return nil, domain.CodedError(domain.KindConflict, "not_a_contest", "the event is not a contest")
	}
	return e, nil
}

// Contest returns the contest of event id as actor sees it.
func (svc *Alliance) Contest(ctx context.Context, actor domain.Actor, id string) (*ContestView, error) {
	e, err := svc.contest(id)
	if err != nil {
		return nil, err
	}
	return svc.contestView(ctx, actor, e), nil
}

func (svc *Alliance) contestView(ctx context.Context, actor domain.Actor, e *domain.Event) *ContestView {
	c := e.Contest
	v := &ContestView{EventID: e.ID, Title: e.Title, Stage: c.Stage, Criteria: c.Criteria, Winners: c.Winners, Judges: []JudgeView{}, Entries: []EntryView{},
		IsHost: !actor.Anonymous() && actor.Owns(e.OwnerID), IsJudge: actor.UserID != "" && slices.Contains(c.Judges, actor.UserID),
		Results: []domain.Placing{}, PublishedAt: c.PublishedAt}
	for _, j := range c.Judges {
		v.Judges = append(v.Judges, svc.judgeView(ctx, j))
	}
	for _, en := range svc.book.contestEntries(e.ID) {
		ev := EntryView{StartupID: en.StartupID, At: en.At, Mine: actor.UserID != "" && en.FounderID == actor.UserID}
		if s, err := svc.book.rm.StartupByID(ctx, en.StartupID); err == nil {
			ev.StartupName, ev.Sector = s.Name, s.Sector
		}
		v.Entries = append(v.Entries, ev)
	}
	sheets := svc.book.contestSheets(e.ID)
	for _, s := range sheets {
		if _, ok := domain.SheetScore(c.Criteria, &s); ok {
			v.SheetsIn++
		}
		if v.IsJudge && s.JudgeID == actor.UserID {
			v.MySheets = append(v.MySheets, s)
		}
	}
	if v.IsJudge {
		for _, en := range v.Entries {
			if svc.conflicted(actor.UserID, en.StartupID, sheets) {
				v.Conflicts = append(v.Conflicts, en.StartupID)
			}
		}
	}
	switch {
	case c.Stage == domain.ContestPublished:
		v.Results = c.Results
	case v.IsHost:
		v.Results, v.Provisional = svc.rank(e, sheets), true
	}
	return v
}

func (svc *Alliance) judgeView(ctx context.Context, user string) JudgeView {
	j := JudgeView{UserID: user}
	if inv, err := svc.book.rm.InvestorByOwner(ctx, user); err == nil {
		j.Name, j.Role = inv.Name, string(domain.RoleInvestor)
	} else if id := svc.book.mentorOf(user); id != "" {
		if m, err := svc.book.mentor(id); err == nil {
			j.Name, j.Role = m.Name, string(domain.RoleMentor)
		}
	}
	return j
}

func (svc *Alliance) rank(e *domain.Event, sheets []domain.ScoreSheet) []domain.Placing {
	var ids []string
	names := map[string]string{}
	for _, en := range svc.book.contestEntries(e.ID) {
		ids = append(ids, en.StartupID)
		if r, ok := svc.book.rm.recipientByID(domain.RecipientStartup, en.StartupID); ok {
			names[en.StartupID] = r.Name
		}
	}
	// Only the panel's sheets count: a judge removed from it is not heard.
	sheets = slices.DeleteFunc(sheets, func(s domain.ScoreSheet) bool { return !slices.Contains(e.Contest.Judges, s.JudgeID) })
	return domain.RankEntries(e.Contest, ids, sheets, names)
}

// conflicted reports whether judge may not score startup: they declared a
// conflict, hold it in their pipeline as invested or at term sheet, or
// mentored it (a confirmed or held session).
func (svc *Alliance) conflicted(judge, startup string, sheets []domain.ScoreSheet) bool {
	for _, s := range sheets {
		if s.JudgeID == judge && s.StartupID == startup && s.Conflict {
			return true
		}
	}
	if st := svc.book.rm.pipelineStage(judge, startup); st == "invested" || st == "term-sheet" {
		return true
	}
	if s, err := svc.book.rm.StartupByID(context.Background(), startup); err == nil && s.OwnerID == judge {
		return true
	}
	return svc.book.mentored(judge, startup)
}

// pipelineStage is the stage of startup in investor's pipeline, if any.
func (rm *ReadModel) pipelineStage(investor, startup string) string {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	if p := rm.pipeline[investor+":"+startup]; p != nil {
		return p.Stage
	}
	return ""
}

// mentored reports whether mentor (an account) had a confirmed or held
// session with startup.
func (b *ServiceBook) mentored(mentor, startup string) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, bk := range b.bookings {
		if bk.MentorOwnerID == mentor && bk.StartupID == startup && (bk.Status == domain.BookingConfirmed || bk.Status == domain.BookingHeld) {
			return true
		}
	}
	return false
}

// Enter enters the caller's published startup in a contest taking
// entries; entering again changes nothing.
func (svc *Alliance) Enter(ctx context.Context, actor domain.Actor, id, startupID string) (*ContestView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleFounder {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders enter contests")
	}
	e, err := svc.contest(id)
	if err != nil {
		return nil, err
	}
	s, err := svc.book.rm.StartupByID(ctx, startupID)
	if err != nil || s.OwnerID != actor.UserID {
		return nil, fieldProblem("startupId", "startup_unknown", "not a startup of yours")
	}
	if s.Status != domain.StatusPublished {
		return nil, fieldProblem("startupId", "startup_unpublished", "only a published startup enters")
	}
	if err := svc.taking(e); err != nil {
		return nil, err
	}
	en := domain.ContestEntry{ID: id + ":" + startupID, EventID: id, StartupID: startupID, FounderID: actor.UserID, At: svc.now().UTC()}
	if err := svc.book.db.PutContestEntry(ctx, en); err != nil {
		return nil, err
	}
	svc.book.withAlliance(func(a *allianceRecords) {
		if _, ok := a.entries[id][startupID]; !ok {
			a.putEntry(en)
		}
	})
	return svc.contestView(ctx, actor, e), nil
}

// taking refuses unless contest e takes entries.
func (svc *Alliance) taking(e *domain.Event) error {
	switch {
	case e.Status == domain.EventCancelled:
		return domain.CodedError(domain.KindConflict, "event_cancelled", "the event is cancelled")
	case e.Contest.Stage != domain.ContestOpen:
		return domain.CodedError(domain.KindConflict, "contest_closed", "the contest takes no more entries")
	}
	return nil
}

// Withdraw takes the caller's startup out of a contest taking entries.
func (svc *Alliance) Withdraw(ctx context.Context, actor domain.Actor, id, startupID string) (*ContestView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	e, err := svc.contest(id)
	if err != nil {
		return nil, err
	}
	en, ok := svc.entry(id, startupID)
	if !ok || en.FounderID != actor.UserID {
		return nil, domain.ErrNotFound
	}
	if err := svc.taking(e); err != nil {
		return nil, err
	}
	if err := svc.book.db.DeleteContestEntry(ctx, en.ID); err != nil {
		return nil, err
	}
	svc.book.withAlliance(func(a *allianceRecords) { delete(a.entries[id], startupID) })
	return svc.contestView(ctx, actor, e), nil
}

func (svc *Alliance) entry(id, startupID string) (domain.ContestEntry, bool) {
	for _, en := range svc.book.contestEntries(id) {
		if en.StartupID == startupID {
			return en, true
		}
	}
	return domain.ContestEntry{}, false
}
