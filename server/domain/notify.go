package domain

import "time"

// Notification types.
const (
	NoteInterest       = "interest"        // an investor is interested in your startup
	NoteIntroRequested = "intro.requested" // someone asks you for an introduction
	NoteIntroAccepted  = "intro.accepted"
	NoteIntroDeclined  = "intro.declined"
	NoteMatch          = "match"              // a startup that fits your thesis was published
	NoteDeckRequested  = "deck.requested"     // an investor asks to see your deck
	NoteDeckGranted    = "deck.granted"       // a founder let you see their deck
	NoteDeckDeclined   = "deck.declined"      // a founder declined your request for their deck
	NoteDeckRevoked    = "deck.revoked"       // a founder withdrew your access to their deck
	NoteRoadshowNew    = "roadshow.scheduled" // a roadshow in your sectors or space
	NoteRoadshowSoon   = "roadshow.soon"      // a roadshow you registered for starts in 15 minutes
	NoteRoadshowLive   = "roadshow.started"
	NoteRoadshowInvite = "roadshow.invitation" // a host invites your startup to present
	NoteRoadshowAnswer = "roadshow.answered"   // a founder accepted or declined your invitation
	NoteRoadshowGuest  = "roadshow.guest"      // a host invites you to attend
	// NoteRoadshowGuestAnswer tells a host a guest accepted or declined.
	NoteRoadshowGuestAnswer = "roadshow.rsvp"
	NoteQuestion            = "question"             // a new question on your pitch
	NoteVerification        = "verification.decided" // an admin verified or rejected your profile
	NoteDigest              = "digest"               // the daily summary of what waited

	NoteMentorRequested = "mentor.requested" // a founder asks for one of your office hours
	NoteMentorAnswered  = "mentor.answered"  // the mentor confirmed or declined your booking
	NoteMentorCancelled = "mentor.cancelled"
	NoteMentorRecorded  = "mentor.recorded"  // the other side recorded your session
	NoteRequestNew      = "request.new"      // a founder asks you (a provider, or the IP contact) for help
	NoteRequestAnswered = "request.answered" // your request has an answer
	NoteEventSoon       = "event.soon"       // an alliance event you registered for starts within 15 minutes
	NoteEventChanged    = "event.changed"    // its time or place changed
	NoteEventCancelled  = "event.cancelled"  // its host cancelled it
	NoteContestJudge    = "contest.judge"    // you were named a contest's judge
	NoteContestResults  = "contest.results"  // a contest you entered or judged published its ranking
)

// NotificationTypes lists every type a user can set a delivery for (the
// settings page lists what the server returns, so a type added here is
// offered there; the web app's i18n test asks words for each).
var NotificationTypes = []string{NoteInterest, NoteIntroRequested, NoteIntroAccepted, NoteIntroDeclined, NoteMatch,
	NoteDeckRequested, NoteDeckGranted, NoteDeckDeclined, NoteDeckRevoked, NoteRoadshowNew, NoteRoadshowSoon, NoteRoadshowLive, NoteRoadshowInvite,
	NoteRoadshowAnswer, NoteRoadshowGuest, NoteRoadshowGuestAnswer, NoteQuestion, NoteVerification,
	NoteMentorRequested, NoteMentorAnswered, NoteMentorCancelled, NoteMentorRecorded, NoteRequestNew, NoteRequestAnswered,
	NoteEventSoon, NoteEventChanged, NoteEventCancelled, NoteContestJudge, NoteContestResults}

// Deliveries: how a type of notification reaches a user.
const (
	DeliverLive   = "live"   // stored and pushed to open sessions at once
	DeliverDigest = "digest" // stored, not pushed; summed up in the daily digest
	DeliverOff    = "off"    // not stored
)

// Notification is one stored message to a user.
type Notification struct {
	ID        string         `json:"id" bson:"_id"`
	UserID    string         `json:"-" bson:"userId"`
	Type      string         `json:"type" bson:"type"`
	Data      map[string]any `json:"data" bson:"data"`
	Read      bool           `json:"read" bson:"read"`
	Digest    bool           `json:"digest" bson:"digest"`
	Digested  bool           `json:"-" bson:"digested"` // summed up in a daily digest already
	CreatedAt time.Time      `json:"createdAt" bson:"createdAt"`
}

// NotificationSettings are a user's delivery choices by type.
type NotificationSettings struct {
	UserID string            `json:"-"`
	Types  map[string]string `json:"types"`
}

// Delivery returns how type t reaches the user; live unless set otherwise.
func (s *NotificationSettings) Delivery(t string) string {
	if d, ok := s.Types[t]; ok {
		return d
	}
	return DeliverLive
}

// Intro statuses.
const (
	IntroPending  = "pending"
	IntroAccepted = "accepted"
	IntroDeclined = "declined"
)

// Intro is a double opt-in introduction between an investor and a startup.
type Intro struct {
	ID             string     `json:"id" bson:"_id"`
	StartupID      string     `json:"startupId" bson:"startupId"`
	StartupName    string     `json:"startupName" bson:"startupName"`
	FounderID      string     `json:"founderId" bson:"founderId"`
	InvestorUserID string     `json:"investorUserId" bson:"investorUserId"`
	InvestorID     string     `json:"investorId" bson:"investorId"`
	InvestorName   string     `json:"investorName" bson:"investorName"`
	FromID         string     `json:"fromId" bson:"fromId"` // who proposed: the founder or the investor user
	Message        string     `json:"message" bson:"message"`
	Status         string     `json:"status" bson:"status"`
	CreatedAt      time.Time  `json:"createdAt" bson:"createdAt"`
	DecidedAt      *time.Time `json:"decidedAt,omitempty" bson:"decidedAt,omitempty"`
	Version        int        `json:"-" bson:"version"`
}

// Pipeline stages of an investor's private pipeline.
var PipelineStages = []string{"watching", "contacted", "meeting", "due-diligence", "term-sheet", "invested", "passed"}

// PipelineItem is one startup in an investor's private pipeline.
type PipelineItem struct {
	ID         string    `json:"-" bson:"_id"` // investorUserID:startupID
	InvestorID string    `json:"-" bson:"investorId"`
	StartupID  string    `json:"startupId" bson:"startupId"`
	Stage      string    `json:"stage" bson:"stage"`
	Note       string    `json:"note" bson:"note"`
	UpdatedAt  time.Time `json:"updatedAt" bson:"updatedAt"`
}
