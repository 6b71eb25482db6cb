package main

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The tool's own garbage collector is kept off the clock while it
// measures: its pacer is off, and it collects between rounds
// (collectEvery), not during a call. Left to the pacer, the tool
// collected every few hundred calls, and a call that met one of its marks
// counted the tool's work as the server's, often enough to reach a p99
// (docs/bench/scalebench.md, "The tool's own collector"). With the pacer
// off and the limit far above what the rounds between two collections
// allocate, the scavenger also keeps the freed pages mapped, so the calls
// after a collection do not fault them in again.

// collectEvery is how many rounds (a write's turns) pass between two of
// the tool's collections.
const collectEvery = 50

// toolHeapLimit bounds the tool's heap should the rounds between two
// collections allocate far more than expected.
const toolHeapLimit = 4 << 30

// quietCollector turns the tool's pacer off until the returned func is
// called.
func quietCollector() (restore func()) {
	gc := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(toolHeapLimit)
	return func() {
		debug.SetGCPercent(gc)
		debug.SetMemoryLimit(limit)
	}
}

// collectBetweenRounds collects if round is one of every collectEvery.
func collectBetweenRounds(round int) {
	if round%collectEvery == 0 {
		runtime.GC()
	}
}

// gcCycles is how many collections the tool has finished, for the report's
// check that none ended during a timed call.
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return math.MaxUint64
	}
	return s[0].Value.Uint64()
}
