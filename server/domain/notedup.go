package domain

import "time"

// Notification de-duplication and per-sender limits: one person's repeated
// acts (60 requests for one deck, "interested" pressed again and again)
// reach the other as one notification, and no one floods others. One rule
// for every kind a person causes; the kinds differ only in the table below.

// NoteDedupKey names a notification for de-duplication: same recipient,
// same type, same sender, same subject (a startup, a roadshow). While the
// notification so named tells it already (NoteSuppressed), another one
// like it is not stored. Notes with no sender are never merged.
func NoteDedupKey(userID, typ, from, subject string) string {
	if from == "" {
		return ""
	}
	return userID + "\x00" + typ + "\x00" + from + "\x00" + subject
}

// NoteRule is how the notifications of one type that a person causes are
// de-duplicated and limited.
type NoteRule struct {
	// Quiet is how long after a like notification another may be stored
	// even once the first is read: a state ("interested", "granted") told
	// twice tells nothing new. Zero: as soon as the last one is read (a
	// request asked again is a reminder).
	Quiet time.Duration
	// Limited notes count against their sender's limit: the acts that
	// start something (a request, a signal, a question). Answers to what
	// the recipient started do not, nor does an invitation a host can send
	// only once per startup and roadshow (the de-duplication sees to it).
	Limited bool
}

// noteRules: every type a person causes. Types absent (match alerts,
// roadshow announcements, digests) are the platform's fan-outs: they have
// no sender and are neither merged nor limited here.
var noteRules = map[string]NoteRule{
	NoteInterest:       {Quiet: 30 * 24 * time.Hour, Limited: true},
	NoteDeckRequested:  {Limited: true},
	NoteIntroRequested: {Limited: true},
	NoteQuestion:       {Limited: true},
	NoteDeckGranted:    {Quiet: 30 * 24 * time.Hour},
	NoteDeckDeclined:   {},
	NoteDeckRevoked:    {},
	NoteIntroAccepted:  {},
	NoteIntroDeclined:  {},
	NoteRoadshowInvite: {},
	NoteRoadshowAnswer: {},
}

// NoteRuleOf returns the rule for notifications of type typ.
func NoteRuleOf(typ string) NoteRule { return noteRules[typ] }

// NoteSuppressed decides whether a note of type typ is not stored because
// last, the last notification stored under the same NoteDedupKey (nil if
// none, or gone), tells it already: while last is unread, and for its
// type's quiet time after it was stored.
func NoteSuppressed(typ string, last *Notification, now time.Time) bool {
	if last == nil {
		return false
	}
	return !last.Read || now.Sub(last.CreatedAt) < NoteRuleOf(typ).Quiet
}

// Per-sender limits: the notifications one user may cause others, as a
// burst and a steady rate.
const (
	SenderNoteBurst   = 20
	SenderNotesPerDay = 100
)

// ErrSenderLimit refuses an act that would notify others beyond the
// sender's limit.
var ErrSenderLimit = CodedError(KindRateLimited, "sender_limit",
	"you have notified others too often; try again later")
