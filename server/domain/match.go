package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Feedback actions an investor gives a startup in the deal flow.
const (
	FeedbackInterested = "interested"
	FeedbackPass       = "pass"
	FeedbackSave       = "save"
)

// Feedback is one investor's latest word on one startup.
type Feedback struct {
	ID         string    `json:"-" bson:"_id"` // investorUserID + ":" + startupID
	InvestorID string    `json:"investorUserId" bson:"investorId"`
	StartupID  string    `json:"startupId" bson:"startupId"`
	Action     string    `json:"action" bson:"action"`
	At         time.Time `json:"at" bson:"at"`
}

// FeedbackID is the stored id of an investor's feedback on a startup.
func FeedbackID(investorUserID, startupID string) string { return investorUserID + ":" + startupID }

// Reason is one part of a match explanation, in codes and numbers: the
// web app words it (i18n.ts's reasonText) with the taxonomy's names, so
// the server sends no sentences. Code names the kind of fit and OK says
// whether it speaks for the match; the other fields are what the words
// name, set only where the code uses them:
//
//   - sector, sector_related (Family), sector_open: Sector
//   - stage, stage_near, stage_far, stage_open: Stage
//   - cheque, cheque_near: AskWan, MinWan, MaxWan (MaxWan 0: no upper bound)
//   - district, district_open: District
//   - shared_space, feedback, fresh, complete: nothing more
//   - contest_winner: Contest (its title) and Place (the rank won)
type Reason struct {
	Code     string  `json:"code"`
	OK       bool    `json:"ok"`
	Sector   string  `json:"sector,omitempty"`
	Family   string  `json:"family,omitempty"`
	Stage    string  `json:"stage,omitempty"`
	District string  `json:"district,omitempty"`
	AskWan   float64 `json:"askWan,omitempty"`
	MinWan   float64 `json:"minWan,omitempty"`
	MaxWan   float64 `json:"maxWan,omitempty"`
	Contest  string  `json:"contest,omitempty"`
	Place    int     `json:"place,omitempty"`
	// raw is the reason as JSON, made once by Encoded for the reasons
	// every answer reuses.
	raw []byte
}

// Encoded returns r carrying its JSON, which AppendJSON then copies.
func (r Reason) Encoded() Reason {
	r.raw = nil
	r.raw = r.AppendJSON(nil)
	return r
}

// Completeness is the share, 0..1, of the pitch that a founder has filled
// in beyond the required fields (Checks); investors prefer complete profiles.
func (s *Startup) Completeness() float64 { return shareDone(s.Checks()) }

// Step is one thing to fill in or do, by a stable code the web app words.
type Step struct {
	Code string `json:"code"`
	Done bool   `json:"done"`
}

// Checks are the parts of a pitch beyond the required fields, in the order
// a founder is asked for them; Completeness is the share done.
func (s *Startup) Checks() []Step {
	return []Step{
		{"oneLiner", strings.TrimSpace(s.OneLiner) != ""},
		{"description", utf8.RuneCountInString(s.Description) >= 100},
		{"team", len(s.Team) > 0},
		{"traction", strings.TrimSpace(s.Traction) != ""},
		{"links", len(s.Links) > 0},
		{"foundedYear", s.FoundedYear > 0},
		{"teamSize", s.TeamSize > 0},
		{"space", s.SpaceID != ""},
		{"investorsOnly", s.Private != nil && (s.Private.UseOfFunds != "" || s.Private.Financials != "")},
	}
}

// Checks are the parts of an investor's profile founders look for beyond
// the name: the thesis, the cheque range and who they are.
func (inv *Investor) Checks() []Step {
	return []Step{
		{"sectors", len(inv.Sectors) > 0},
		{"stages", len(inv.Stages) > 0},
		{"cheque", inv.CheckMaxWan > 0},
		{"title", strings.TrimSpace(inv.Title) != "" || strings.TrimSpace(inv.Organization) != ""},
		{"bio", strings.TrimSpace(inv.Bio) != ""},
	}
}

// Completeness is the share, 0..1, of Checks done.
func (inv *Investor) Completeness() float64 { return shareDone(inv.Checks()) }

func shareDone(steps []Step) float64 {
	n := 0
	for _, st := range steps {
		if st.Done {
			n++
		}
	}
	return float64(n) / float64(len(steps))
}

// StartupCard is the short public form of a startup shown in ranked lists.
type StartupCard struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	OneLiner    string     `json:"oneLiner"`
	Sector      string     `json:"sector"`
	Stage       string     `json:"stage"`
	AskWan      float64    `json:"askWan"`
	District    string     `json:"district"`
	SpaceID     string     `json:"spaceId"`
	TeamSize    int        `json:"teamSize"`
	FoundedYear int        `json:"foundedYear"`
	Traction    string     `json:"traction"`
	Tags        []string   `json:"tags"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	PublishedAt *time.Time `json:"publishedAt,omitempty"`
}

// Card returns the list form of s.
func (s *Startup) Card() *StartupCard {
	return &StartupCard{ID: s.ID, Name: s.Name, OneLiner: s.OneLiner, Sector: s.Sector, Stage: s.Stage, AskWan: s.AskWan,
		District: s.District, SpaceID: s.ResidentSpace(), TeamSize: s.TeamSize, FoundedYear: s.FoundedYear, Traction: s.Traction,
		Tags: s.Tags, UpdatedAt: s.UpdatedAt, PublishedAt: s.PublishedAt}
}

// ChangeKind says what changed in a stored change. The kinds written to
// the outbox are those a durable consumer (the search index, match alerts)
// must not miss; the others only move the in-memory read model, which is
// rebuilt from the database at every start.
type ChangeKind string

// Change kinds.
const (
	// Outbox kinds: a profile's record changed or was deleted.
	ChangeStartup  ChangeKind = "startup"
	ChangeInvestor ChangeKind = "investor"
	ChangeSpace    ChangeKind = "space"
	// ChangeMatchAlert: a startup was newly published or moved to another
	// sector or stage, and the investors it fits must hear of it once the
	// write that gives it Version has landed.
	ChangeMatchAlert ChangeKind = "match-alert"

	// Read-model kinds (memory only): the records the figures count.
	ChangeFeedback   ChangeKind = "feedback"
	ChangeRoadshow   ChangeKind = "roadshow"
	ChangeIntro      ChangeKind = "intro"
	ChangePipeline   ChangeKind = "pipeline"
	ChangeAttendance ChangeKind = "attendance"
)

// OutboxEntry is one change waiting for the dispatcher: a mark written to
// the database before (and after) the write it announces.
type OutboxEntry struct {
	ID    string     `bson:"_id"` // kind:docID
	Kind  ChangeKind `bson:"kind"`
	DocID string     `bson:"docId"`
	// Version is, for a match alert, the version the announced write gives
	// the startup: the alert waits until the stored startup has it.
	Version int       `bson:"version,omitempty"`
	Seq     int64     `bson:"seq"`
	At      time.Time `bson:"at"`
}
