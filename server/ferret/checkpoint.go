package ferret

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// FerretDB's SQLite files are in WAL mode: a commit appends its pages to
// the -wal file and fsyncs it, and a checkpoint copies them back into the
// database file and fsyncs that. By default SQLite checkpoints inside the
// commit that finds the WAL at 1,000 pages or more, and since the WAL file
// only starts again from its beginning when a writer finds it wholly
// copied back and no reader in it, every commit until then runs one more
// checkpoint: a user's save paid for copying pages and two more fsyncs.
// Start turns that off (wal_autocheckpoint(0) on FerretDB's connections)
// and the checkpointer below does the copying on a connection of its own,
// at a quiet moment of the users' writes (SetQuiet), off every commit.
// Durability does not change: a commit is on disk once its WAL frames are
// fsynced (synchronous=FULL), checkpointed or not, and a process killed
// with frames not yet copied back finds them in the WAL on the next open.

// checkpointEvery is how often the checkpointer checkpoints each
// database's WAL (PASSIVE), so that a burst of commits is copied back in
// one go (a page written by several commits once).
const checkpointEvery = time.Second

// checkpointer copies each database's WAL back into its file.
type checkpointer struct {
	dir   string
	every time.Duration
	quiet atomic.Pointer[func(context.Context)]
	// runs counts the rounds of looks at the WALs, checkpoints the
	// passive checkpoints run (tests).
	runs, checkpoints atomic.Int64
	cancel            context.CancelFunc
	done              chan struct{}
	// dbs belong to the loop's goroutine, then to close.
	dbs map[string]*sql.DB
}

func newCheckpointer(dir string, every time.Duration) *checkpointer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{dir: dir, every: every, cancel: cancel, done: make(chan struct{}),
		dbs: map[string]*sql.DB{}}
	go c.loop(ctx)
	return c
}

// SetQuiet gives the checkpointer a function that returns at a quiet
// moment of the users' writes (or once it has waited long enough, or
// when its context ends); each checkpoint waits for it first. Without it
// a checkpoint starts when it is due.
func (s *Server) SetQuiet(quiet func(context.Context)) {
	s.ckpt.quiet.Store(&quiet)
}

func (c *checkpointer) loop(ctx context.Context) {
	defer close(c.done)
	t := time.NewTicker(c.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		files, _ := filepath.Glob(filepath.Join(c.dir, "*.sqlite"))
		for _, f := range files {
			if ctx.Err() != nil {
				return
			}
			// A failed look is tried again at the next tick; the commits
			// stay durable in the WAL meanwhile.
			_ = c.look(ctx, f)
		}
		c.runs.Add(1)
	}
}

// look waits for a quiet moment and checkpoints file's WAL. A PASSIVE
// checkpoint of a WAL with nothing left to copy back writes nothing and
// syncs nothing. Whether there is anything is not read from the -shm
// file: opening and closing it in this process would drop the POSIX
// locks SQLite holds on it (https://www.sqlite.org/howtocorrupt.html,
// 2.2), and another process (a backup) would then reset it under this
// one's connections.
func (c *checkpointer) look(ctx context.Context, file string) error {
	if _, err := os.Stat(file + "-wal"); err != nil {
		return nil // no WAL: nothing to copy
	}
	if q := c.quiet.Load(); q != nil {
		(*q)(ctx)
	}
	if _, err := c.checkpoint(ctx, file, "PASSIVE"); err != nil {
		return err
	}
	c.checkpoints.Add(1)
	// No TRUNCATE or RESTART here, however large the WAL file: such a
	// checkpoint holds the writers' lock while it waits for the readers,
	// and retried each second under a stream of reads it kept a user's
	// write waiting past FerretDB's busy timeout (SQLITE_BUSY in
	// TestFeedbackAndScans, server/mongo). A WAL file keeps the largest
	// size it reached until Close.
	return nil
}

// checkpoint runs one checkpoint of mode on file and says whether the WAL
// is now wholly in the file.
func (c *checkpointer) checkpoint(ctx context.Context, file, mode string) (whole bool, err error) {
	db := c.dbs[file]
	if db == nil {
		// Close's TRUNCATE checkpoint waits for readers and writers at
		// most this long (busy_timeout); none are left by then.
		db, err = sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(1000)")
		if err != nil {
			return false, fmt.Errorf("ferret: checkpoint %s: %w", filepath.Base(file), err)
		}
		db.SetMaxOpenConns(1)
		c.dbs[file] = db
	}
	var busy, log, done int
	if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &log, &done); err != nil {
		return false, fmt.Errorf("ferret: checkpoint %s: %w", filepath.Base(file), err)
	}
	// log is the WAL's frames and done those copied back, both -1 when
	// the file is not in WAL mode (nothing to copy).
	return busy == 0 && log == done, nil
}

// stop ends the loop; the connections stay open for close.
func (c *checkpointer) stop() {
	c.cancel()
	<-c.done
}

// close closes the checkpointer's connections and runs a last TRUNCATE
// checkpoint of each database on a new one (the loop's may have been
// interrupted by stop mid-statement, which the next statement on it would
// report). Called once FerretDB has closed its own connections, it finds
// no reader or writer in the way: a graceful stop leaves every commit in
// the database files and no WAL.
func (c *checkpointer) close() error {
	var errs []error
	for f, db := range c.dbs {
		if err := db.Close(); err != nil {
			errs = append(errs, err)
		}
		delete(c.dbs, f)
	}
	files, _ := filepath.Glob(filepath.Join(c.dir, "*.sqlite"))
	for _, f := range files {
		if _, err := os.Stat(f + "-wal"); err != nil {
			continue
		}
		if whole, err := c.checkpoint(context.Background(), f, "TRUNCATE"); err != nil {
			errs = append(errs, err)
		} else if !whole {
			errs = append(errs, fmt.Errorf("ferret: last checkpoint of %s: a reader or writer is still busy", filepath.Base(f)))
		}
		if db := c.dbs[f]; db != nil {
			if err := db.Close(); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
