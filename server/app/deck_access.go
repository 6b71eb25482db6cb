package app

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Deck access: an investor asks, the founder grants or declines, and may
// revoke a grant later; each answer is a notification to the investor.
// The rules on the record itself are domain.Deck's (Request, Grant,
// Decline, Revoke); this file checks who may act and tells the other side.

// DeckAccess is what a caller may know of a startup's deck: whether there
// is one, whether they may read it and, for an investor, where their
// request stands. The founder (and admins) also get the requests and grants.
type DeckAccess struct {
	HasDeck bool   `json:"hasDeck"`
	Pages   int    `json:"pages"`
	MayRead bool   `json:"mayRead"`
	Request string `json:"request"` // "", pending, declined or granted
	// For the founder only:
	Requests []DeckRequester `json:"requests,omitempty"`
	Grants   []DeckRequester `json:"grants,omitempty"`
}

// DeckRequester is an investor in the founder's list of requests or grants,
// by their one display name.
type DeckRequester struct {
	UserID     string     `json:"userId"`
	Name       string     `json:"name"`
	InvestorID string     `json:"investorId,omitempty"`
	Verified   bool       `json:"verified"`
	Status     string     `json:"status"` // pending, declined or granted
	At         *time.Time `json:"at,omitempty"`
}

// Access answers what actor may know of startupID's deck. A draft's deck is
// nobody's business but its founder's.
func (svc *Decks) Access(ctx context.Context, actor domain.Actor, startupID string) (*DeckAccess, error) {
	s, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	owner := !actor.Anonymous() && actor.Owns(s.OwnerID)
	if !owner && s.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound
	}
	dk, err := svc.store.DeckOf(ctx, startupID)
	if domain.IsKind(err, domain.KindNotFound) {
		return &DeckAccess{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := &DeckAccess{HasDeck: true, Pages: dk.Pages}
	if actor.Anonymous() {
		return out, nil
	}
	if out.MayRead, err = svc.mayRead(ctx, actor, s, dk); err != nil {
		return nil, err
	}
	out.Request = dk.AccessOf(actor.UserID)
	if !owner {
		return out, nil
	}
	out.Requests, out.Grants = []DeckRequester{}, []DeckRequester{}
	who := newNames(ctx, peopleOf(svc.store, svc.investors))
	for _, r := range dk.Requests {
		at := r.At
		out.Requests = append(out.Requests, svc.requester(ctx, who, r.UserID, r.Status, &at))
	}
	for _, g := range dk.Grants {
		out.Grants = append(out.Grants, svc.requester(ctx, who, g, domain.DeckAccessGranted, nil))
	}
	return out, nil
}

// requester describes an investor to the founder by their display name and
// profile, if they have one.
func (svc *Decks) requester(ctx context.Context, who *names, userID, status string, at *time.Time) DeckRequester {
	r := DeckRequester{UserID: userID, Status: status, At: at, Name: who.of(userID, "")}
	if inv, err := svc.investors.InvestorByOwner(ctx, userID); err == nil {
		r.InvestorID, r.Verified = inv.ID, inv.Verified
	}
	return r
}

// Request asks the founder for access to the deck. An investor asks again
// after a decline; one already granted is not asked for again.
func (svc *Decks) Request(ctx context.Context, actor domain.Actor, startupID string) (*DeckAccess, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors request decks")
	}
	s, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if s.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound
	}
	inv, err := svc.investors.InvestorByOwner(ctx, actor.UserID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, errInvestorProfileRequired
	}
	if err != nil {
		return nil, err
	}
	name := newNames(ctx, peopleOf(svc.store, svc.investors)).of(actor.UserID, "")
	// One investor's repeated requests reach the founder once while unread.
	note := Note{UserID: s.OwnerID, Type: domain.NoteDeckRequested, From: actor.UserID, Subject: s.ID,
		Data: map[string]any{"startupId": s.ID, "startupName": s.Name, "investorUserId": actor.UserID, "investorName": name, "verified": inv.Verified}}
	if err := svc.notify.Admit(ctx, &note); err != nil {
		return nil, err
	}
	tell := false
	dk, err := svc.store.UpdateDeck(ctx, startupID, func(dk *domain.Deck) (bool, error) {
		tell = dk.Request(actor.UserID, svc.now().UTC())
		return tell, nil
	})
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.ErrNoDeck
	}
	if err != nil {
		return nil, err
	}
	if tell {
		if err := svc.notify.NotifyMany(ctx, []Note{note}); err != nil {
			return nil, err
		}
	}
	return &DeckAccess{HasDeck: true, Pages: dk.Pages, Request: dk.AccessOf(actor.UserID), MayRead: dk.Granted(actor.UserID) || inv.Verified}, nil
}

// errInvestorProfileRequired: an investor account without a profile.
var errInvestorProfileRequired = domain.CodedError(domain.KindConflict, "profile_required", "create your investor profile first")

// answer applies the founder's (or an admin's) decision to investorUserID's
// access and tells the investor with a note of type typ, if it changed.
func (svc *Decks) answer(ctx context.Context, actor domain.Actor, startupID, investorUserID, typ string, decide func(*domain.Deck) (bool, error)) (*domain.Deck, error) {
	s, err := svc.owned(ctx, actor, startupID)
	if err != nil {
		return nil, err
	}
	if !domain.ValidID(investorUserID) {
		return nil, domain.FieldInvalid("investorUserId", "invalid_id", "must be a user id")
	}
	changed := false
	dk, err := svc.store.UpdateDeck(ctx, startupID, func(dk *domain.Deck) (bool, error) {
		c, err := decide(dk)
		changed = c
		return c, err
	})
	if e, ok := domain.AsError(err); ok && e.Code == domain.ErrNotFound.Code {
		return nil, domain.ErrNoDeck // the deck, since the startup was found
	}
	if err != nil {
		return nil, err
	}
	if changed {
		// Granting again tells nothing new (domain.NoteRuleOf).
		if err := svc.notify.NotifyMany(ctx, []Note{{UserID: investorUserID, Type: typ, From: actor.UserID, Subject: s.ID,
			Data: map[string]any{"startupId": s.ID, "startupName": s.Name}}}); err != nil {
			return nil, err
		}
	}
	return dk, nil
}

// Grant lets an investor read the deck, answering their request if they
// made one; only the founder or an admin may.
func (svc *Decks) Grant(ctx context.Context, actor domain.Actor, startupID, investorUserID string) (*domain.Deck, error) {
	if _, err := svc.owned(ctx, actor, startupID); err != nil {
		return nil, err
	}
	if domain.ValidID(investorUserID) {
		u, err := svc.store.UserByID(ctx, investorUserID)
		if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.Role != domain.RoleInvestor) {
			return nil, domain.FieldInvalid("investorUserId", "not_investor", "must be an investor")
		}
		if err != nil {
			return nil, err
		}
	}
	return svc.answer(ctx, actor, startupID, investorUserID, domain.NoteDeckGranted, func(dk *domain.Deck) (bool, error) {
		return dk.Grant(investorUserID), nil
	})
}

// Decline answers an investor's pending request with no; only the founder
// or an admin may. The investor may ask again.
func (svc *Decks) Decline(ctx context.Context, actor domain.Actor, startupID, investorUserID string) (*domain.Deck, error) {
	now := svc.now().UTC()
	return svc.answer(ctx, actor, startupID, investorUserID, domain.NoteDeckDeclined, func(dk *domain.Deck) (bool, error) {
		return true, dk.Decline(investorUserID, now)
	})
}

// Revoke withdraws a grant; only the founder or an admin may. It does not
// stop a verified investor, who reads every published deck.
func (svc *Decks) Revoke(ctx context.Context, actor domain.Actor, startupID, investorUserID string) (*domain.Deck, error) {
	return svc.answer(ctx, actor, startupID, investorUserID, domain.NoteDeckRevoked, func(dk *domain.Deck) (bool, error) {
		return true, dk.Revoke(investorUserID)
	})
}
