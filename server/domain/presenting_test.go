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
