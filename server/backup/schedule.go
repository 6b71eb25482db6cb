package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"
)

// Status is what the operator sees of scheduled backups.
type Status struct {
	// Enabled is false when no BACKUP_DIR is set.
	Enabled bool
	// External is true when the database lives in MongoDB: its backups are
	// mongodump's, and the platform's archives hold only what lies outside.
	External bool
	Dir      string
	Every    time.Duration
	Keep     int
	// LastGood is when the newest complete archive was taken (zero: none).
	LastGood time.Time
	LastFile string
	LastSize int64
	// Failures counts failed scheduled backups since the start;
	// LastError is the newest failure's message, cleared by a success.
	Failures    int64
	LastError   string
	LastFailure time.Time
}

// Age is how old the last good backup is at now; zero when there is none.
func (s Status) Age(now time.Time) time.Duration {
	if s.LastGood.IsZero() {
		return 0
	}
	return now.Sub(s.LastGood)
}

// Stale reports a backup that is missing or older than two periods, the
// point at which an operator must look.
func (s Status) Stale(now time.Time) bool {
	if !s.Enabled {
		return false
	}
	return s.LastGood.IsZero() || s.Age(now) > 2*s.Every
}

// Scheduler takes a backup every period into one folder and keeps the
// newest few. It is safe for concurrent use.
type Scheduler struct {
	base  Options // DataDir, Database, External
	dir   string
	every time.Duration
	keep  int
	log   *slog.Logger
	now   func() time.Time

	run    sync.Mutex // one backup at a time
	mu     sync.Mutex
	status Status
}

// NewScheduler returns a scheduler writing base's backups into dir every
// period and keeping keep archives. An empty dir disables it: Run returns
// at once and Status says so.
func NewScheduler(base Options, dir string, every time.Duration, keep int, log *slog.Logger) *Scheduler {
	now := time.Now
	if base.Now != nil {
		now = base.Now
	}
	return &Scheduler{base: base, dir: dir, every: every, keep: keep, log: log, now: now,
		status: Status{Enabled: dir != "", External: base.External, Dir: dir, Every: every, Keep: keep}}
}

// Status returns the current state.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Run takes backups until ctx ends: at once if the newest archive in the
// folder is older than a period, then every period.
func (s *Scheduler) Run(ctx context.Context) {
	if s.dir == "" {
		s.log.Warn("scheduled backups are off: set BACKUP_DIR (docs/OPERATIONS.md)")
		return
	}
	if s.base.External {
		s.log.Info("the database lives in MongoDB: back it up with mongodump; scheduled backups hold only the files outside it")
	}
	s.findLast()
	wait := s.every - s.Status().Age(s.now())
	if s.Status().LastGood.IsZero() || wait < 0 {
		wait = 0
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if ctx.Err() != nil {
			return
		}
		if err := s.BackupNow(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("scheduled backup failed", "err", err)
		}
		t.Reset(s.every)
	}
}

// BackupNow takes one backup into the folder and prunes old ones.
func (s *Scheduler) BackupNow(ctx context.Context) error {
	s.run.Lock()
	defer s.run.Unlock()
	o := s.base
	o.Out = filepath.Join(s.dir, Name(s.now()))
	start := time.Now()
	m, err := Create(ctx, o)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.status.Failures++
		s.status.LastError, s.status.LastFailure = err.Error(), s.now()
		return err
	}
	var size int64
	if fi, err := os.Stat(o.Out); err == nil {
		size = fi.Size()
	}
	s.status.LastGood, s.status.LastFile, s.status.LastSize, s.status.LastError = m.CreatedAt, o.Out, size, ""
	s.log.Info("backup written", "file", o.Out, "bytes", size, "took", time.Since(start).Round(time.Millisecond))
	s.prune()
	return nil
}

// archives lists the folder's complete archives, newest first.
func (s *Scheduler) archives() []string {
	names, _ := filepath.Glob(filepath.Join(s.dir, "yuechuang-*.tar.gz"))
	sort.Sort(sort.Reverse(sort.StringSlice(names))) // names sort by time
	return names
}

// prune deletes all but the newest keep archives. Called with mu held.
func (s *Scheduler) prune() {
	for _, p := range s.archives()[min(s.keep, len(s.archives())):] {
		if err := os.Remove(p); err != nil {
			s.log.Warn("remove old backup", "file", p, "err", err)
		} else {
			s.log.Info("old backup removed", "file", p)
		}
	}
}

// findLast sets the last good backup from the newest archive in the folder
// whose manifest reads, so that a restart does not forget it.
func (s *Scheduler) findLast() {
	for _, p := range s.archives() {
		m, err := ReadManifest(p)
		if err != nil {
			s.log.Warn("unreadable archive in BACKUP_DIR", "file", p, "err", err)
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		s.mu.Lock()
		s.status.LastGood, s.status.LastFile, s.status.LastSize = m.CreatedAt, p, fi.Size()
		s.mu.Unlock()
		return
	}
}

// ReadManifest reads an archive's manifest without reading the rest.
func ReadManifest(archive string) (Manifest, error) {
	f, err := os.Open(archive)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return Manifest{}, ErrCorrupt
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != ManifestName || hdr.Size > maxManifest {
		return Manifest{}, ErrCorrupt
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return Manifest{}, ErrCorrupt
	}
	return decodeManifest(b)
}
