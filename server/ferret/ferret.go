// Package ferret runs an embedded FerretDB (SQLite backend) that speaks the
// MongoDB wire protocol on a loopback port. It lets the platform run with no
// external database while using exactly the same driver code as production.
package ferret

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Server is a running embedded FerretDB. Its methods are safe for concurrent use.
type Server struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// Start creates dir if needed and starts FerretDB storing its SQLite files there.
// It listens on a free port of 127.0.0.1 and returns once the URI is known.
// The caller must call Close.
func Start(dir string, logger *slog.Logger) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ferret: data dir: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("ferret: create data dir: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("ferret: new: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = f.Run(ctx)
	}()
	// MongoDBURI blocks until the listener is bound; guard it with a deadline
	// so a broken start fails instead of hanging the process.
	uriCh := make(chan string, 1)
	go func() { uriCh <- f.MongoDBURI() }()
	select {
	case s.uri = <-uriCh:
	case <-time.After(30 * time.Second):
		cancel()
		return nil, errors.New("ferret: listener did not start within 30s")
	}
	return s, nil
}

// URI returns the mongodb:// connection string of the server.
func (s *Server) URI() string { return s.uri }

// Close stops the server and waits for its SQLite files to be closed.
func (s *Server) Close() error {
	s.cancel()
	select {
	case <-s.done:
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("ferret: stop timed out")
	}
}
