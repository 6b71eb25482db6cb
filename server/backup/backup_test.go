package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/backup"
	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// dataDir makes a data directory with a running embedded database holding
// a few documents, a deck file (its chunks), the given schema version and a
// signing key. The database keeps running until the test ends.
func dataDir(t *testing.T, schema int) string {
	t.Helper()
	dir := t.TempDir()
	srv, err := ferret.Start(filepath.Join(dir, backup.FerretDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ctx := context.Background()
	db, err := mongo.Open(ctx, srv.URI(), "yuechuang", true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(ctx) })
	if _, err := db.SaveDeckFile(ctx, "deck.pdf", bytes.Repeat([]byte("%PDF-1.4 page "), 40000)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, schema); err != nil {
		t.Fatal(err)
	}
	client, err := driver.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(ctx) })
	for i := 0; i < 25; i++ {
		if _, err := client.Database("yuechuang").Collection("startups").InsertOne(ctx, bson.D{{Key: "_id", Value: mongo.NewID()}, {Key: "n", Value: i}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, backup.KeyFile), []byte("k3y"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func create(t *testing.T, data string) (string, backup.Manifest) {
	t.Helper()
	out := filepath.Join(t.TempDir(), backup.Name(testNow))
	m, err := backup.Create(context.Background(), backup.Options{DataDir: data, Database: "yuechuang", Out: out})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return out, m
}

func restore(archive, into string) (backup.Manifest, error) {
	return backup.Restore(context.Background(), backup.RestoreOptions{Archive: archive, DataDir: into, SchemaVersion: mongo.SchemaVersion})
}

func TestRoundTrip(t *testing.T) {
	archive, m := create(t, dataDir(t, mongo.SchemaVersion))
	if m.Counts["startups"] != 25 || m.Counts["deck_files"] != 1 || m.Counts["deck_chunks"] < 2 || m.SchemaVersion != mongo.SchemaVersion {
		t.Fatalf("manifest: %+v", m)
	}
	into := filepath.Join(t.TempDir(), "data")
	got, err := restore(archive, into)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if len(got.Files) != 2 {
		t.Fatalf("restored files: %+v", got.Files)
	}
	if k, _ := os.ReadFile(filepath.Join(into, backup.KeyFile)); string(k) != "k3y" {
		t.Fatalf("signing key %q", k)
	}
	entries, _ := os.ReadDir(into)
	if len(entries) != 2 {
		t.Fatalf("data dir holds %v", entries)
	}
	// Restoring twice into the same directory is refused.
	if _, err := restore(archive, into); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore into a full dir: %v", err)
	}
}

// rewrite copies an archive, passing each entry's bytes through edit.
func rewrite(t *testing.T, src string, edit func(name string, b []byte) []byte) string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		b = edit(hdr.Name, b)
		hdr.Size = int64(len(b))
		_ = tw.WriteHeader(hdr)
		_, _ = tw.Write(b)
	}
	_ = tw.Close()
	_ = zw.Close()
	out := filepath.Join(t.TempDir(), "edited.tar.gz")
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func editManifest(t *testing.T, edit func(*backup.Manifest)) func(string, []byte) []byte {
	return func(name string, b []byte) []byte {
		if name != backup.ManifestName {
			return b
		}
		var m backup.Manifest
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(&m)
		b, _ = json.Marshal(m)
		return b
	}
}

// TestRestoreRefuses checks that every kind of damaged or foreign archive
// is refused with its reason and leaves the data directory empty.
func TestRestoreRefuses(t *testing.T) {
	archive, _ := create(t, dataDir(t, mongo.SchemaVersion))
	raw, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	write := func(b []byte) string {
		p := filepath.Join(t.TempDir(), "a.tar.gz")
		_ = os.WriteFile(p, b, 0o600)
		return p
	}
	flipped := bytes.Clone(raw)
	flipped[len(flipped)/2] ^= 0x40
	newer, _ := create(t, dataDir(t, mongo.SchemaVersion+1))

	for name, c := range map[string]struct {
		archive string
		want    error
	}{
		"a flipped byte": {write(flipped), backup.ErrCorrupt},
		"truncated":      {write(raw[:len(raw)*2/3]), backup.ErrCorrupt},
		"not an archive": {write([]byte("hello")), backup.ErrCorrupt},
		"a changed file": {rewrite(t, archive, func(n string, b []byte) []byte {
			return map[bool][]byte{true: []byte("k3Y"), false: b}[n == backup.KeyFile]
		}), backup.ErrCorrupt},
		"a missing file": {rewrite(t, archive, editManifest(t, func(m *backup.Manifest) { m.Files = append(m.Files, backup.File{Path: "extra", Size: 1}) })), backup.ErrCorrupt},
		"wrong counts":   {rewrite(t, archive, editManifest(t, func(m *backup.Manifest) { m.Counts["startups"]++ })), backup.ErrCorrupt},
		"wrong schema":   {rewrite(t, archive, editManifest(t, func(m *backup.Manifest) { m.SchemaVersion = 0 })), backup.ErrCorrupt},
		"escaping path":  {rewrite(t, archive, editManifest(t, func(m *backup.Manifest) { m.Files[0].Path = "../" + m.Files[0].Path })), backup.ErrCorrupt},
		"a newer format": {rewrite(t, archive, editManifest(t, func(m *backup.Manifest) { m.Format++ })), backup.ErrUnsupported},
		"a newer schema": {newer, backup.ErrUnsupported},
	} {
		t.Run(name, func(t *testing.T) {
			into := filepath.Join(t.TempDir(), "data")
			_, err := restore(c.archive, into)
			if !errors.Is(err, c.want) {
				t.Fatalf("Restore: %v, want %v", err, c.want)
			}
			t.Log(err)
			if entries, _ := os.ReadDir(into); len(entries) != 0 {
				t.Fatalf("a refused restore left %v", entries)
			}
		})
	}
}

// TestScheduler takes backups on a clock that moves a day at a time: it
// keeps the newest archives, reports the age of the last good one, calls
// it stale past two periods, and a new scheduler finds it in the folder.
func TestScheduler(t *testing.T) {
	data := dataDir(t, mongo.SchemaVersion)
	now := testNow
	clock := func() time.Time { return now }
	dir := filepath.Join(t.TempDir(), "backups")
	opts := backup.Options{DataDir: data, Database: "yuechuang", Now: clock}
	s := backup.NewScheduler(opts, dir, 24*time.Hour, 2, slog.New(slog.DiscardHandler))
	if st := s.Status(); !st.Enabled || !st.Stale(now) || !st.LastGood.IsZero() {
		t.Fatalf("before any backup: %+v", st)
	}
	for i := 0; i < 3; i++ {
		if err := s.BackupNow(context.Background()); err != nil {
			t.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) != 2 || filepath.Base(names[1]) != backup.Name(testNow.Add(48*time.Hour)) {
		t.Fatalf("kept %v", names)
	}
	st := s.Status()
	if st.Age(now) != 24*time.Hour || st.Stale(now) || st.LastSize == 0 || st.Failures != 0 {
		t.Fatalf("after three backups: %+v", st)
	}
	if !st.Stale(now.Add(25*time.Hour)) || st.Stale(now.Add(23*time.Hour)) {
		t.Fatal("stale is not two periods")
	}
	// A restarted server finds the last good backup in the folder.
	s2 := backup.NewScheduler(opts, dir, 24*time.Hour, 2, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s2.Run(ctx)
	if got := s2.Status().LastGood; !got.Equal(testNow.Add(48 * time.Hour)) {
		t.Fatalf("restarted scheduler's last good backup: %v", got)
	}
	// A failing backup is counted and does not move the last good one.
	bad := backup.NewScheduler(backup.Options{DataDir: data, Database: "yuechuang", Now: clock}, filepath.Join(data, backup.KeyFile, "x"), time.Hour, 1, slog.New(slog.DiscardHandler))
	if err := bad.BackupNow(context.Background()); err == nil {
		t.Fatal("backup into a file's path succeeded")
	}
	if st := bad.Status(); st.Failures != 1 || st.LastError == "" || !st.Stale(now) {
		t.Fatalf("after a failure: %+v", st)
	}
	if off := backup.NewScheduler(opts, "", time.Hour, 1, slog.New(slog.DiscardHandler)).Status(); off.Enabled || off.Stale(now) {
		t.Fatalf("disabled: %+v", off)
	}
}
