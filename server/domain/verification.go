package domain

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of profile an admin verifies. Another kind (a mentor) joins by
// giving the Verifications service a subject of its own.
const (
	VerifyInvestor = "investor"
	VerifySpace    = "space"
)

// Verification statuses.
const (
	VerifyPending  = "pending"
	VerifyVerified = "verified"
	VerifyRejected = "rejected"
)

// RejectReasons are the reasons an admin may give for a rejection; the web
// app has the words for each. "other" needs the admin's note.
var RejectReasons = []string{"evidence_missing", "evidence_unverifiable", "not_in_program", "duplicate_profile", "other"}

// Evidence is what the owner of a profile offers an admin to verify it
// against.
type Evidence struct {
	Organization string `json:"organization" bson:"organization"`
	Title        string `json:"title" bson:"title"`
	LicenceNo    string `json:"licenceNo" bson:"licenceNo"` // business licence or registration number
	Link         string `json:"link" bson:"link"`           // a page that shows it (the firm's site, a registry entry)
	Note         string `json:"note" bson:"note"`
}

// VerificationRequest is a profile's request to be verified and the
// admin's decision; one per profile, under kind:subjectID.
type VerificationRequest struct {
	ID          string     `json:"-" bson:"_id"`
	Kind        string     `json:"kind" bson:"kind"`
	SubjectID   string     `json:"subjectId" bson:"subjectId"`
	OwnerID     string     `json:"ownerId" bson:"ownerId"`
	Status      string     `json:"status" bson:"status"`
	Evidence    Evidence   `json:"evidence" bson:"evidence"`
	Reason      string     `json:"reason,omitempty" bson:"reason,omitempty"` // one of RejectReasons
	AdminNote   string     `json:"adminNote,omitempty" bson:"adminNote,omitempty"`
	SubmittedAt time.Time  `json:"submittedAt" bson:"submittedAt"`
	DecidedAt   *time.Time `json:"decidedAt,omitempty" bson:"decidedAt,omitempty"`
	DecidedBy   string     `json:"-" bson:"decidedBy,omitempty"`
}

// VerificationID is the stored id of kind's request for subjectID.
func VerificationID(kind, subjectID string) string { return kind + ":" + subjectID }

// Refusals of the verification rules.
var (
	ErrAlreadyVerified = CodedError(KindConflict, "already_verified", "the profile is verified already")
	ErrNotPending      = CodedError(KindConflict, "not_pending", "no request waits for a decision")
)

// Evidence limits.
const (
	maxEvidenceText = 60
	maxLicence      = 40
	maxEvidenceNote = 500
	maxEvidenceLink = 300
)

// Check reports every problem of e under field names evidence.<name>: an
// organisation, and a licence number or a link to check it against.
func (e *Evidence) Check(v *Validator) {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	trim(&e.Organization)
	trim(&e.Title)
	trim(&e.LicenceNo)
	trim(&e.Link)
	trim(&e.Note)
	n := utf8.RuneCountInString
	v.CheckCode(e.Organization != "", "evidence.organization", "required", "required")
	v.CheckCode(n(e.Organization) <= maxEvidenceText, "evidence.organization", "too_long", "too long")
	v.CheckCode(n(e.Title) <= maxEvidenceText, "evidence.title", "too_long", "too long")
	v.CheckCode(e.LicenceNo != "" || e.Link != "", "evidence.licenceNo", "evidence_required", "give a licence number or a link")
	v.CheckCode(len(e.LicenceNo) <= maxLicence && licenceChars(e.LicenceNo), "evidence.licenceNo", "invalid_licence", "letters, digits and dashes")
	u, err := url.Parse(e.Link)
	v.CheckCode(e.Link == "" || (err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && len(e.Link) <= maxEvidenceLink),
		"evidence.link", "invalid_url", "an http(s) URL")
	v.CheckCode(n(e.Note) <= maxEvidenceNote, "evidence.note", "too_long", "too long")
}

func licenceChars(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// Submit (re)submits the request with evidence at now: a rejected request
// waits again, a pending one takes the new evidence; a verified profile
// needs none.
func (r *VerificationRequest) Submit(e Evidence, verified bool, now time.Time) error {
	if verified {
		return ErrAlreadyVerified
	}
	r.Status, r.Evidence, r.SubmittedAt = VerifyPending, e, now
	r.Reason, r.AdminNote, r.DecidedAt, r.DecidedBy = "", "", nil, ""
	return nil
}

// Decide records admin's decision at now: verified, or rejected with one of
// RejectReasons (and a note, needed for "other"). Only a pending request is
// decided.
func (r *VerificationRequest) Decide(admin string, approve bool, reason, note string, now time.Time) error {
	note = strings.TrimSpace(note)
	if !approve {
		var v Validator
		v.CheckCode(contains(RejectReasons, reason), "reason", "invalid_reason", "one of the reject reasons")
		v.CheckCode(reason != "other" || note != "", "note", "required", "say why")
		v.CheckCode(utf8.RuneCountInString(note) <= maxEvidenceNote, "note", "too_long", "too long")
		if err := v.Err(); err != nil {
			return err
		}
	}
	if r.Status != VerifyPending {
		return ErrNotPending
	}
	r.Status, r.Reason, r.AdminNote = VerifyVerified, "", note
	if !approve {
		r.Status, r.Reason = VerifyRejected, reason
	}
	r.DecidedAt, r.DecidedBy = &now, admin
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
