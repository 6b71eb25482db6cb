package ferret

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Snapshot writes a consistent copy of every SQLite database file of the
// FerretDB directory dir into dst (created if needed), while a server may
// keep writing to them, and returns the names of the files written.
//
// Each copy is made by SQLite's VACUUM INTO inside one read transaction: the
// copy holds exactly the commits that preceded that transaction and none
// after, whatever other connections or processes write meanwhile (the files
// are in WAL mode, so readers and the writer do not wait on each other).
// The copies are self-contained files in rollback-journal mode: no -wal or
// -shm file belongs with them.
func Snapshot(ctx context.Context, dir, dst string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return nil, fmt.Errorf("ferret: list databases: %w", err)
	}
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return nil, fmt.Errorf("ferret: snapshot dir: %w", err)
	}
	var names []string
	for _, f := range files {
		name := filepath.Base(f)
		if err := snapshotFile(ctx, f, filepath.Join(dst, name)); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, nil
}

func snapshotFile(ctx context.Context, src, dst string) error {
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("ferret: open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		return fmt.Errorf("ferret: snapshot %s: %w", filepath.Base(src), err)
	}
	return nil
}

// Settle checkpoints and leaves every SQLite file of dir in rollback-journal
// mode, so that each is complete on its own (FerretDB switches the files it
// opens to WAL mode). Call it when no server runs on dir, before the files
// are checksummed or copied.
func Settle(ctx context.Context, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		return fmt.Errorf("ferret: list databases: %w", err)
	}
	for _, f := range files {
		db, err := sql.Open("sqlite", "file:"+f+"?_pragma=busy_timeout(10000)")
		if err != nil {
			return fmt.Errorf("ferret: open %s: %w", f, err)
		}
		var mode string
		err = db.QueryRowContext(ctx, `PRAGMA journal_mode=DELETE`).Scan(&mode)
		db.Close()
		if err != nil {
			return fmt.Errorf("ferret: settle %s: %w", filepath.Base(f), err)
		}
		if !strings.EqualFold(mode, "delete") {
			return fmt.Errorf("ferret: settle %s: journal mode stayed %s", filepath.Base(f), mode)
		}
	}
	return nil
}
