package domain

import "slices"

// A guest's answer to a host's invitation to attend a roadshow.
const (
	GuestInvited  = "invited"
	GuestAccepted = "accepted"
	GuestDeclined = "declined"
)

// MaxGuests bounds a roadshow's guest list.
const MaxGuests = 500

// Refusals of the guest rules.
var (
	ErrRoadshowEnded = CodedError(KindConflict, "roadshow_ended", "the roadshow has ended")
	ErrTooManyGuests = CodedError(KindInvalid, "too_many_guests", "at most 500 guests")
	ErrNotGuest      = CodedError(KindNotFound, "not_invited", "you are not invited to this roadshow")
	ErrGuestIsHost   = CodedError(KindInvalid, "guest_is_host", "the host need not be invited")
)

// GuestStatus is userID's answer to r's invitation: GuestInvited,
// GuestAccepted or GuestDeclined, or "" if they are not invited.
func (r *Roadshow) GuestStatus(userID string) string {
	switch {
	case userID == "" || !r.IsInvited(userID):
		return ""
	case slices.Contains(r.Accepted, userID):
		return GuestAccepted
	case slices.Contains(r.Declined, userID):
		return GuestDeclined
	}
	return GuestInvited
}

// InviteGuests adds users to r's guest list, as its host hostID, and returns
// those newly invited (an invitation already sent stands, with its answer).
// Guests are invited until the roadshow ends, whatever its visibility: on an
// invitation-only roadshow they are the audience; on others the invitation
// is a personal call that accepting turns into a registration.
func (r *Roadshow) InviteGuests(hostID string, users []string) ([]string, error) {
	if r.Status == RoadshowEnded {
		return nil, ErrRoadshowEnded
	}
	var added []string
	for _, u := range users {
		if u == hostID || u == r.OwnerID {
			return nil, ErrGuestIsHost
		}
		if !r.IsInvited(u) && !slices.Contains(added, u) {
			added = append(added, u)
		}
	}
	if len(r.Invited)+len(added) > MaxGuests {
		return nil, ErrTooManyGuests
	}
	r.Invited = append(r.Invited, added...)
	return added, nil
}

// RemoveGuest takes userID off r's guest list with their answer; it reports
// whether they were on it.
func (r *Roadshow) RemoveGuest(userID string) bool {
	if !r.IsInvited(userID) {
		return false
	}
	drop := func(l []string) []string {
		return slices.DeleteFunc(slices.Clone(l), func(u string) bool { return u == userID })
	}
	r.Invited, r.Accepted, r.Declined = drop(r.Invited), drop(r.Accepted), drop(r.Declined)
	return true
}

// SetGuests replaces r's guest list (the PATCH of invited), keeping the
// answers of those who stay, and returns the guests newly invited.
func (r *Roadshow) SetGuests(users []string) []string {
	keep := map[string]bool{}
	var added, list []string
	for _, u := range users {
		if keep[u] {
			continue
		}
		if !r.IsInvited(u) {
			added = append(added, u)
		}
		keep[u] = true
		list = append(list, u)
	}
	only := func(l []string) []string {
		return slices.DeleteFunc(slices.Clone(l), func(u string) bool { return !keep[u] })
	}
	r.Accepted, r.Declined = only(r.Accepted), only(r.Declined)
	r.Invited = append([]string{}, list...)
	return added
}

// AnswerGuest records guest userID's answer to r's invitation. Only the
// invited answer, and only before the roadshow ends; an answer may change
// (a guest who declined may still come). It reports whether it changed.
func (r *Roadshow) AnswerGuest(userID string, accept bool) (bool, error) {
	status := r.GuestStatus(userID)
	if status == "" {
		return false, ErrNotGuest
	}
	if r.Status == RoadshowEnded {
		return false, ErrRoadshowEnded
	}
	want := GuestDeclined
	if accept {
		want = GuestAccepted
	}
	if status == want {
		return false, nil
	}
	drop := func(l []string) []string {
		return slices.DeleteFunc(slices.Clone(l), func(u string) bool { return u == userID })
	}
	r.Accepted, r.Declined = drop(r.Accepted), drop(r.Declined)
	if accept {
		r.Accepted = append(r.Accepted, userID)
	} else {
		r.Declined = append(r.Declined, userID)
	}
	return true, nil
}
