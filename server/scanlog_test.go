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
// engine once ready (platform.go's scanMessage, the one text): issue #12
// rules out a scan on any path a user or the server's routine work takes.
const scanLine = scanMessage

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

// TestScanOnceReadyIsLogged is the check's own control: a scan a Main
// sends once ready reaches scanLog, so the harnesses' failScans has
// something to fail on (a reworded log line or a watch not wired would
// let every test pass).
func TestScanOnceReadyIsLogged(t *testing.T) {
	m, _, scans := startMainScans(t, testConfig(t, t.TempDir()))
	scans.failScans(t)                                      // none before: the start's loads do not count
	if _, err := m.db.CountUsers(t.Context()); err != nil { // a count of every account: a scan
		t.Fatal(err)
	}
	scans.mu.Lock()
	lines := scans.lines
	scans.lines = nil
	scans.mu.Unlock()
	if len(lines) != 1 || !strings.Contains(lines[0], "users") {
		t.Fatalf("a count of the users once ready logged %q, want one scan of users", lines)
	}
}
