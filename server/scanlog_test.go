package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// scanLine is what the server logs for each scan it sends the embedded
// engine once ready (platform.go): issue #12 rules out a scan on any path
// a user or the server's routine work takes.
const scanLine = "scan on the embedded engine"

// scanLog keeps the scan lines of a Main's log (startMain: everything else
// is dropped) or of a server process's (startProcess reads its JSON log),
// which fail the test (failScans), so that every journey a test drives
// through the HTTP API, and the routine work behind it, is also a check
// that nothing scans. The server's own watch decides what counts (only
// once ready: the start's loads may scan).
type scanLog struct {
	mu    sync.Mutex
	lines []string
}

func (h *scanLog) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *scanLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != scanLine {
		return nil
	}
	var b strings.Builder
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%s", a.Key, a.Value); return true })
	h.add(b.String())
	return nil
}

// add notes a scan line's attributes.
func (h *scanLog) add(attrs string) {
	h.mu.Lock()
	h.lines = append(h.lines, attrs)
	h.mu.Unlock()
}

func (h *scanLog) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *scanLog) WithGroup(string) slog.Handler      { return h }

// failScans fails t with each scan logged since the last call.
func (h *scanLog) failScans(t *testing.T) {
	t.Helper()
	h.mu.Lock()
	lines := h.lines
	h.lines = nil
	h.mu.Unlock()
	for _, l := range lines {
		t.Errorf("%s once ready (issue #12):%s", scanLine, l)
	}
}
