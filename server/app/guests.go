package app

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// GuestDirectory finds the people a host may invite to a roadshow and
// names those invited. The read model implements it.
type GuestDirectory interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
	InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error)
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
}

// Guest is one person on a roadshow's guest list, as its host sees it.
type Guest struct {
	UserID       string      `json:"userId"`
	Name         string      `json:"name"`
	Role         domain.Role `json:"role"`
	Organization string      `json:"organization,omitempty"`
	// Status is the guest's answer (domain.GuestInvited, GuestAccepted,
	// GuestDeclined); for a search result, "" when not invited yet.
	Status string `json:"status"`
}

// GuestInput invites people to a roadshow by user id or by the email
// address of their account.
type GuestInput struct {
	UserIDs []string `json:"userIds"`
	Emails  []string `json:"emails"`
}

// GuestList is a roadshow's guest list.
type GuestList struct {
	Items []Guest `json:"items"`
	Total int     `json:"total"`
}

// maxGuestInput bounds the people invited in one request.
const maxGuestInput = 100

// guestOf describes userID as a guest of r.
func (svc *Roadshows) guestOf(ctx context.Context, r *domain.Roadshow, userID string) (Guest, error) {
	g := Guest{UserID: userID, Status: r.GuestStatus(userID)}
	u, err := svc.store.UserByID(ctx, userID)
	if domain.IsKind(err, domain.KindNotFound) {
		return g, nil // an account deleted since: still listed, so the host can remove it
	}
	if err != nil {
		return g, err
	}
	g.Name, g.Role = u.Name, u.Role
	if u.Role == domain.RoleInvestor {
		if inv, err := svc.store.InvestorByOwner(ctx, userID); err == nil {
			g.Name, g.Organization = inv.Name, inv.Organization // the name people know them by
		}
	}
	return g, nil
}

// Guests returns roadshow id's guest list with each guest's answer; only
// its host sees it.
func (svc *Roadshows) Guests(ctx context.Context, actor domain.Actor, id string) (*GuestList, error) {
	r, err := svc.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return svc.guestList(ctx, r)
}

func (svc *Roadshows) guestList(ctx context.Context, r *domain.Roadshow) (*GuestList, error) {
	out := &GuestList{Items: []Guest{}}
	for _, u := range r.Invited {
		g, err := svc.guestOf(ctx, r, u)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, g)
	}
	out.Total = len(out.Items)
	return out, nil
}

// InviteGuests adds people to roadshow id's guest list, as its host, and
// tells each one newly invited. Emails must belong to accounts: the
// invitee answers signed in.
func (svc *Roadshows) InviteGuests(ctx context.Context, actor domain.Actor, id string, in GuestInput) (*GuestList, error) {
	r, err := svc.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var v domain.Validator
	v.CheckCode(len(in.UserIDs)+len(in.Emails) > 0, "userIds", "required", "name someone to invite")
	v.CheckCode(len(in.UserIDs)+len(in.Emails) <= maxGuestInput, "userIds", "too_many", "at most 100 at once")
	users := []string{}
	for i, u := range in.UserIDs {
		if !domain.ValidID(u) {
			v.CheckCode(false, fmt.Sprintf("userIds[%d]", i), "invalid_id", "must be a user id")
			continue
		}
		if _, err := svc.store.UserByID(ctx, u); domain.IsKind(err, domain.KindNotFound) {
			v.CheckCode(false, fmt.Sprintf("userIds[%d]", i), "no_such_user", "no such user")
			continue
		} else if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	for i, e := range in.Emails {
		field := fmt.Sprintf("emails[%d]", i)
		e = strings.ToLower(strings.TrimSpace(e))
		if !validEmail(e) {
			v.CheckCode(false, field, "invalid_email", "invalid email address")
			continue
		}
		u, err := svc.store.UserByEmail(ctx, e)
		if domain.IsKind(err, domain.KindNotFound) {
			v.CheckCode(false, field, "no_account", "no account has this email address")
			continue
		} else if err != nil {
			return nil, err
		}
		users = append(users, u.ID)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	added, err := r.InviteGuests(actor.UserID, users)
	if err != nil {
		return nil, err
	}
	if len(added) > 0 {
		if err := svc.saveGuests(ctx, r); err != nil {
			return nil, err
		}
		svc.announce(domain.NoteRoadshowGuest, r, added)
	}
	return svc.guestList(ctx, r)
}

// RemoveGuest takes userID off roadshow id's guest list, as its host; an
// invitation-only room no longer admits them.
func (svc *Roadshows) RemoveGuest(ctx context.Context, actor domain.Actor, id, userID string) (*GuestList, error) {
	r, err := svc.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !r.RemoveGuest(userID) {
		return nil, domain.ErrNotFound
	}
	if err := svc.saveGuests(ctx, r); err != nil {
		return nil, err
	}
	return svc.guestList(ctx, r)
}

// saveGuests stores r's guest list and lets a loaded room know: rooms
// admit from memory.
func (svc *Roadshows) saveGuests(ctx context.Context, r *domain.Roadshow) error {
	r.UpdatedAt = svc.now().UTC()
	if err := svc.store.UpdateRoadshow(ctx, r, r.Version); err != nil {
		return err
	}
	return svc.rooms.Reload(ctx, r.ID)
}

// AnswerGuest records the calling guest's answer to their invitation to
// roadshow id: accepting registers them (they may then enter), declining
// withdraws the registration. The host hears of each answer.
func (svc *Roadshows) AnswerGuest(ctx context.Context, actor domain.Actor, id string, accept bool) (*RoadshowView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !svc.canSee(actor, r) {
		return nil, domain.ErrNotFound
	}
	changed, err := r.AnswerGuest(actor.UserID, accept)
	if err != nil {
		return nil, err
	}
	if changed {
		if err := svc.saveGuests(ctx, r); err != nil {
			return nil, err
		}
	}
	if accept {
		if _, err := svc.store.Register(ctx, domain.Registration{RoadshowID: id, UserID: actor.UserID, At: svc.now().UTC()}); err != nil {
			return nil, err
		}
	} else if _, err := svc.store.Unregister(ctx, id, actor.UserID); err != nil {
		return nil, err
	}
	if changed {
		data := roadshowNote(r)
		data["accepted"] = accept
		if g, err := svc.guestOf(ctx, r, actor.UserID); err == nil {
			data["guestName"] = g.Name
		}
		svc.send(r, domain.NoteRoadshowGuestAnswer, []Note{{UserID: r.OwnerID, Type: domain.NoteRoadshowGuestAnswer, Data: data,
			From: actor.UserID, Subject: fmt.Sprintf("%s/guest/%s/%t", r.ID, actor.UserID, accept)}})
	}
	return svc.Get(ctx, actor, id)
}

// GuestInvitation is an invitation to attend a roadshow, as the guest sees it.
type GuestInvitation struct {
	RoadshowID string    `json:"roadshowId"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"startsAt"`
	SpaceID    string    `json:"spaceId"`
	Visibility string    `json:"visibility"`
	Status     string    `json:"status"`
	Answer     string    `json:"answer"`
}

// GuestInvitations returns the calling user's invitations to attend
// roadshows that have not ended, soonest first.
func (svc *Roadshows) GuestInvitations(ctx context.Context, actor domain.Actor) ([]GuestInvitation, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	out := []GuestInvitation{}
	for _, status := range []string{domain.RoadshowLive, domain.RoadshowScheduled} {
		for page := 1; page <= maxInvitationScan; page++ {
			items, total, err := svc.store.ListRoadshows(ctx, "", status, domain.Page{Page: page, PageSize: domain.MaxPageSize})
			if err != nil {
				return nil, err
			}
			for _, r := range items {
				if answer := r.GuestStatus(actor.UserID); answer != "" {
					out = append(out, GuestInvitation{RoadshowID: r.ID, Title: r.Title, StartsAt: r.StartsAt, SpaceID: r.SpaceID,
						Visibility: r.Visibility, Status: r.Status, Answer: answer})
				}
			}
			if page*domain.MaxPageSize >= total {
				break
			}
		}
	}
	return out, nil
}

// maxCandidates bounds a guest search's answer.
const maxCandidates = 10

// FindGuests searches the people the host of roadshow id may invite:
// investors by name or organisation, and any account by its exact email
// address. Each comes with their answer if invited already.
func (svc *Roadshows) FindGuests(ctx context.Context, actor domain.Actor, id, q string) (*GuestList, error) {
	r, err := svc.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	q = strings.TrimSpace(q)
	var v domain.Validator
	v.CheckCode(runes(q) >= 1 && runes(q) <= maxName, "q", "invalid_query", "1 to 60 characters")
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := &GuestList{Items: []Guest{}}
	seen := map[string]bool{r.OwnerID: true}
	if strings.Contains(q, "@") {
		u, err := svc.store.UserByEmail(ctx, strings.ToLower(q))
		if err == nil && !seen[u.ID] {
			seen[u.ID] = true
			g, err := svc.guestOf(ctx, r, u.ID)
			if err != nil {
				return nil, err
			}
			out.Items = append(out.Items, g)
		} else if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
	}
	lq := strings.ToLower(q)
	var found []domain.Investor
	err = svc.store.EachInvestor(ctx, func(inv domain.Investor) error {
		if !seen[inv.OwnerID] && inv.OwnerID != "" &&
			(strings.Contains(strings.ToLower(inv.Name), lq) || strings.Contains(strings.ToLower(inv.Organization), lq)) {
			found = append(found, inv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Verified investors first, then by name: the same search, the same list.
	slices.SortFunc(found, func(a, b domain.Investor) int {
		if a.Verified != b.Verified {
			if a.Verified {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	for _, inv := range found {
		if len(out.Items) >= maxCandidates {
			break
		}
		out.Items = append(out.Items, Guest{UserID: inv.OwnerID, Name: inv.Name, Role: domain.RoleInvestor,
			Organization: inv.Organization, Status: r.GuestStatus(inv.OwnerID)})
	}
	out.Total = len(out.Items)
	return out, nil
}
