package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// ExportManifestName is the file an export writes beside its database
// folder: what it holds, so that an import can check it.
const ExportManifestName = "yuechuang-export.json"

// ExportManifest describes an export.
type ExportManifest struct {
	Release       string           `json:"release"`
	Commit        string           `json:"commit"`
	Database      string           `json:"database"`
	SchemaVersion int              `json:"schemaVersion"`
	Counts        map[string]int64 `json:"counts"`
}

// Export writes the whole platform's embedded database, as a snapshot
// taken like a backup's (so the server may keep running), in mongodump's
// layout: dir/<database>/<collection>.bson. `mongorestore` or Import load
// it into MongoDB. The search index is not exported: the server builds it
// from the database on its first start.
func Export(ctx context.Context, o Options, dir string) (ExportManifest, error) {
	var m ExportManifest
	if o.External {
		return m, errors.New("export: the database is already in MongoDB (MONGODB_URI): copy it with mongodump")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return m, fmt.Errorf("export: %w: %s", ErrNotEmpty, dir)
	}
	out := filepath.Join(dir, o.Database)
	if err := os.MkdirAll(out, 0o750); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	staging, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), ".yc-export-")
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(staging)
	if _, err := ferret.Snapshot(ctx, filepath.Join(o.DataDir, FerretDir), staging); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	srv, err := ferret.Start(staging, nil)
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	defer srv.Close()
	facts, err := mongo.Inspect(ctx, srv.URI(), o.Database)
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	counts, err := mongo.Dump(ctx, srv.URI(), o.Database, func(c string) (io.WriteCloser, error) {
		return os.OpenFile(filepath.Join(out, c+".bson"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	})
	if err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	if d := countDiff(counts, facts.Counts); d != "" {
		return m, fmt.Errorf("export: the dump does not hold what the database counts (%s)", d)
	}
	m = ExportManifest{Database: o.Database, SchemaVersion: facts.SchemaVersion, Counts: counts}
	m.Release, m.Commit = Build()
	if o.Release != "" {
		m.Release = o.Release
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ExportManifestName), b, 0o600); err != nil {
		return m, fmt.Errorf("export: %w", err)
	}
	return m, nil
}

// Import loads an export (or a mongodump of the platform's database) from
// dir/<database>/*.bson into database at uri, which must hold no document
// yet. With the export's manifest beside it, it refuses data newer than
// schema and checks that every collection received the documents counted.
func Import(ctx context.Context, dir, uri, database string, schema int) (map[string]int64, error) {
	var want *ExportManifest
	if b, err := os.ReadFile(filepath.Join(dir, ExportManifestName)); err == nil {
		want = new(ExportManifest)
		if err := json.Unmarshal(b, want); err != nil {
			return nil, fmt.Errorf("import: %w: %s: %v", ErrCorrupt, ExportManifestName, err)
		}
		if want.SchemaVersion > schema {
			return nil, fmt.Errorf("import: %w: it holds stored-data schema version %d; this binary knows up to version %d",
				ErrUnsupported, want.SchemaVersion, schema)
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, database, "*.bson"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("import: no %s/*.bson files in %s", database, dir)
	}
	facts, err := mongo.Inspect(ctx, uri, database)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for c, n := range facts.Counts {
		if n > 0 {
			return nil, fmt.Errorf("import: %w: database %s already holds %d documents in %s", ErrNotEmpty, database, n, c)
		}
	}
	got := map[string]int64{}
	for _, f := range files {
		c := strings.TrimSuffix(filepath.Base(f), ".bson")
		r, err := os.Open(f)
		if err != nil {
			return got, fmt.Errorf("import: %w", err)
		}
		got[c], err = mongo.Load(ctx, uri, database, c, r)
		r.Close()
		if err != nil {
			return got, fmt.Errorf("import: %w", err)
		}
	}
	if want != nil {
		for c, n := range want.Counts {
			if got[c] != n {
				return got, fmt.Errorf("import: %w: %s received %d documents, the export counts %d", ErrCorrupt, c, got[c], n)
			}
		}
	}
	return got, nil
}
