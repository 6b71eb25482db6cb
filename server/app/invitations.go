package app

import (
	"context"
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Invitation is a founder's invitation to present in a roadshow, as the
// founder sees it.
type Invitation struct {
	RoadshowID  string    `json:"roadshowId"`
	Title       string    `json:"title"`
	StartsAt    time.Time `json:"startsAt"`
	SpaceID     string    `json:"spaceId"`
	Visibility  string    `json:"visibility"`
	Status      string    `json:"status"`
	StartupID   string    `json:"startupId"`
	StartupName string    `json:"startupName"`
	Minutes     int       `json:"minutes"`
	Consent     string    `json:"consent"`
}

func invitationNote(r *domain.Roadshow, s domain.Slot) map[string]any {
	return map[string]any{"roadshowId": r.ID, "title": r.Title, "startsAt": r.StartsAt,
		"startupId": s.StartupID, "startupName": s.StartupName}
}

// invite tells each founder newly invited to present (not in prev's
// agenda), in the background like announce.
func (svc *Roadshows) invite(r *domain.Roadshow, prev map[string]bool) {
	var notes []Note
	for _, s := range r.Invitations {
		if s.Consent == domain.ConsentInvited && !prev[s.StartupID] && s.OwnerID != r.OwnerID {
			// Taken off the agenda and put back, a startup is not invited again
			// while the first invitation tells it (domain.NoteRuleOf).
			notes = append(notes, Note{UserID: s.OwnerID, Type: domain.NoteRoadshowInvite, Data: invitationNote(r, s),
				From: r.OwnerID, Subject: r.ID + "/" + s.StartupID})
		}
	}
	svc.send(r, domain.NoteRoadshowInvite, notes)
}

func (svc *Roadshows) send(r *domain.Roadshow, typ string, notes []Note) {
	if len(notes) == 0 {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := svc.notify.NotifyMany(ctx, notes); err != nil {
			svc.log.Error("roadshow notifications", "roadshow", r.ID, "type", typ, "err", err)
		}
	}()
}

// agendaOf returns the startups in r's agenda, presented or invited.
func agendaOf(r *domain.Roadshow) map[string]bool {
	in := map[string]bool{}
	for _, s := range r.Slots {
		in[s.StartupID] = true
	}
	for _, s := range r.Invitations {
		in[s.StartupID] = true
	}
	return in
}

// Answer records the calling founder's answer to the invitation to present
// startupID in roadshow id (domain.Roadshow.Answer) and tells the host.
func (svc *Roadshows) Answer(ctx context.Context, actor domain.Actor, id, startupID string, accept bool) (*Invitation, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	changed, err := r.Answer(startupID, actor.UserID, accept)
	if err != nil {
		return nil, err
	}
	if changed {
		r.UpdatedAt = svc.now().UTC()
		if err := svc.store.UpdateRoadshow(ctx, r, r.Version); err != nil {
			return nil, err
		}
		// Rooms admit presenters and stage slots from memory.
		if err := svc.rooms.Reload(ctx, id); err != nil {
			return nil, err
		}
	}
	inv := founderInvitations(r, actor.UserID)
	for i := range inv {
		if inv[i].StartupID == startupID {
			if changed {
				data := invitationNote(r, domain.Slot{StartupID: startupID, StartupName: inv[i].StartupName})
				data["accepted"] = accept
				// Each answer once while unread, however often it changes.
				svc.send(r, domain.NoteRoadshowAnswer, []Note{{UserID: r.OwnerID, Type: domain.NoteRoadshowAnswer, Data: data,
					From: actor.UserID, Subject: fmt.Sprintf("%s/%s/%t", r.ID, startupID, accept)}})
			}
			return &inv[i], nil
		}
	}
	return nil, domain.ErrNotFound
}

func founderInvitations(r *domain.Roadshow, founderID string) []Invitation {
	var out []Invitation
	for _, list := range [][]domain.Slot{r.Slots, r.Invitations} {
		for _, s := range list {
			if s.OwnerID != founderID {
				continue
			}
			consent := s.Consent
			if consent == "" {
				consent = domain.ConsentAccepted // on the presented agenda
			}
			out = append(out, Invitation{RoadshowID: r.ID, Title: r.Title, StartsAt: r.StartsAt, SpaceID: r.SpaceID,
				Visibility: r.Visibility, Status: r.Status, StartupID: s.StartupID, StartupName: s.StartupName,
				Minutes: s.Minutes, Consent: consent})
		}
	}
	return out
}

// maxInvitationScan bounds the scheduled roadshows looked through.
const maxInvitationScan = 50

// Invitations returns the calling founder's invitations to present in
// roadshows that have not started, soonest first, with their answers.
func (svc *Roadshows) Invitations(ctx context.Context, actor domain.Actor) ([]Invitation, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	out := []Invitation{}
	for page := 1; page <= maxInvitationScan; page++ {
		items, total, err := svc.store.ListRoadshows(ctx, "", domain.RoadshowScheduled, domain.Page{Page: page, PageSize: domain.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for i := range items {
			out = append(out, founderInvitations(&items[i], actor.UserID)...)
		}
		if page*domain.MaxPageSize >= total {
			break
		}
	}
	return out, nil
}

// hideAgendaWork clears what only r's host sees: the guest list and the
// invitations to present not (yet) accepted.
func hideAgendaWork(actor domain.Actor, r *domain.Roadshow) {
	if !actor.Owns(r.OwnerID) {
		r.Invited, r.Accepted, r.Declined = nil, nil, nil
		r.Invitations = nil
	}
}
