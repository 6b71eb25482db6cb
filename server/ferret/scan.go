package ferret

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

var fieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ScanStrings calls fn with the top-level string and integer fields of
// every document of collection in database, as text, read straight from
// FerretDB's SQLite table with SQLite's JSON functions: a string as itself,
// an integer (int32 or int64; FerretDB stores a double with no fraction the
// same way) as its decimal digits, a field missing or of another type as "". It
// is for start-up scans of many documents, which FerretDB itself answers by
// decoding each document value by value (the accounts' names at city size:
// 10 s of CPU and 3 GB of garbage through FerretDB, against well under a
// second here). It reads one consistent snapshot (SQLite's WAL mode lets
// it read beside FerretDB's writers) and writes nothing. Like IndexIDs it
// depends on FerretDB v1's storage: each collection a table named in
// _ferretdb_collections, each document JSON in _ferretdb_sjson with its
// fields at the top (TestScanStrings guards an upgrade that changes it).
func (s *Server) ScanStrings(ctx context.Context, database, collection string, fields []string, fn func(values []string) error) error {
	for _, f := range fields {
		if !fieldName.MatchString(f) {
			return fmt.Errorf("ferret: scan %s: field name %q", collection, f)
		}
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, database+".sqlite")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("ferret: open %s: %w", database, err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table); err != nil {
		if err == sql.ErrNoRows {
			return nil // no such collection: no documents
		}
		return fmt.Errorf("ferret: find %s: %w", collection, err)
	}
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = fmt.Sprintf(`CASE json_type(_ferretdb_sjson, '$.%s') WHEN 'text' THEN _ferretdb_sjson->>'$.%s' WHEN 'integer' THEN CAST(_ferretdb_sjson->>'$.%s' AS TEXT) ELSE '' END`, f, f, f)
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %q`, strings.Join(cols, ", "), table))
	if err != nil {
		return fmt.Errorf("ferret: scan %s: %w", collection, err)
	}
	defer rows.Close()
	vals := make([]string, len(fields))
	ptrs := make([]any, len(fields))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("ferret: scan %s: %w", collection, err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ferret: scan %s: %w", collection, err)
	}
	return nil
}
