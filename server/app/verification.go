package app

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// VerificationProfiles are the profiles an admin verifies and their
// owners; the read model implements it.
type VerificationProfiles interface {
	InvestorByID(ctx context.Context, id string) (*domain.Investor, error)
	UpdateInvestor(ctx context.Context, inv *domain.Investor, prevVersion int) error
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
	UpdateSpace(ctx context.Context, s *domain.Space, prevVersion int) error
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
	EachSpace(ctx context.Context, fn func(domain.Space) error) error
	UserByID(ctx context.Context, id string) (*domain.User, error)
}

// VerificationRequests stores the requests; the database implements it.
type VerificationRequests interface {
	SaveVerification(ctx context.Context, r *domain.VerificationRequest) error
	VerificationOf(ctx context.Context, kind, subjectID string) (*domain.VerificationRequest, error)
	Verifications(ctx context.Context) ([]domain.VerificationRequest, error)
}

// Verifications runs the verification of investors and spaces: the owner
// submits evidence, an admin verifies or rejects it with a reason, and the
// owner is told. It is safe for concurrent use.
type Verifications struct {
	profiles VerificationProfiles
	requests VerificationRequests
	notify   Notify
	log      *slog.Logger
	now      func() time.Time
}

// NewVerifications returns a Verifications service.
func NewVerifications(profiles VerificationProfiles, requests VerificationRequests, notify Notify, log *slog.Logger) *Verifications {
	return &Verifications{profiles: profiles, requests: requests, notify: notify, log: log, now: time.Now}
}

// subject is a profile to verify, whatever its kind.
type subject struct {
	Kind, ID, OwnerID, Name, Detail string
	Verified                        bool
}

func (svc *Verifications) subject(ctx context.Context, kind, id string) (*subject, error) {
	switch kind {
	case domain.VerifyInvestor:
		inv, err := svc.profiles.InvestorByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return investorSubject(inv), nil
	case domain.VerifySpace:
		sp, err := svc.profiles.SpaceByID(ctx, id)
		if err != nil {
			return nil, err
		}
		return spaceSubject(sp), nil
	}
	return nil, domain.ErrNotFound
}

func investorSubject(inv *domain.Investor) *subject {
	return &subject{Kind: domain.VerifyInvestor, ID: inv.ID, OwnerID: inv.OwnerID, Name: inv.Name, Detail: inv.Kind, Verified: inv.Verified}
}

func spaceSubject(sp *domain.Space) *subject {
	return &subject{Kind: domain.VerifySpace, ID: sp.ID, OwnerID: sp.OwnerID, Name: sp.Name, Detail: sp.Level, Verified: sp.Verified}
}

// verify marks the profile verified, through the store every write of it
// takes (so the read model, the index and the deal flow follow).
func (svc *Verifications) verify(ctx context.Context, s *subject) error {
	switch s.Kind {
	case domain.VerifyInvestor:
		inv, err := svc.profiles.InvestorByID(ctx, s.ID)
		if err != nil {
			return err
		}
		inv.Verified, inv.UpdatedAt = true, svc.now().UTC()
		return svc.profiles.UpdateInvestor(ctx, inv, inv.Version)
	case domain.VerifySpace:
		sp, err := svc.profiles.SpaceByID(ctx, s.ID)
		if err != nil {
			return err
		}
		sp.Verified, sp.UpdatedAt = true, svc.now().UTC()
		return svc.profiles.UpdateSpace(ctx, sp, sp.Version)
	}
	return domain.ErrNotFound
}

// request returns the stored request for s, or a new one without evidence
// (an admin may decide on a profile whose owner never asked).
func (svc *Verifications) request(ctx context.Context, s *subject) (*domain.VerificationRequest, error) {
	r, err := svc.requests.VerificationOf(ctx, s.Kind, s.ID)
	if domain.IsKind(err, domain.KindNotFound) {
		return &domain.VerificationRequest{Kind: s.Kind, SubjectID: s.ID, OwnerID: s.OwnerID, Status: domain.VerifyPending}, nil
	}
	return r, err
}

// Submit (re)submits the verification of the caller's profile with
// evidence. Only its owner submits.
func (svc *Verifications) Submit(ctx context.Context, actor domain.Actor, kind, id string, ev domain.Evidence) (*domain.VerificationRequest, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.subject(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if s.OwnerID != actor.UserID {
		return nil, domain.ErrForbidden
	}
	var v domain.Validator
	ev.Check(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := svc.request(ctx, s)
	if err != nil {
		return nil, err
	}
	if err := r.Submit(ev, s.Verified, svc.now().UTC()); err != nil {
		return nil, err
	}
	r.OwnerID = s.OwnerID
	if err := svc.requests.SaveVerification(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Status returns the verification of a profile as its owner or an admin
// sees it: the request with the decision, or, if none was made, one with
// the profile's state (verified, or "" when nothing was asked).
func (svc *Verifications) Status(ctx context.Context, actor domain.Actor, kind, id string) (*domain.VerificationRequest, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.subject(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrForbidden
	}
	r, err := svc.requests.VerificationOf(ctx, kind, id)
	if domain.IsKind(err, domain.KindNotFound) {
		r, err = &domain.VerificationRequest{Kind: kind, SubjectID: id, OwnerID: s.OwnerID}, nil
	}
	if err != nil {
		return nil, err
	}
	if s.Verified {
		r.Status = domain.VerifyVerified // verified by an admin before requests existed
	}
	return r, nil
}

// QueueItem is one profile waiting for an admin, with its evidence.
type QueueItem struct {
	Kind      string `json:"kind"`
	SubjectID string `json:"subjectId"`
	Name      string `json:"name"`
	// Detail is the investor's kind or the space's level, a code.
	Detail    string `json:"detail"`
	OwnerName string `json:"ownerName"`
	OwnerMail string `json:"ownerEmail"`
	// Request is the owner's request, nil if they never submitted one.
	Request *domain.VerificationRequest `json:"request"`
}

// Queue returns every unverified investor and space for an admin:
// submitted requests first (oldest first), then profiles with no
// evidence, then those rejected and not submitted again.
func (svc *Verifications) Queue(ctx context.Context, actor domain.Actor) ([]QueueItem, error) {
	if !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "admin_only", "admins only")
	}
	var subjects []*subject
	if err := svc.profiles.EachInvestor(ctx, func(inv domain.Investor) error {
		if !inv.Verified {
			subjects = append(subjects, investorSubject(&inv))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := svc.profiles.EachSpace(ctx, func(sp domain.Space) error {
		if !sp.Verified {
			subjects = append(subjects, spaceSubject(&sp))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	reqs, err := svc.requests.Verifications(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]*domain.VerificationRequest{}
	for i := range reqs {
		byID[reqs[i].ID] = &reqs[i]
	}
	out := make([]QueueItem, 0, len(subjects))
	for _, s := range subjects {
		it := QueueItem{Kind: s.Kind, SubjectID: s.ID, Name: s.Name, Detail: s.Detail, Request: byID[domain.VerificationID(s.Kind, s.ID)]}
		if u, err := svc.profiles.UserByID(ctx, s.OwnerID); err == nil {
			it.OwnerName, it.OwnerMail = u.Name, u.Email
		} else if !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
		out = append(out, it)
	}
	rank := func(it QueueItem) int {
		switch {
		case it.Request == nil:
			return 1
		case it.Request.Status == domain.VerifyPending:
			return 0
		}
		return 2
	}
	slices.SortFunc(out, func(a, b QueueItem) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		if a.Request != nil && b.Request != nil {
			if c := a.Request.SubmittedAt.Compare(b.Request.SubmittedAt); c != 0 {
				return c
			}
		}
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.SubjectID, b.SubjectID))
	})
	return out, nil
}

// Decision is an admin's decision on a verification.
type Decision struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"` // one of domain.RejectReasons when rejecting
	Note    string `json:"note"`   // the admin's words to the owner
}

// Decide verifies or rejects a profile, as an admin, and tells its owner
// (with the reason when rejected).
func (svc *Verifications) Decide(ctx context.Context, actor domain.Actor, kind, id string, d Decision) (*domain.VerificationRequest, error) {
	if !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "admin_only", "admins only")
	}
	s, err := svc.subject(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if s.Verified {
		return nil, domain.ErrAlreadyVerified
	}
	r, err := svc.request(ctx, s)
	if err != nil {
		return nil, err
	}
	if r.Status == domain.VerifyRejected && !d.Approve {
		return nil, domain.ErrNotPending
	}
	// A rejected profile may still be verified (the admin found the
	// evidence elsewhere): it counts as waiting again.
	r.Status = domain.VerifyPending
	if err := r.Decide(actor.UserID, d.Approve, d.Reason, d.Note, svc.now().UTC()); err != nil {
		return nil, err
	}
	r.OwnerID = s.OwnerID
	// The profile first: a crash before the request is saved leaves a
	// verified profile, which the queue no longer lists.
	if d.Approve {
		if err := svc.verify(ctx, s); err != nil {
			return nil, err
		}
	}
	if err := svc.requests.SaveVerification(ctx, r); err != nil {
		return nil, err
	}
	data := map[string]any{"kind": s.Kind, "subjectId": s.ID, "name": s.Name, "verified": d.Approve}
	if !d.Approve {
		data["reason"], data["note"] = r.Reason, r.AdminNote
	}
	if err := svc.notify.Notify(ctx, s.OwnerID, domain.NoteVerification, data); err != nil {
		// The decision stands; the owner sees it on their page.
		svc.log.WarnContext(ctx, "verification notice", "kind", s.Kind, "subject", s.ID, "err", err)
	}
	return r, nil
}
