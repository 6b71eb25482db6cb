package main

// The start-up work that follows Open: the demo set, the search index and
// what the embedded engine holds in memory, done while the server already
// answers (/readyz says 503 until it is); and the sweeps started after it.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/yuechuang/yuechuang/server/seed"
)

// startup is /readyz's check that the start-up work is done.
type startup struct{ m *Main }

var errStarting = errors.New("still starting: loading data")

func (s startup) Ping(context.Context) error {
	if !s.m.ready.Load() {
		return errStarting
	}
	return nil
}

// startClock times the phases of a start (Open's and then Run's work up
// to ready) for the ready line, so that an operator sees what a slow start
// spent its time on.
type startClock struct {
	began, last time.Time
	phases      []any
}

func (c *startClock) start() { c.began = time.Now(); c.last = c.began }

// lap ends phase name.
func (c *startClock) lap(name string) {
	now := time.Now()
	c.phases = append(c.phases, slog.Duration(name, now.Sub(c.last).Round(time.Millisecond)))
	c.last = now
}

// attrs is the whole start's time and its phases, as log attributes.
func (c *startClock) attrs() []any {
	return []any{"took", time.Since(c.began).Round(time.Millisecond), slog.Group("phases", c.phases...)}
}

// prepare does the start-up work that may take a while: the demo set (if
// asked for and not loaded yet, or left half-loaded by an interrupted
// start) and the search index (rebuilt when empty or after a demo load).
func (m *Main) prepare(ctx context.Context) error {
	rebuild := false
	if m.Config.SeedDemo {
		loaded, err := m.seed(ctx)
		if err != nil {
			return err
		}
		rebuild = loaded
	}
	if rebuild {
		return m.Reindex(ctx)
	}
	return m.reindexIfEmpty(ctx)
}

// reindexIfEmpty rebuilds an empty search index from a database that has
// profiles (a first start with a new engine, or a deleted index folder).
// Marks already waiting in the outbox are left to the dispatcher.
func (m *Main) reindexIfEmpty(ctx context.Context) error {
	empty, err := m.indexer.Empty(ctx)
	if err != nil {
		m.log.Warn("search engine unavailable at start; the index will catch up", "err", err)
		return nil
	}
	if !empty {
		return nil
	}
	return m.Reindex(ctx)
}

// Reindex rebuilds the search index from the database, logging progress.
func (m *Main) Reindex(ctx context.Context) error {
	start := time.Now()
	counts := map[string]int{}
	err := m.indexer.Reindex(ctx, func(kind string, n int) {
		counts[kind] += n
		m.log.Info("reindexing", "kind", kind, "done", counts[kind])
	})
	if err != nil {
		return err
	}
	m.log.Info("search index rebuilt", "startups", counts["startup"], "investors", counts["investor"],
		"spaces", counts["space"], "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// demoLoad names the demo set's progress record in the database.
const demoLoad = "demo"

// seed loads the demo set into an empty database, or completes a load an
// earlier start began, and reports whether it loaded anything. A progress
// record says "started" before the first write and "done" after the last,
// so a start interrupted at any point completes the set on the next start.
func (m *Main) seed(ctx context.Context) (bool, error) {
	state, err := m.db.LoadState(ctx, demoLoad)
	if err != nil {
		return false, err
	}
	switch state {
	case "done":
		return false, nil
	case "started":
		m.log.Info("completing the demo data set an earlier start left unfinished")
	default:
		n, err := m.db.CountUsers(ctx)
		if err != nil {
			return false, err
		}
		admins := 0
		if m.Config.AdminEmail != "" {
			admins = 1
		}
		if n > admins {
			m.log.Info("database has data; demo set not loaded", "users", n)
			return false, nil
		}
		if err := m.db.SetLoadState(ctx, demoLoad, "started"); err != nil {
			return false, err
		}
	}
	start := time.Now()
	sizes := m.SeedSizes
	if sizes == (seed.Sizes{}) {
		sizes = seed.DefaultSizes
	}
	m.log.Info("loading demo data set", "startups", sizes.Startups, "investors", sizes.Investors, "spaces", sizes.Spaces)
	svc := m.svc
	// Each step stored is logged, and is where the crash tests kill the
	// process (TestDemoLoadCompletesAfterKill kills at every step logged).
	afterStep := func(step string) {
		m.log.Debug("demo data step stored", "step", step, "after", time.Since(start).Round(time.Millisecond))
		m.crashAfter("demo:" + step)
	}
	accounts, err := seed.Demo(ctx, seed.Deps{
		Store: m.readModel, Hasher: m.hasher, Startups: svc.Startups, Investors: svc.Investors, Spaces: svc.Spaces, Roadshows: svc.Roadshows,
		Decks: svc.Decks, Taxonomy: svc.Taxonomy, Alerts: svc.Matcher, Notes: m.db, AfterStep: afterStep,
	}, sizes)
	if err != nil {
		return false, fmt.Errorf("demo data: %w", err)
	}
	more, err := m.seedServices(ctx, afterStep)
	if err != nil {
		return false, fmt.Errorf("demo data (services): %w", err)
	}
	afterStep("services")
	accounts = append(accounts, more...)
	if state == "started" {
		// Records the first start stored were kept as they were: read them
		// back rather than hold the second run's copies.
		if err := m.readModel.Load(ctx); err != nil {
			return false, err
		}
	}
	if err := m.db.SetLoadState(ctx, demoLoad, "done"); err != nil {
		return false, err
	}
	m.log.Info("demo data loaded", "took", time.Since(start).Round(time.Millisecond))
	for _, a := range accounts {
		m.log.Info("demo account 演示账号", "role", a.Role, "email", a.Email, "password", a.Password)
	}
	m.mu.Lock()
	m.accounts = accounts
	m.mu.Unlock()
	return true, nil
}

// startAccounts begins loadAccounts beside the rest of the start (the
// read model's load, the demo set, the search index): it reads another
// table, and the account book takes the writes made meanwhile over what
// it read (mongo.DB.LoadUserNames), so the two loads need not take turns.
// Run waits for it before it says ready; Close stops it.
func (m *Main) startAccounts() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	m.accountLoad.cancel, m.accountLoad.done = cancel, done
	go func() {
		defer close(done)
		m.loadAccounts(ctx)
	}()
}

// loadAccounts reads every account's name and session version into memory
// on the embedded engine (mongo.DB.LoadUserNames), as part of the start-up
// work: /readyz says 503 until it is done, like the read model, so the
// first calls neither share the CPU with the scan nor read an account each
// to authenticate. Without it the server still answers correctly, reading
// per account, so a failure is logged, not fatal.
func (m *Main) loadAccounts(ctx context.Context) {
	began := time.Now()
	if err := m.db.LoadUserNames(ctx); err != nil {
		if ctx.Err() == nil {
			m.log.Warn("account names and session versions not held in memory; read per account", "err", err)
		}
		return
	}
	m.log.Info("account names and session versions read", "took", time.Since(began).Round(time.Millisecond))
}

// sweepTokens deletes expired refresh tokens, since FerretDB has no TTL index.
func (m *Main) sweepTokens(ctx context.Context) {
	t := time.NewTicker(tokenSweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if n, err := m.db.DeleteRefreshExpired(ctx, now); err != nil {
				m.log.Warn("sweep refresh tokens", "err", err)
			} else if n > 0 {
				m.log.Info("swept expired refresh tokens", "count", n)
			}
		}
	}
}

// sweepDeadDrops deletes the notification drops a crash left behind
// (mongo.DB.SweepDeadDrops), once per start.
func (m *Main) sweepDeadDrops(ctx context.Context) {
	if n, err := m.db.SweepDeadDrops(ctx); err != nil {
		m.log.Warn("sweep dead notification drops", "err", err)
	} else if n > 0 {
		m.log.Info("dead notification drops left by a crash, deleting", "count", n)
	}
}

// sweepDeckWrites finishes the deck file uploads and deletions a crash
// cut short (mongo.DB.SweepDeckWrites), once per start.
func (m *Main) sweepDeckWrites(ctx context.Context, serving time.Time) {
	if n, err := m.db.SweepDeckWrites(ctx, serving); err != nil {
		m.log.Warn("sweep deck file writes cut short", "err", err)
	} else if n > 0 {
		m.log.Info("deck file writes cut short by a crash, finished", "count", n)
	}
}

// finishChanges dispatches and clears the changes still marked when the
// server stops (app.Dispatcher.Finish), on the embedded engine, once the
// HTTP server has shut down: the edits of the last minute, whose marks the
// dispatcher keeps a minute, and publishes not yet announced, which the
// next start would otherwise apply before it is ready. It is bounded by
// finishTimeout; what it leaves, the next start dispatches.
func (m *Main) finishChanges() {
	if m.ferret == nil || !m.ready.Load() {
		return // MongoDB: other processes write; before ready: the start's own drain
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), finishTimeout)
	defer cancel()
	n, err := m.changes.Finish(ctx)
	if err != nil {
		m.log.Warn("changes not all dispatched before stopping; the next start will", "marks", n, "err", err)
		return
	}
	if n > 0 {
		m.log.Info("changes dispatched before stopping", "marks", n, "took", time.Since(began).Round(time.Millisecond))
	}
}
