package main

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// callTrace writes every call of a run (-trace) as a line: server, method,
// path, the start (Unix µs), the time taken (µs) and the status, so that a
// slow call can be laid beside what its server did at that moment (an
// strace of its fsyncs, the size of its WAL: scripts/walwatch).
type callTrace struct {
	mu  sync.Mutex
	out *os.File
}

func newCallTrace(path string) (*callTrace, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &callTrace{out: f}, nil
}

// writer returns the client's trace hook for the server called name.
func (t *callTrace) writer(name string) func(method, path string, began time.Time, d time.Duration, code int) {
	name = strings.ReplaceAll(name, " ", "_")
	return func(method, path string, began time.Time, d time.Duration, code int) {
		t.mu.Lock()
		defer t.mu.Unlock()
		fmt.Fprintf(t.out, "%s\t%s\t%s\t%d\t%d\t%d\n", name, method, path, began.UnixMicro(), d.Microseconds(), code)
	}
}

func (t *callTrace) close() error { return t.out.Close() }
