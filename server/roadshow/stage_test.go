package roadshow

import (
	"fmt"
	"testing"
)

var hand = Peer{UserID: "0123456789abcdef0123abcd", Name: "举手"}

func bp(b bool) *bool { return &b }

// TestStageRules: who may publish, what flows, and the commands that
// change it, one line each.
func TestStageRules(t *testing.T) {
	live := func(t *testing.T) *State { return history(t, host, Start{}) }
	invited := func(t *testing.T) *State {
		return history(t, host, Start{}, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name})
	}
	removed := func(t *testing.T) *State {
		return history(t, host, Start{}, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, host, RemoveFromStage{UserID: hand.UserID})
	}
	mutedByHost := func(t *testing.T) *State {
		return history(t, host, Start{}, host, SetMedia{UserID: "founderA", Audio: bp(false)})
	}
	nextSlot := func(t *testing.T) *State {
		return history(t, host, Start{}, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, host, RemoveFromStage{UserID: "founderA"}, host, Advance{})
	}
	ended := func(t *testing.T) *State { return history(t, host, Start{}, host, End{}) }

	publish := []struct {
		name  string
		state func(*testing.T) *State
		peer  Peer
		code  string
		want  string // Allowed, %v
	}{
		{"before the start", func(t *testing.T) *State { return history(t) }, host, "not_live", ""},
		{"host", live, host, "", "{true true host}"},
		{"presenter on stage", live, founderA, "", "{true true presenter}"},
		{"presenter of another slot", live, founderB, "stage_forbidden", ""},
		{"viewer", live, viewer, "stage_forbidden", ""},
		{"guest", live, guest, "forbidden", ""},
		{"raised hand brought on stage", invited, hand, "", "{true true speaker}"},
		{"speaker taken off", removed, hand, "off_stage", ""},
		{"presenter muted by the host", mutedByHost, founderA, "", "{false true presenter}"},
		{"next slot: its presenter", nextSlot, founderB, "", "{true true presenter}"},
		{"next slot: the last presenter", nextSlot, founderA, "stage_forbidden", ""},
		{"next slot: last slot's speaker", nextSlot, hand, "stage_forbidden", ""},
		{"after the end", ended, host, "not_live", ""},
	}
	for _, tc := range publish {
		t.Run("publish/"+tc.name, func(t *testing.T) {
			a, err := tc.state(t).Rules(agenda).Allow(tc.peer)
			if tc.code != "" {
				if err == nil || err.Code != tc.code {
					t.Fatalf("got %v %v, want %s", a, err, tc.code)
				}
				return
			}
			if err != nil || fmt.Sprint(a) != tc.want {
				t.Fatalf("got %v %v, want %s", a, err, tc.want)
			}
		})
	}

	cmds := []struct {
		name  string
		state func(*testing.T) *State
		peer  Peer
		cmd   Command
		code  string
		want  string
	}{
		{"invite before the start", func(t *testing.T) *State { return history(t) }, host, InviteSpeaker{UserID: hand.UserID, Name: "x"}, "not_live", ""},
		{"viewer invites", live, viewer, InviteSpeaker{UserID: hand.UserID, Name: "x"}, "forbidden", ""},
		{"invite someone absent", live, host, InviteSpeaker{UserID: hand.UserID}, "not_present", ""},
		{"invite a bad id", live, host, InviteSpeaker{UserID: "x", Name: "x"}, "invalid", ""},
		{"invite", live, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, "", "[{0123456789abcdef0123abcd 举手}]"},
		{"invite twice is a no-op", invited, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, "", "[]"},
		{"presenter removes", invited, founderA, RemoveFromStage{UserID: hand.UserID}, "forbidden", ""},
		{"remove", invited, host, RemoveFromStage{UserID: hand.UserID}, "", "[{0123456789abcdef0123abcd}]"},
		{"remove twice is a no-op", removed, host, RemoveFromStage{UserID: hand.UserID}, "", "[]"},
		{"mute self", live, founderA, SetMedia{Audio: bp(false)}, "", "[{founderA false true false}]"},
		{"camera off self, audio unchanged", live, founderA, SetMedia{Audio: bp(true), Video: bp(false)}, "", "[{founderA true true false}]"},
		{"presenter mutes another", live, founderA, SetMedia{UserID: "host", Audio: bp(false)}, "forbidden", ""},
		{"host mutes a presenter", live, host, SetMedia{UserID: "founderA", Audio: bp(false)}, "", "[{founderA false true true}]"},
		{"unmute what the host muted", mutedByHost, founderA, SetMedia{Audio: bp(true)}, "host_muted", ""},
		{"host lifts its mute", mutedByHost, host, SetMedia{UserID: "founderA", Audio: bp(true)}, "", "[{founderA false false true}]"},
		{"after the end", ended, host, SetMedia{Audio: bp(false)}, "not_live", ""},
	}
	for _, tc := range cmds {
		t.Run("command/"+tc.name, func(t *testing.T) {
			d, err := Decide(tc.state(t), agenda, tc.peer, tc.cmd, t0)
			if tc.code != "" {
				if err == nil || err.Code != tc.code {
					t.Fatalf("got %v %v, want %s", d, err, tc.code)
				}
				return
			}
			if err != nil || fmt.Sprint(d.Events) != tc.want {
				t.Fatalf("got %v %v, want %s", d.Events, err, tc.want)
			}
		})
	}
}

// TestStageFold: the stage's events read back from their stored form, and
// a new slot forgets the last one's speakers and removals but not who is
// muted.
func TestStageFold(t *testing.T) {
	for _, e := range []Event{Speaker{UserID: "u", Name: "名"}, OffStage{UserID: "u"}, Media{UserID: "u", Video: true, Off: true, ByHost: true}} {
		l := Logged{Seq: 3, At: t0, UserID: "host", Event: e}
		back, err := FromRecord(Record("rs", l))
		if err != nil || fmt.Sprintf("%+v", back) != fmt.Sprintf("%+v", l) {
			t.Errorf("%T: %+v → %+v (%v)", e, l, back, err)
		}
	}
	s := history(t, host, Start{}, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, host, RemoveFromStage{UserID: "founderB"},
		host, SetMedia{UserID: "founderB", Video: bp(false)})
	r := s.Rules(agenda)
	if len(r.Speakers()) != 1 || r.MediaOf("founderB").Video() {
		t.Fatalf("rules %+v", r)
	}
	s2 := history(t, host, Start{}, host, InviteSpeaker{UserID: hand.UserID, Name: hand.Name}, host, RemoveFromStage{UserID: "founderB"},
		host, SetMedia{UserID: "founderB", Video: bp(false)}, host, Advance{})
	r2 := s2.Rules(agenda)
	if len(r2.Speakers()) != 0 || r2.MediaOf("founderB").Video() || r2.Presenter != "founderB" || r2.Slot != 1 {
		t.Fatalf("after the slot changed: %+v", r2)
	}
	if a, err := r2.Allow(founderB); err != nil || a.Video || !a.Audio {
		t.Fatalf("founderB, taken off in slot 1, presents slot 2: %v %v", a, err)
	}
	// Rules are a snapshot: later events do not change them.
	if len(r.Speakers()) != 1 {
		t.Fatal("the first snapshot changed")
	}
}
