package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// OutboxStore is what the dispatcher reads from the database: the outbox,
// and the current record of each marked profile (by id, from the database
// itself rather than the read model, so that a change made by another
// process arrives too).
type OutboxStore interface {
	PendingOutbox(ctx context.Context, limit int) ([]domain.OutboxEntry, error)
	DoneOutbox(ctx context.Context, e domain.OutboxEntry) error
	MarkChange(ctx context.Context, e domain.OutboxEntry) error
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	InvestorByID(ctx context.Context, id string) (*domain.Investor, error)
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
}

// Dispatcher timing and sizes.
const (
	dispatchPoll       = 2 * time.Second  // look for marks even when nobody kicked
	dispatchBackoffMax = 30 * time.Second // longest wait between tries while a consumer is down
	dispatchScan       = 5000             // marks read per pass
	// indexGrace is longer than any profile write can take (the database
	// client gives up after 30 s). A mark younger than that is applied but
	// kept, and applied once more when it is older, so that a write that
	// landed after the dispatcher read the profile is never missed; a
	// match alert whose write has not landed by then never will.
	indexGrace = time.Minute
	alertBatch = 32 // startups whose alerts go out in one fan-out
)

// Dispatcher is the one road by which a stored change reaches everything
// that depends on it: the read model (and with it the matcher's index, the
// lists and the figures), the search index and the match alerts. It reads
// the outbox's marks, re-reads each marked profile from the database,
// applies it to the read model and the search engine, fans out match
// alerts, and only then clears the marks; so nothing is lost while the
// engine is down or if the process dies between a write and its dispatch.
//
// A change made through the read model is also applied to memory at once
// (ReadModel.stored), so that the writer reads its own write.
// A Dispatcher is safe for concurrent use.
type Dispatcher struct {
	store  OutboxStore
	rm     *ReadModel
	search *Indexer
	alerts *Matcher
	log    *slog.Logger
	now    func() time.Time

	// applied remembers young profile marks already applied (id → seq) so
	// that a pass does not re-apply them until they age; only Drain
	// touches it.
	mu      sync.Mutex
	applied map[string]int64
}

// NewDispatcher returns a Dispatcher; Run must be running for changes to
// reach the search index and the alerts.
func NewDispatcher(store OutboxStore, rm *ReadModel, search *Indexer, alerts *Matcher, log *slog.Logger) *Dispatcher {
	return &Dispatcher{store: store, rm: rm, search: search, alerts: alerts, log: log, now: time.Now, applied: map[string]int64{}}
}

// Kick asks Run to look at the outbox now rather than at its next poll.
func (d *Dispatcher) Kick() {
	select {
	case d.rm.kick <- struct{}{}:
	default:
	}
}

// Run dispatches marked changes until ctx ends, backing off while a
// consumer is unavailable.
func (d *Dispatcher) Run(ctx context.Context) {
	backoff := time.Duration(0)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.rm.kick:
			if backoff > 0 {
				continue // a kick does not cut a backoff short
			}
		case <-t.C:
		}
		n, err := d.Drain(ctx)
		switch {
		case err == nil:
			backoff = 0
		case ctx.Err() != nil:
			return
		default:
			backoff = min(max(2*backoff, 500*time.Millisecond), dispatchBackoffMax)
			d.log.Warn("changes not yet dispatched; will retry", "err", err, "retryIn", backoff)
		}
		if n > 0 {
			d.log.Debug("changes dispatched", "marks", n)
		}
		wait := dispatchPoll
		if backoff > 0 {
			wait = backoff
		}
		t.Reset(wait)
	}
}

// Drain dispatches the pending marks and returns how many it applied.
// Match alerts are fanned out apart from the search index, so that a search
// engine that is down does not hold alerts back.
//
// Nobody waits for a dispatch, and users wait for their writes: so its
// writes (a fan-out's notes, marks, their clearing) are background writes,
// which the store makes give way to users' writes (a founder who
// unpublishes and publishes again at once no longer waits for the first
// call's alert and clearing to commit). Alerts still go within a bounded
// wait per write.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	return d.drain(ctx, false)
}

// Finish dispatches every pending mark and clears it, young ones too, for
// a server that stops once no write can still land (its HTTP server shut
// down, on the embedded engine, where this process is the only writer): a
// young mark is kept through indexGrace for a write that may land after
// the dispatcher read its profile, and with none left in flight the grace
// guards nothing. What Finish clears the next start need not apply again
// before it is ready (docs/bench/start.md); what a stop cuts short (a
// SIGKILL, a timeout) is left for it, as after a crash.
func (d *Dispatcher) Finish(ctx context.Context) (int, error) {
	return d.drain(ctx, true)
}

func (d *Dispatcher) drain(ctx context.Context, final bool) (int, error) {
	ctx = domain.Background(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	total := 0
	for {
		marks, err := d.store.PendingOutbox(ctx, dispatchScan)
		if err != nil || len(marks) == 0 {
			return total, err
		}
		old := d.now().Add(-indexGrace)
		if final {
			old = d.now().Add(time.Nanosecond) // every mark counts as aged
		}
		var profiles, alerts []domain.OutboxEntry
		for _, m := range marks {
			if m.Kind == domain.ChangeMatchAlert {
				alerts = append(alerts, m)
			} else {
				profiles = append(profiles, m)
			}
		}
		n, cleared, perr := d.profiles(ctx, profiles, old)
		total += n
		a, aerr := d.matchAlerts(ctx, alerts, old)
		total += a
		if perr != nil {
			return total, perr
		}
		if aerr != nil {
			return total, aerr
		}
		if len(marks) < dispatchScan || cleared == 0 {
			return total, nil
		}
	}
}

// profiles applies profile marks: young ones once (kept), aged ones once
// more and cleared. It returns how many it applied and cleared.
func (d *Dispatcher) profiles(ctx context.Context, marks []domain.OutboxEntry, old time.Time) (applied, cleared int, err error) {
	var todo, clear []domain.OutboxEntry
	for _, m := range marks {
		aged := m.At.Before(old)
		if aged {
			clear = append(clear, m)
		}
		// A profile written through the read model since this mark was
		// last applied is applied again: the application may have read
		// it before the write landed (on the embedded engine a write
		// leaves no second mark: server/mongo/outbox.go).
		if written := d.rm.takeWritten(m.DocID); aged || written || d.applied[m.ID] != m.Seq {
			todo = append(todo, m)
		}
	}
	for start := 0; start < len(todo); start += indexBatch {
		batch := todo[start:min(len(todo), start+indexBatch)]
		var docs []search.Document
		var gone []string
		for _, m := range batch {
			ch, err := d.current(ctx, m)
			if err != nil {
				return applied, cleared, err
			}
			// A profile not found may be one whose creation has not landed
			// yet (the first mark precedes the write): memory forgets it
			// only once no write can still be in flight. Deletes made here
			// were applied at once.
			if _, present := document(ch); present || ch.Startup != nil || m.At.Before(old) {
				d.rm.apply(ch)
			}
			if doc, ok := document(ch); ok {
				docs = append(docs, doc)
			} else {
				gone = append(gone, m.DocID)
			}
		}
		if err := d.search.apply(ctx, docs, gone); err != nil {
			return applied, cleared, err
		}
		for _, m := range batch {
			d.applied[m.ID] = m.Seq
		}
		applied += len(batch)
	}
	for _, m := range clear {
		if err := d.store.DoneOutbox(ctx, m); err != nil {
			return applied, cleared, err
		}
		delete(d.applied, m.ID)
		cleared++
	}
	return applied, cleared, nil
}

// current reads the marked profile's stored record.
func (d *Dispatcher) current(ctx context.Context, m domain.OutboxEntry) (Change, error) {
	ch := Change{Kind: m.Kind, ID: m.DocID}
	var err error
	switch m.Kind {
	case domain.ChangeStartup:
		ch.Startup, err = d.store.StartupByID(ctx, m.DocID)
	case domain.ChangeInvestor:
		ch.Investor, err = d.store.InvestorByID(ctx, m.DocID)
	case domain.ChangeSpace:
		ch.Space, err = d.store.SpaceByID(ctx, m.DocID)
	}
	if domain.IsKind(err, domain.KindNotFound) {
		return Change{Kind: m.Kind, ID: m.DocID}, nil // deleted: nil record
	}
	return ch, err
}

// matchAlerts fans out each alert whose write has landed and clears it; an
// alert whose write has not landed waits, until it is too old to ever land.
// The write an alert announces has no startup mark of its own
// (ReadModel.UpdateStartup), so the alert also applies the stored startup
// to the read model and the search index; when the search engine is down,
// a startup mark takes that over, so that the alert is not held back.
// The alerts of a pass go out together, alertBatch startups to a fan-out:
// an investor several of them fit gets one drop, not one each (a start
// after a stop finds every publish of the last moments waiting), and each
// mark is cleared only once its alerts are stored (a pass cut short by an
// error leaves the rest for the next, which sends them).
func (d *Dispatcher) matchAlerts(ctx context.Context, marks []domain.OutboxEntry, old time.Time) (int, error) {
	n := 0
	var send []*domain.Startup
	var sent []domain.OutboxEntry // send's marks
	flush := func() error {
		if len(send) == 0 {
			return nil
		}
		if _, err := d.alerts.FanOut(ctx, send...); err != nil {
			return err
		}
		for _, m := range sent {
			if err := d.store.DoneOutbox(ctx, m); err != nil {
				return err
			}
			n++
		}
		send, sent = send[:0], sent[:0]
		return nil
	}
	for _, m := range marks {
		s, err := d.store.StartupByID(ctx, m.DocID)
		switch {
		case domain.IsKind(err, domain.KindNotFound):
		case err != nil:
			return n, err
		case s.Version < m.Version:
			if !m.At.Before(old) {
				continue // the write it announces may still land
			}
		default:
			ch := Change{Kind: domain.ChangeStartup, ID: s.ID, Startup: s}
			d.rm.apply(ch)
			var docs []search.Document
			var gone []string
			if doc, ok := document(ch); ok {
				docs = append(docs, doc)
			} else {
				gone = append(gone, s.ID)
			}
			if err := d.search.apply(ctx, docs, gone); err != nil {
				d.log.Warn("search index not updated with an announced startup; marked for retry", "startup", s.ID, "err", err)
				if err := d.store.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: s.ID}); err != nil {
					return n, err
				}
			}
			if s.Status == domain.StatusPublished {
				send, sent = append(send, s), append(sent, m)
				if len(send) == alertBatch {
					if err := flush(); err != nil {
						return n, err
					}
				}
				continue
			}
		}
		if err := d.store.DoneOutbox(ctx, m); err != nil {
			return n, err
		}
	}
	return n, flush()
}
