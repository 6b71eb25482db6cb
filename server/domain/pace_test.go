package domain

import (
	"testing"
	"time"
)

func TestPaceOf(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	deadline := PlanDeadline(2027, loc)
	if deadline.Format("2006-01-02 15:04") != "2027-12-31 23:59" {
		t.Fatalf("deadline %v", deadline)
	}
	day := func(s string) time.Time { d, _ := time.ParseInLocation("2006-01-02", s, loc); return d }
	now := day("2026-12-31")
	// From 0 at the start of 2026 to 100 by the end of 2027: half way at the end of 2026.
	pts := func(v float64) []PacePoint { return []PacePoint{{day("2026-01-01"), 0}, {now, v}} }
	for _, c := range []struct {
		points []PacePoint
		target float64
		now    time.Time
		want   string
	}{
		{pts(55), 100, now, PaceOnTrack},
		{pts(40), 100, now, PaceBehind},
		{pts(100), 100, now, PaceReached},
		{pts(120), 100, day("2028-06-01"), PaceReached},
		{pts(90), 100, day("2028-01-01"), PaceMissed},
		{pts(90)[1:], 100, now, PaceUnknown}, // one day of history says nothing of the rate
		{nil, 100, now, PaceUnknown},
		{nil, 100, day("2028-01-02"), PaceMissed},
	} {
		got := PaceOf(c.points, c.target, deadline, c.now)
		if got == nil || got.Status != c.want {
			t.Errorf("%v of %v at %v: %+v, want %s", c.points, c.target, c.now, got, c.want)
		}
	}
	if PaceOf(pts(1), 0, deadline, now) != nil {
		t.Error("a figure without a target got a pace")
	}
	p := PaceOf(pts(40), 100, deadline, now)
	if p.Expected < 49 || p.Expected > 51 || p.Projected < 79 || p.Projected > 81 {
		t.Errorf("expected %.1f, projected %.1f; want about 50 and 80", p.Expected, p.Projected)
	}
}
