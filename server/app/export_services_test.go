package app

import "time"

// SetClock sets the mentor service's clock, so that tests can let a
// booked session begin.
func (svc *Mentors) SetClock(now func() time.Time) { svc.now = now }

// SetClock sets the calendar's clock, so that tests can bring an event
// near and past the close of judging.
func (svc *Alliance) SetClock(now func() time.Time) { svc.now = now }
