package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/yuechuang/yuechuang/server/backup"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// healthcheckTimeout bounds `yuechuang healthcheck`; container engines
// give it their own timeout too.
const healthcheckTimeout = 5 * time.Second

// backupCmd is `yuechuang backup [-o FILE]`.
func backupCmd(ctx context.Context, cfg Config, args []string, log *slog.Logger, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("o", "", "the archive to write (default: a new time-stamped name in BACKUP_DIR, or in the current folder)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("backup takes no arguments besides -o FILE, got %q", fs.Args())
	}
	if *out == "" {
		dir := cfg.BackupDir
		if dir == "" {
			dir = "."
		}
		*out = filepath.Join(dir, backup.Name(time.Now()))
	}
	if cfg.MongoURI != "" {
		fmt.Fprintf(stdout, "The database lives in MongoDB (MONGODB_URI): back it up with\n"+
			"  mongodump --uri=\"$MONGODB_URI\" --db=%s --gzip --archive=yuechuang-mongo.archive\n"+
			"This archive holds only what lives outside MongoDB (the signing key).\n", cfg.MongoDB)
	}
	m, err := runBackup(ctx, cfg, *out, func(stage string) { log.Info("backup", "stage", stage) })
	if err != nil {
		return err
	}
	var docs int64
	for _, n := range m.Counts {
		docs += n
	}
	fmt.Fprintf(stdout, "backup written: %s (%d files, %d documents, schema version %d)\n", *out, len(m.Files), docs, m.SchemaVersion)
	return nil
}

// runBackup archives cfg's data directory to out.
func runBackup(ctx context.Context, cfg Config, out string, progress func(string)) (backup.Manifest, error) {
	return backup.Create(ctx, backup.Options{
		DataDir: cfg.DataDir, Database: cfg.MongoDB, External: cfg.MongoURI != "", Out: out, Progress: progress,
	})
}

// restoreCmd is `yuechuang restore FILE`.
func restoreCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: yuechuang restore FILE (into an empty DATA_DIR)")
	}
	m, err := backup.Restore(ctx, backup.RestoreOptions{Archive: args[0], DataDir: cfg.DataDir, SchemaVersion: mongo.SchemaVersion})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s: taken %s by %s (%s), schema version %d, %d files checked\n",
		args[0], cfg.DataDir, m.CreatedAt.Format(time.RFC3339), m.Release, m.Commit, m.SchemaVersion, len(m.Files))
	if !m.Embedded {
		fmt.Fprintln(stdout, "The database was in MongoDB: restore it with mongorestore from its mongodump.")
	}
	fmt.Fprintln(stdout, "The search index is rebuilt from the database on the first start.")
	return nil
}

// healthcheck is `yuechuang healthcheck`: it succeeds when /readyz on
// LISTEN_ADDR answers 200. Container images without a shell or curl use it.
func healthcheck(ctx context.Context, cfg Config) error {
	url, err := readyURL(cfg.ListenAddr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, healthcheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d", url, res.StatusCode)
	}
	return nil
}

// readyURL is the /readyz address of a server listening on addr.
func readyURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("healthcheck: LISTEN_ADDR %q: %w", addr, err)
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// backupReports shows the scheduler's state to the HTTP layer.
type backupReports struct{ s *backup.Scheduler }

func (b backupReports) BackupReport(now time.Time) httpapi.BackupReport {
	st := b.s.Status()
	r := httpapi.BackupReport{Enabled: st.Enabled, External: st.External, Dir: st.Dir, EverySeconds: int64(st.Every / time.Second),
		Keep: st.Keep, AgeSeconds: int64(st.Age(now) / time.Second), Stale: st.Stale(now), LastSize: st.LastSize,
		Failures: st.Failures, LastError: st.LastError}
	if !st.LastGood.IsZero() {
		r.LastGoodAt = &st.LastGood
	}
	if !st.LastFailure.IsZero() {
		r.LastFailureAt = &st.LastFailure
	}
	return r
}

// newScheduler returns the scheduled backups cfg asks for.
func newScheduler(cfg Config, log *slog.Logger) *backup.Scheduler {
	return backup.NewScheduler(backup.Options{DataDir: cfg.DataDir, Database: cfg.MongoDB, External: cfg.MongoURI != ""},
		cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep, log.With("component", "backup"))
}
