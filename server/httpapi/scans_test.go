package httpapi_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/yuechuang/yuechuang/server/mongo"
)

// scanWatch makes every test of this package a check of issue #12's rule
// that no path a user or the server's routine work takes scans the
// embedded engine: the journeys these tests drive over HTTP, and the work
// the dispatcher, the notifier and the rooms do behind them, must ask the
// engine for documents by exact _id only (server/mongo/scanwatch.go). It
// is the server's own watch (server/platform.go, which logs such a scan
// once ready) turned into a failure: the start's loads (the read model,
// the accounts, Warm), which may scan, come before ready and do not count.
// On MongoDB the watcher hears of nothing.
type scanWatch struct {
	t     *testing.T
	ready atomic.Bool
	mu    sync.Mutex
	call  string   // the HTTP call last sent, to say where a scan came from
	seen  []string // scans since ready not yet reported
}

// watchScans watches db's scans for t, from now on, until t ends; they
// count once ready is set. Background scans still unreported when t ends
// (its cleanups run the other way round: this one after the dispatcher's
// and the rooms' have stopped them) fail t there.
func watchScans(t *testing.T, db *mongo.DB) *scanWatch {
	t.Helper()
	w := &scanWatch{t: t, call: "(no call yet)"}
	db.WatchScans(func(s mongo.Scan) {
		if !w.ready.Load() {
			return
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.seen = append(w.seen, fmt.Sprintf("%s on %s with filter %s, while or after serving %s", s.Command, s.Collection, s.Filter, w.call))
	})
	t.Cleanup(w.check)
	return w
}

// serving notes the HTTP call about to be sent.
func (w *scanWatch) serving(method, path string) {
	w.mu.Lock()
	w.call = method + " " + path
	w.mu.Unlock()
}

// check fails the test with each scan seen since the last check.
func (w *scanWatch) check() {
	w.t.Helper()
	w.mu.Lock()
	seen := w.seen
	w.seen = nil
	w.mu.Unlock()
	for _, s := range seen {
		w.t.Errorf("scan on the embedded engine once ready (issue #12): %s", s)
	}
}
