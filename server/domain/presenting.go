package domain

import "sort"

// Stage is what a live roadshow room shows now: the slot presenting and the
// page of its deck on screen.
type Stage struct {
	Slot      int
	Page      int
	StartupID string
}

// Refusals of the deck rules below.
var (
	ErrRoadshowNotLive = CodedError(KindForbidden, "roadshow_not_live",
		"decks are shown while the roadshow is live")
	ErrDeckNotOnStage = CodedError(KindForbidden, "deck_not_on_stage",
		"only the deck on stage is shown, up to the page on screen")
)

// RoomDeckPages says how much of startupID's deck someone admitted to r's
// room may read now: pages 1..n, where n is the page on screen, and only
// while r is live and that startup is on stage. Nobody has standing access
// through a roadshow, host and presenters included: a founder's deck is
// theirs and is shown only as they present it (their own deck they read
// on their startup's page). Callers check entry first (EntryRefusal).
func (r *Roadshow) RoomDeckPages(startupID string, on *Stage) (int, error) {
	inAgenda := false
	for _, s := range r.Slots {
		inAgenda = inAgenda || s.StartupID == startupID
	}
	if !inAgenda {
		return 0, ErrNotFound
	}
	if r.Status != RoadshowLive || on == nil {
		return 0, ErrRoadshowNotLive
	}
	if on.StartupID != startupID || on.Page < 1 {
		return 0, ErrDeckNotOnStage
	}
	return on.Page, nil
}

// RecordRefusal says why userID may not read r's record (chat, questions,
// interest, attendance), or nil if they may: the record follows the room's
// visibility, so exactly those who may enter the room may read it.
func (r *Roadshow) RecordRefusal(userID string, role Role, registered func() (bool, error)) error {
	return r.EntryRefusal(userID, role, registered)
}

// Consent of a founder to present in a roadshow: the manager's agenda entry
// is an invitation the founder answers.
const (
	ConsentInvited  = "invited"
	ConsentAccepted = "accepted"
	ConsentDeclined = "declined"
)

// Refusals of the consent rules.
var (
	ErrAgendaFixed = CodedError(KindConflict, "agenda_fixed",
		"the roadshow has started or ended; its agenda is fixed")
	ErrNoPresenters = CodedError(KindConflict, "no_presenters",
		"no founder has accepted an invitation to present yet")
)

// PlanAgenda splits the agenda a host asks for into what is presented (the
// slots whose founders accepted) and the invitations still waiting for or
// refused by their founders, keeping the host's order in Position. A
// startup keeps the answer its founder gave in prev (nil when creating); a
// new entry is an invitation, except the host's own startup, which they
// consent to by scheduling it. Each slot's OwnerID must be filled in.
func PlanAgenda(requested []Slot, prev *Roadshow, hostID string) (slots, invitations []Slot) {
	answered := map[string]string{}
	if prev != nil {
		for _, s := range prev.Slots {
			answered[s.StartupID] = ConsentAccepted
		}
		for _, s := range prev.Invitations {
			answered[s.StartupID] = s.Consent
		}
	}
	slots, invitations = []Slot{}, []Slot{}
	for i, s := range requested {
		s.Position = i
		s.Consent = answered[s.StartupID]
		if s.Consent == "" {
			s.Consent = ConsentInvited
			if s.OwnerID == hostID {
				s.Consent = ConsentAccepted
			}
		}
		if s.Consent == ConsentAccepted {
			slots = append(slots, s)
		} else {
			invitations = append(invitations, s)
		}
	}
	return slots, invitations
}

// Answer records founderID's answer to the invitation for startupID: an
// accepted slot joins the presented agenda in the host's order; a declined
// one (or one withdrawn before the start) leaves it. Only the startup's
// founder answers, and only before the roadshow starts. It reports whether
// anything changed.
func (r *Roadshow) Answer(startupID, founderID string, accept bool) (bool, error) {
	want := ConsentDeclined
	if accept {
		want = ConsentAccepted
	}
	all := append(append([]Slot{}, r.Slots...), r.Invitations...)
	i := -1
	for j, s := range all {
		if s.StartupID == startupID && s.OwnerID == founderID {
			i = j
		}
	}
	if i < 0 {
		return false, ErrNotFound
	}
	if r.Status != RoadshowScheduled {
		return false, ErrAgendaFixed
	}
	if all[i].Consent == want {
		return false, nil
	}
	all[i].Consent = want
	sort.SliceStable(all, func(a, b int) bool { return all[a].Position < all[b].Position })
	r.Slots, r.Invitations = []Slot{}, []Slot{}
	for _, s := range all {
		if s.Consent == ConsentAccepted {
			r.Slots = append(r.Slots, s)
		} else {
			r.Invitations = append(r.Invitations, s)
		}
	}
	return true, nil
}

// InvitedToPresent reports whether userID founded a startup the host
// invited, whatever the answer: they may see the roadshow to answer.
func (r *Roadshow) InvitedToPresent(userID string) bool {
	for _, s := range r.Invitations {
		if s.OwnerID == userID {
			return true
		}
	}
	return false
}

// StartRefusal says why r may not start, or nil: it needs at least one
// founder who accepted to present. Invitations not accepted by then lapse.
func (r *Roadshow) StartRefusal() error {
	if len(r.Slots) == 0 {
		return ErrNoPresenters
	}
	return nil
}
