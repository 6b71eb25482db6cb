package app

import "time"

// SetClock sets the mentor service's clock, so that tests can let a
// booked session begin.
func (svc *Mentors) SetClock(now func() time.Time) { svc.now = now }
