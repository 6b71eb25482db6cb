package domain

import (
	"slices"
	"testing"
)

// TestGuestRules drives the guest list without a database: who is
// invited, how answers change, and what the room's door says to each.
func TestGuestRules(t *testing.T) {
	r := &Roadshow{OwnerID: "host", Visibility: VisibilityInvited, Status: RoadshowScheduled}
	registered := func() (bool, error) { return false, nil }
	if err := r.EntryRefusal("g1", RoleInvestor, registered); err != ErrNotFound {
		t.Fatalf("an uninvited user: %v", err)
	}
	if _, err := r.InviteGuests("host", []string{"host"}); err != ErrGuestIsHost {
		t.Fatalf("inviting the host: %v", err)
	}
	added, err := r.InviteGuests("host", []string{"g1", "g2", "g1"})
	if err != nil || !slices.Equal(added, []string{"g1", "g2"}) {
		t.Fatalf("invite: %v %v", added, err)
	}
	if added, _ := r.InviteGuests("host", []string{"g2", "g3"}); !slices.Equal(added, []string{"g3"}) {
		t.Fatalf("invite again: %v", added)
	}
	if r.GuestStatus("g1") != GuestInvited || r.GuestStatus("x") != "" || r.GuestStatus("") != "" {
		t.Fatal("status before answers")
	}
	if err := r.EntryRefusal("g1", RoleInvestor, registered); err != ErrAcceptToEnter {
		t.Fatalf("an invited guest who has not accepted: %v", err)
	}
	if _, err := r.AnswerGuest("x", true); err != ErrNotGuest {
		t.Fatalf("a stranger answers: %v", err)
	}
	if ch, err := r.AnswerGuest("g1", true); !ch || err != nil || r.GuestStatus("g1") != GuestAccepted {
		t.Fatalf("accept: %v %v", ch, err)
	}
	if ch, _ := r.AnswerGuest("g1", true); ch {
		t.Fatal("accepting twice changed something")
	}
	if err := r.EntryRefusal("g1", RoleInvestor, registered); err != nil {
		t.Fatalf("an accepted guest: %v", err)
	}
	if ch, _ := r.AnswerGuest("g1", false); !ch || r.GuestStatus("g1") != GuestDeclined || slices.Contains(r.Accepted, "g1") {
		t.Fatal("decline after accepting")
	}
	// The PATCH of the whole list keeps the answers of those who stay.
	r.AnswerGuest("g2", true)
	if added := r.SetGuests([]string{"g2", "g4", "g4"}); !slices.Equal(added, []string{"g4"}) || !slices.Equal(r.Invited, []string{"g2", "g4"}) {
		t.Fatalf("set guests: %v %v", added, r.Invited)
	}
	if r.GuestStatus("g2") != GuestAccepted || r.GuestStatus("g1") != "" || len(r.Declined) != 0 {
		t.Fatalf("answers after the PATCH: %v %v", r.Accepted, r.Declined)
	}
	if !r.RemoveGuest("g2") || r.RemoveGuest("g2") || r.GuestStatus("g2") != "" || len(r.Accepted) != 0 {
		t.Fatal("remove")
	}
	many := make([]string, MaxGuests)
	for i := range many {
		many[i] = string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('A'+i/260))
	}
	if _, err := r.InviteGuests("host", many); err != ErrTooManyGuests {
		t.Fatalf("over the limit: %v", err)
	}
	r.Status = RoadshowEnded
	if _, err := r.InviteGuests("host", []string{"g9"}); err != ErrRoadshowEnded {
		t.Fatalf("invite after the end: %v", err)
	}
	if _, err := r.AnswerGuest("g4", true); err != ErrRoadshowEnded {
		t.Fatalf("answer after the end: %v", err)
	}
}
