package domain

import "time"

// Pace statuses of a figure against its target and the plan's year.
const (
	PaceReached = "reached"  // the target is met
	PaceOnTrack = "on_track" // at or above the straight path to the target
	PaceBehind  = "behind"   // below it, with time left
	PaceMissed  = "missed"   // the plan's year is over and the target not met
	PaceUnknown = "unknown"  // too little history to judge
)

// PacePoint is a figure's value on a day.
type PacePoint struct {
	At    time.Time
	Value float64
}

// Pace says whether a figure is on course to reach its target by the end
// of the plan's year: Expected is where the straight path from the first
// recorded value to the target stands now, Projected where the figure
// would end at the rate it has moved since then.
type Pace struct {
	Status    string  `json:"status"`
	Expected  float64 `json:"expected,omitempty"`
	Projected float64 `json:"projected,omitempty"`
	Deadline  string  `json:"deadline"` // the last day of the plan's year
}

// PlanDeadline is the last instant of year in loc.
func PlanDeadline(year int, loc *time.Location) time.Time {
	return time.Date(year+1, 1, 1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

// PaceOf judges a figure with history points (oldest first, the last
// being its value now) against target by deadline, at now. It returns nil
// when there is no target.
func PaceOf(points []PacePoint, target float64, deadline, now time.Time) *Pace {
	if target <= 0 {
		return nil
	}
	p := &Pace{Status: PaceUnknown, Deadline: deadline.Format("2006-01-02")}
	if len(points) == 0 {
		if now.After(deadline) {
			p.Status = PaceMissed
		}
		return p
	}
	first, last := points[0], points[len(points)-1]
	switch {
	case last.Value >= target:
		p.Status = PaceReached
		return p
	case now.After(deadline):
		p.Status = PaceMissed
		return p
	}
	span, gone := deadline.Sub(first.At), now.Sub(first.At)
	if len(points) < 2 || span <= 0 || gone <= 0 {
		return p
	}
	p.Expected = first.Value + (target-first.Value)*float64(gone)/float64(span)
	p.Projected = last.Value + (last.Value-first.Value)/float64(gone)*float64(deadline.Sub(now))
	p.Status = PaceBehind
	if last.Value >= p.Expected {
		p.Status = PaceOnTrack
	}
	return p
}
