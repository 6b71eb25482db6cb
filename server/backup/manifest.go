// Package backup takes consistent online snapshots of a data directory
// into one compressed archive with a manifest, restores them into an empty
// data directory after checking every byte and count, and runs them on a
// schedule inside the server.
//
// An archive is a gzip-compressed tar whose first entry is manifest.json;
// the other entries are the files the manifest lists, each with its size
// and SHA-256. The embedded database's files are copied with SQLite's
// VACUUM INTO (see ferret.Snapshot), so a backup taken while the server
// writes holds every write acknowledged before it began. The search index
// is not archived: the server rebuilds it from the database on its first
// start after a restore.
package backup

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"
)

// Format is the archive layout this package writes and reads.
const Format = 1

// ManifestName is the archive's first entry.
const ManifestName = "manifest.json"

// SearchRebuilt is the manifest's note on the search index.
const SearchRebuilt = "not archived: rebuilt from the database on the first start after a restore"

// Manifest describes an archive.
type Manifest struct {
	Format    int       `json:"format"`
	CreatedAt time.Time `json:"createdAt"`
	Release   string    `json:"release"` // the module version of the binary that wrote it
	Commit    string    `json:"commit"`  // its VCS revision, "-dirty" when built from changed files
	// Embedded is false when the database lived in MongoDB (MONGODB_URI):
	// the archive then holds only the files outside it.
	Embedded      bool             `json:"embedded"`
	Database      string           `json:"database,omitempty"`
	SchemaVersion int              `json:"schemaVersion,omitempty"`
	Counts        map[string]int64 `json:"counts,omitempty"` // documents per collection
	Files         []File           `json:"files"`
	SearchIndex   string           `json:"searchIndex"`
}

// File is one archived file, by its path relative to the data directory.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Build returns the release and commit of the running binary.
func Build() (release, commit string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown", "unknown"
	}
	release, commit = bi.Main.Version, "unknown"
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		commit += "-dirty"
	}
	return release, commit
}

func (m Manifest) file(path string) (File, bool) {
	for _, f := range m.Files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

func decodeManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%w: manifest: %v", ErrCorrupt, err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("%w: archive format %d, this binary reads format %d", ErrUnsupported, m.Format, Format)
	}
	return m, nil
}

// Name is the file name of an archive taken at t; names sort by time.
func Name(t time.Time) string {
	return "yuechuang-" + t.UTC().Format("20060102T150405Z") + ".tar.gz"
}
