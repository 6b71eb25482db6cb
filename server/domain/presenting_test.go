package domain

import "testing"

func TestRoomDeckPages(t *testing.T) {
	r := &Roadshow{Status: RoadshowLive, Slots: []Slot{{StartupID: "a"}, {StartupID: "b"}}}
	on := &Stage{Slot: 0, Page: 4, StartupID: "a"}
	for _, tc := range []struct {
		name    string
		status  string
		startup string
		on      *Stage
		pages   int
		err     error
	}{
		{"on stage", RoadshowLive, "a", on, 4, nil},
		{"next in the agenda", RoadshowLive, "b", on, 0, ErrDeckNotOnStage},
		{"not in the agenda", RoadshowLive, "c", on, 0, ErrNotFound},
		{"before the start", RoadshowScheduled, "a", nil, 0, ErrRoadshowNotLive},
		{"after the end", RoadshowEnded, "a", on, 0, ErrRoadshowNotLive},
		{"live, nothing on stage", RoadshowLive, "a", nil, 0, ErrRoadshowNotLive},
	} {
		r.Status = tc.status
		n, err := r.RoomDeckPages(tc.startup, tc.on)
		if n != tc.pages || err != tc.err {
			t.Errorf("%s: %d %v, want %d %v", tc.name, n, err, tc.pages, tc.err)
		}
	}
}

func TestAgendaConsent(t *testing.T) {
	req := []Slot{{StartupID: "a", OwnerID: "fa"}, {StartupID: "h", OwnerID: "host"}, {StartupID: "b", OwnerID: "fb"}}
	r := &Roadshow{OwnerID: "host", Status: RoadshowScheduled}
	r.Slots, r.Invitations = PlanAgenda(req, nil, "host")
	if len(r.Slots) != 1 || r.Slots[0].StartupID != "h" || len(r.Invitations) != 2 {
		t.Fatalf("plan: %+v / %+v", r.Slots, r.Invitations)
	}
	if _, err := r.Answer("a", "fb", true); err != ErrNotFound {
		t.Fatalf("another founder answered: %v", err)
	}
	if ok, err := r.Answer("b", "fb", true); !ok || err != nil {
		t.Fatalf("accept: %v %v", ok, err)
	}
	if ok, err := r.Answer("a", "fa", true); !ok || err != nil {
		t.Fatalf("accept: %v %v", ok, err)
	}
	if ok, _ := r.Answer("a", "fa", true); ok {
		t.Fatal("accepting twice changed something")
	}
	got := ""
	for _, s := range r.Slots {
		got += s.StartupID
	}
	if got != "ahb" {
		t.Fatalf("presented in order %q, want the host's ahb", got)
	}
	if _, err := r.Answer("h", "host", false); err != nil || len(r.Slots) != 2 || r.Invitations[0].Consent != ConsentDeclined {
		t.Fatalf("withdraw: %v %+v", err, r.Invitations)
	}
	// Re-planning keeps answers: a declined startup stays declined.
	r.Slots, r.Invitations = PlanAgenda(req, r, "host")
	if len(r.Slots) != 2 || len(r.Invitations) != 1 || r.Invitations[0].StartupID != "h" {
		t.Fatalf("re-plan: %+v / %+v", r.Slots, r.Invitations)
	}
	r.Status = RoadshowLive
	if _, err := r.Answer("h", "host", true); err != ErrAgendaFixed {
		t.Fatalf("answer while live: %v", err)
	}
	if err := (&Roadshow{}).StartRefusal(); err != ErrNoPresenters {
		t.Fatalf("start with nobody: %v", err)
	}
}
