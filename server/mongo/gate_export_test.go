package mongo

import (
	"context"
	"sync"
	"time"
)

// StepClock is a clock for the gate (SetGateClock) that a test moves by
// hand: its time stands still until Advance, and a background writer
// asleep at the gate wakes only once the clock has passed its waking
// time. Settle tells when the gate has looked at the new time.
type StepClock struct {
	mu    sync.Mutex
	now   time.Time
	wakes []time.Time   // when each goroutine asleep wakes
	moved chan struct{} // closed (and replaced) when the time moves
	slept chan struct{} // closed (and replaced) when a goroutine goes to sleep
}

// NewStepClock returns a clock standing at start.
func NewStepClock(start time.Time) *StepClock {
	return &StepClock{now: start, moved: make(chan struct{}), slept: make(chan struct{})}
}

// Now is the clock's time.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep returns once the clock has been moved d on.
func (c *StepClock) Sleep(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	until := c.now.Add(d)
	c.wakes = append(c.wakes, until)
	close(c.slept)
	c.slept = make(chan struct{})
	for c.now.Before(until) {
		moved := c.moved
		c.mu.Unlock()
		<-moved
		c.mu.Lock()
	}
	for i, w := range c.wakes {
		if w.Equal(until) {
			c.wakes = append(c.wakes[:i], c.wakes[i+1:]...)
			break
		}
	}
}

// Advance moves the clock d on.
func (c *StepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	close(c.moved)
	c.moved = make(chan struct{})
}

// Settle waits, with one goroutine at the gate, until it has either gone
// (done is closed: true) or gone to sleep until a time still ahead
// (false): it has looked at the clock's time and waits on. It fails when
// ctx ends first.
func (c *StepClock) Settle(ctx context.Context, done <-chan struct{}) (bool, error) {
	for {
		c.mu.Lock()
		asleep := false
		for _, w := range c.wakes {
			asleep = asleep || w.After(c.now)
		}
		slept := c.slept
		c.mu.Unlock()
		if asleep {
			return false, nil
		}
		select {
		case <-done:
			return true, nil
		case <-slept:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// SetGateClock gives the gate c for its time instead of the wall clock.
func (d *DB) SetGateClock(c *StepClock) {
	var g gateClock = c
	d.fg.clock.Store(&g)
}
