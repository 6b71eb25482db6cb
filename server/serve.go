package main

// Serving and stopping: Run serves until its context ends and shuts down
// gracefully; Close releases what Open started (Main and Open: platform.go).

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Run serves HTTP until ctx ends, then shuts down gracefully. It serves
// from the start, with /readyz at 503 until the start-up work (prepare) is
// done; the background work starts after it.
func (m *Main) Run(ctx context.Context) error {
	serving := time.Now() // deck writes begun before this are a dead process's
	errc := make(chan error, 2)
	go func() { errc <- fmt.Errorf("http: %w", m.http.App().Listener(m.ln)) }()
	go func() {
		if err := m.prepare(ctx); err != nil {
			if ctx.Err() == nil {
				errc <- fmt.Errorf("start-up: %w", err)
			}
			return
		}
		m.clock.lap("prepare")
		<-m.accountLoad.done
		m.clock.lap("accounts")
		if err := m.db.Warm(ctx); err != nil {
			if ctx.Err() == nil {
				errc <- fmt.Errorf("start-up: %w", err)
			}
			return
		}
		m.clock.lap("warm")
		// Changes a stopped or crashed process left undispatched (a
		// profile's index update, a publish's match alerts) are applied
		// before users are served, at full speed: once ready, the
		// dispatcher's writes give way to users' and a backlog would run
		// beside the first calls for as long as they keep writing. A
		// consumer that is down (the search engine) is retried by Run.
		if n, err := m.changes.Drain(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("changes left by the last run not yet dispatched; will retry", "err", err)
		} else if n > 0 {
			m.log.Info("changes left by the last run dispatched", "marks", n)
		}
		m.clock.lap("drain")
		go m.sweepTokens(ctx)
		go m.sweepDeadDrops(ctx)
		go m.sweepDeckWrites(ctx, serving)
		go m.changes.Run(ctx)
		go m.roadshows.RunReminders(ctx)
		go m.plan.Alliance.RunReminders(ctx)
		go m.digests.Run(ctx)
		go m.history.Run(ctx, m.log)
		go m.backups.Run(ctx)
		m.ready.Store(true)
		m.log.Info("ready 就绪", m.clock.attrs()...)
	}()
	var runErr error
	select {
	case runErr = <-errc:
	case <-ctx.Done():
	}
	if runErr != nil {
		m.hub.Close()
		_ = m.http.Shutdown(shutdownTimeout)
		return runErr
	}
	m.log.Info("shutting down")
	// Close the live rooms first: the HTTP server waits for connections,
	// and websockets only end when their rooms close them.
	m.hub.Close()
	if err := m.http.Shutdown(shutdownTimeout); err != nil {
		return err
	}
	m.finishChanges()
	return nil
}

func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" || host == "::" || host == "0.0.0.0" {
		return "localhost:" + port
	}
	return a
}

// Close releases the database and the embedded server. It is safe to call
// after a failed Open.
func (m *Main) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	var errs []error
	if m.accountLoad.cancel != nil {
		m.accountLoad.cancel()
		<-m.accountLoad.done
	}
	m.handover() // after a failed Open
	if m.ln != nil {
		_ = m.ln.Close()
	}
	if m.stage != nil {
		m.stage.Close()
	}
	if m.hub != nil {
		m.hub.Close()
	}
	if m.bus != nil {
		m.bus.Close()
	}
	if m.kdf != nil {
		errs = append(errs, m.kdf.Close())
	}
	if m.engine != nil {
		errs = append(errs, m.engine.Close())
	}
	if m.db != nil {
		errs = append(errs, m.db.Close(ctx))
	}
	if m.ferret != nil {
		errs = append(errs, m.ferret.Close())
	}
	return errors.Join(errs...)
}
