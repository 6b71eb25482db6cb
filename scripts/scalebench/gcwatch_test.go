package main

import (
	"testing"
)

// TestGCWatchReadsTrace: a cycle's gctrace line and its pacer line are
// summed into the phase running when they were written.
func TestGCWatchReadsTrace(t *testing.T) {
	g := newGCWatch()
	g.setPhase("GET /me", false)
	line := "pacer: 25% CPU (25 exp.) for 48387512+39000+731514 B work (49113722 B exp.) in 1 B -> 2 B\n" +
		"gc 22 @150.063s 0%: 24+330+0.16 ms clock, 49+0.5/170/198+0.33 ms cpu, 119->119->87 MB, 176 MB goal, 0 MB stacks\n"
	_, _ = g.Write([]byte(line[:40]))
	_, _ = g.Write([]byte(line[40:]))
	s, _ := g.reads()
	if s.cycles != 1 || s.markWall != 330 || s.markCPU != 368.5 || s.live != 87 || s.goal != 176 || s.scans != 1 || s.scanned != 48.387512 {
		t.Fatalf("%+v", s)
	}
}
