// Package ferret runs an embedded FerretDB (SQLite backend) that speaks the
// MongoDB wire protocol on a loopback port. It lets the platform run with no
// external database while using exactly the same driver code as production.
package ferret

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	_ "modernc.org/sqlite" // the driver FerretDB itself uses, for IndexIDs
)

// Server is a running embedded FerretDB. Its methods are safe for concurrent use.
type Server struct {
	dir    string
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
	// readers are ReadBinary's handles on the SQLite files.
	readers readers
	// schemas are ReadDocument's parsed document schemas.
	schemas schemaCache
	// ckpt copies the WALs back into the database files (checkpoint.go).
	ckpt *checkpointer
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
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Handler:  "sqlite",
		// No commit checkpoints: the Server's checkpointer does
		// (checkpoint.go). FerretDB adds its own pragmas to these.
		SQLiteURL: "file:" + abs + "/?_pragma=wal_autocheckpoint(0)",
		Logger:    logger,
	})
	if err != nil {
		return nil, fmt.Errorf("ferret: new: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{dir: abs, cancel: cancel, done: make(chan struct{})}
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
	s.ckpt = newCheckpointer(abs, checkpointEvery)
	return s, nil
}

// URI returns the mongodb:// connection string of the server.
func (s *Server) URI() string { return s.uri }

// Close stops the server and waits for its SQLite files to be closed,
// their WALs checkpointed.
func (s *Server) Close() error {
	s.ckpt.stop()
	s.readers.close()
	s.cancel()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		return errors.Join(errors.New("ferret: stop timed out"), s.ckpt.close())
	}
	return s.ckpt.close()
}

// IndexIDs gives every collection's SQLite table an index on the exact
// expression FerretDB v1 filters `_id` lookups by (`_ferretdb_sjson->'$._id'`).
// FerretDB's own `_id` index is on `_ferretdb_sjson->"_id"`, which SQLite
// does not match to that filter, so every lookup by id scanned the whole
// table (1.9 ms at 300 rows, growing with the table; 17 µs with the index).
// Call it once the collections exist; it is idempotent. It returns how many
// tables it looked at.
func (s *Server) IndexIDs(ctx context.Context) (int, error) {
	files, err := filepath.Glob(filepath.Join(s.dir, "*.sqlite"))
	if err != nil {
		return 0, fmt.Errorf("ferret: list databases: %w", err)
	}
	n := 0
	for _, f := range files {
		k, err := indexIDs(ctx, f)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func indexIDs(ctx context.Context, file string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, fmt.Errorf("ferret: open %s: %w", file, err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return 0, fmt.Errorf("ferret: list tables of %s: %w", file, err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return 0, fmt.Errorf("ferret: list tables: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("ferret: list tables: %w", err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, t+"_yc_id", t)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("ferret: index %s: %w", t, err)
		}
	}
	return len(tables), nil
}
