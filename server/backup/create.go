package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// Layout of a data directory, relative to it.
const (
	FerretDir  = "ferretdb"
	KeyFile    = "jwt.key"
	partialExt = ".partial"
	stagingExt = ".staging"
)

// Options say what to back up and where.
type Options struct {
	DataDir string
	// Database is the database name (MONGODB_DB).
	Database string
	// External is true when the database lives outside DataDir (MONGODB_URI):
	// only the files outside it are archived.
	External bool
	// Out is the archive's final name. It appears only once the archive is
	// complete and synced; until then the bytes go to a hidden ".partial"
	// file beside it.
	Out string
	// Progress, if set, is told each stage as it begins: "snapshot",
	// "inspect", "archive", "rename".
	Progress func(stage string)
	// Now, if set, replaces time.Now for the manifest.
	Now func() time.Time
}

func (o Options) progress(stage string) {
	if o.Progress != nil {
		o.Progress(stage)
	}
}

// Create writes a backup of o.DataDir to o.Out and returns its manifest.
// A Create that fails or is killed leaves no file under o.Out and touches
// no other archive; the next Create in the same folder removes what a
// killed one left behind.
func Create(ctx context.Context, o Options) (m Manifest, err error) {
	dir := filepath.Dir(o.Out)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return m, fmt.Errorf("backup: folder: %w", err)
	}
	if _, err := os.Stat(o.Out); err == nil {
		return m, fmt.Errorf("backup: %s already exists", o.Out)
	}
	removeAbandoned(dir)
	base := filepath.Base(o.Out)
	partial := filepath.Join(dir, "."+base+partialExt)
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		return m, fmt.Errorf("backup: lock %s: %w", partial, err)
	}
	staging := filepath.Join(dir, "."+base+stagingExt)
	defer func() {
		f.Close() // releases the lock
		_ = os.RemoveAll(staging)
		if err != nil {
			_ = os.Remove(partial)
		}
	}()
	if err := os.Mkdir(staging, 0o700); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}

	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	m = Manifest{Format: Format, CreatedAt: now().UTC(), Embedded: !o.External, SearchIndex: SearchRebuilt}
	m.Release, m.Commit = Build()
	if !o.External {
		o.progress("snapshot")
		if _, err := ferret.Snapshot(ctx, filepath.Join(o.DataDir, FerretDir), filepath.Join(staging, FerretDir)); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
		o.progress("inspect")
		facts, err := inspect(ctx, filepath.Join(staging, FerretDir), o.Database)
		if err != nil {
			return m, fmt.Errorf("backup: read the snapshot: %w", err)
		}
		m.Database, m.SchemaVersion, m.Counts = o.Database, facts.SchemaVersion, facts.Counts
	}
	if err := copyFile(filepath.Join(o.DataDir, KeyFile), filepath.Join(staging, KeyFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, fmt.Errorf("backup: signing key: %w", err)
	}
	if m.Files, err = checksums(staging); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}

	o.progress("archive")
	if err := writeArchive(f, staging, m); err != nil {
		return m, fmt.Errorf("backup: write %s: %w", partial, err)
	}
	if err := f.Sync(); err != nil {
		return m, fmt.Errorf("backup: sync: %w", err)
	}
	o.progress("rename")
	if err := os.Rename(partial, o.Out); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	syncDir(dir)
	return m, nil
}

// inspect starts an embedded FerretDB on a snapshot's folder, reads its
// facts and leaves the files self-contained again.
func inspect(ctx context.Context, dir, database string) (mongo.Facts, error) {
	srv, err := ferret.Start(dir, nil)
	if err != nil {
		return mongo.Facts{}, err
	}
	facts, err := mongo.Inspect(ctx, srv.URI(), database)
	if cerr := srv.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return facts, err
	}
	return facts, ferret.Settle(ctx, dir)
}

// removeAbandoned deletes the partial archives and staging folders that
// killed backups left in dir. A running backup holds a lock on its partial
// file, so only abandoned ones are removed.
func removeAbandoned(dir string) {
	partials, _ := filepath.Glob(filepath.Join(dir, ".*"+partialExt))
	for _, p := range partials {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if tryLockFile(f) {
			_ = os.RemoveAll(strings.TrimSuffix(p, partialExt) + stagingExt)
			_ = os.Remove(p)
		}
		f.Close()
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// checksums lists every regular file under root with its size and SHA-256,
// sorted by path.
func checksums(root string) ([]File, error) {
	var files []File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		sum, size, err := hashFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, File{Path: filepath.ToSlash(rel), Size: size, SHA256: sum})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

func hashFile(p string) (string, int64, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// writeArchive writes the manifest, then every file it lists, as a
// gzip-compressed tar.
func writeArchive(w io.Writer, root string, m Manifest) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if _, err := tw.Write(mb); err != nil {
		return err
	}
	for _, f := range m.Files {
		hdr := &tar.Header{Name: f.Path, Mode: 0o600, Size: f.Size, ModTime: m.CreatedAt, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		in, err := os.Open(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil {
			return err
		}
		_, err = io.Copy(tw, in)
		in.Close()
		if err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// syncDir makes a rename in dir durable; not every system allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
