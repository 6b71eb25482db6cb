package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Errors a restore reports; test them with errors.Is.
var (
	// ErrCorrupt: the archive is damaged or does not match its manifest.
	ErrCorrupt = errors.New("the archive is corrupted")
	// ErrUnsupported: the archive was written by a newer release.
	ErrUnsupported = errors.New("the archive is newer than this binary")
	// ErrNotEmpty: restores go only into an empty data directory.
	ErrNotEmpty = errors.New("the data directory is not empty")
)

// maxManifest bounds the manifest read into memory.
const maxManifest = 16 << 20

// RestoreOptions say what to restore where.
type RestoreOptions struct {
	Archive string
	DataDir string
	// SchemaVersion is the newest stored-shape version this binary reads;
	// an archive of newer data is refused.
	SchemaVersion int
}

// Restore unpacks an archive into an empty (or missing) data directory.
// It checks every file's size and checksum, refuses data newer than the
// binary, and starts the restored database once to check that it holds the
// schema version and the number of documents per collection the manifest
// lists. Only then does it move the files into place: a refused archive
// leaves the data directory empty.
func Restore(ctx context.Context, o RestoreOptions) (Manifest, error) {
	if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	entries, err := os.ReadDir(o.DataDir)
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	if len(entries) > 0 {
		return Manifest{}, fmt.Errorf("restore: %w: %s holds %s", ErrNotEmpty, o.DataDir, entries[0].Name())
	}
	staging, err := os.MkdirTemp(o.DataDir, ".restore-")
	if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(staging)

	m, err := unpack(o.Archive, staging, o.SchemaVersion)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if m.Embedded {
		facts, err := inspect(ctx, filepath.Join(staging, FerretDir), m.Database)
		if err != nil {
			return m, fmt.Errorf("restore: open the restored database: %w", err)
		}
		if facts.SchemaVersion != m.SchemaVersion {
			return m, fmt.Errorf("restore: %w: the database holds schema version %d, the manifest says %d",
				ErrCorrupt, facts.SchemaVersion, m.SchemaVersion)
		}
		if d := countDiff(facts.Counts, m.Counts); d != "" {
			return m, fmt.Errorf("restore: %w: the restored database does not hold the documents the manifest counts (%s)", ErrCorrupt, d)
		}
	}
	names, err := os.ReadDir(staging)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	for _, e := range names {
		if err := os.Rename(filepath.Join(staging, e.Name()), filepath.Join(o.DataDir, e.Name())); err != nil {
			return m, fmt.Errorf("restore: %w", err)
		}
	}
	syncDir(o.DataDir)
	return m, nil
}

// unpack reads the archive into dir, checking it against its manifest.
func unpack(archive, dir string, schema int) (Manifest, error) {
	f, err := os.Open(archive)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != ManifestName || hdr.Size > maxManifest {
		return Manifest{}, fmt.Errorf("%w: no manifest first (%v)", ErrCorrupt, err)
	}
	mb, err := io.ReadAll(tr)
	if err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	m, err := decodeManifest(mb)
	if err != nil {
		return m, err
	}
	if m.SchemaVersion > schema {
		return m, fmt.Errorf("%w: it holds stored-data schema version %d (written by %s %s); this binary knows up to version %d: restore it with that release or a newer one",
			ErrUnsupported, m.SchemaVersion, m.Release, m.Commit, schema)
	}
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return m, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		want, ok := m.file(hdr.Name)
		if !ok || seen[hdr.Name] || hdr.Typeflag != tar.TypeReg || !safePath(hdr.Name) {
			return m, fmt.Errorf("%w: unexpected entry %q", ErrCorrupt, hdr.Name)
		}
		seen[hdr.Name] = true
		if err := extract(tr, filepath.Join(dir, filepath.FromSlash(hdr.Name)), want); err != nil {
			return m, err
		}
	}
	// The gzip trailer's checksum is checked when the stream is read to its end.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return m, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	for _, f := range m.Files {
		if !seen[f.Path] {
			return m, fmt.Errorf("%w: %s is missing", ErrCorrupt, f.Path)
		}
	}
	if m.Embedded && !slices.ContainsFunc(m.Files, func(f File) bool { return strings.HasPrefix(f.Path, FerretDir+"/") }) {
		return m, fmt.Errorf("%w: no database file", ErrCorrupt)
	}
	return m, nil
}

func extract(r io.Reader, dst string, want File) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, want.Size+1))
	if err != nil {
		out.Close()
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, want.Path, err)
	}
	if n != want.Size || hex.EncodeToString(h.Sum(nil)) != want.SHA256 {
		out.Close()
		return fmt.Errorf("%w: %s does not match its checksum", ErrCorrupt, want.Path)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// safePath accepts only clean relative paths inside the data directory.
func safePath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != ".." && !strings.HasPrefix(p, "../")
}

// countDiff describes where got and want differ, or returns "".
func countDiff(got, want map[string]int64) string {
	var d []string
	for c, n := range want {
		if got[c] != n {
			d = append(d, fmt.Sprintf("%s: %d, manifest %d", c, got[c], n))
		}
	}
	for c, n := range got {
		if _, ok := want[c]; !ok {
			d = append(d, fmt.Sprintf("%s: %d, not in the manifest", c, n))
		}
	}
	slices.Sort(d)
	return strings.Join(d, "; ")
}
