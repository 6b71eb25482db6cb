package main

import "runtime/debug"

// The collector's defaults for the server process, where the operator set
// none (GOGC and GOMEMLIMIT, which the Go runtime reads itself).
//
// The read model holds the city in memory (every published startup,
// investor and space, every account's name), so the server's live heap
// grows with the city, and each collection's mark with it: the full-size
// city's marks lasted two to four times the demo set's, and a request that
// meets one waits for the collector's share of the two cores. Under the
// runtime's default pacing (GOGC=100: a collection each time the heap
// doubles) more than one request in a hundred met one, and those set the
// p99 of the calls that otherwise take under a millisecond
// (docs/bench/scalebench.md). A collection each time the heap grows by
// four times its live size makes them a quarter as frequent, for a heap
// goal of five times the live heap; the memory limit caps that goal, so
// that a city whose live heap is large collects more often rather than
// grows past it.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 1 << 30 // bytes of the Go runtime's own memory
)

// collectorDefaults sets the collector's pacing and memory limit to the
// server's defaults, each where getenv gives no setting of its own.
func collectorDefaults(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
