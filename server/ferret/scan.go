package ferret

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"regexp"
)

var fieldName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ScanStrings calls fn with the top-level string and integer fields of
// every document of collection in database, as text, read straight from
// FerretDB's SQLite table: a string as itself, an integer (int32 or int64;
// FerretDB stores a double with no fraction the same way) as its decimal
// digits, a field missing or of another type as "". It is for start-up
// scans of many documents, which FerretDB itself answers by decoding each
// document value by value (the accounts' names at city size: 10 s of CPU
// and 3 GB of garbage through FerretDB). Each document's JSON is split at
// its top level here, in Go, and only the fields asked for are read:
// SQLite's JSON functions (two calls per field) cost several times that
// CPU (docs/bench/start.md). It reads one consistent
// snapshot (SQLite's WAL mode lets it read beside FerretDB's writers) and
// writes nothing. Like IndexIDs it depends on FerretDB v1's storage: each
// collection a table named in _ferretdb_collections, each document JSON in
// _ferretdb_sjson with its fields at the top (TestScanStrings guards an
// upgrade that changes it).
func (s *Server) ScanStrings(ctx context.Context, database, collection string, fields []string, fn func(values []string) error) error {
	want := make(map[string]int, len(fields))
	for i, f := range fields {
		if !fieldName.MatchString(f) {
			return fmt.Errorf("ferret: scan %s: field name %q", collection, f)
		}
		want[f] = i
	}
	done, err := s.readers.enter()
	if err != nil {
		return err
	}
	defer done()
	db, table, err := s.readers.table(ctx, s.dir, database, collection)
	if err != nil || table == "" {
		return err // no such collection: no documents
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT CAST(_ferretdb_sjson AS BLOB) FROM %q`, table))
	if err != nil {
		s.readers.forget(database, collection)
		return fmt.Errorf("ferret: scan %s: %w", collection, err)
	}
	defer rows.Close()
	vals := make([]string, len(fields))
	for rows.Next() {
		var text sql.RawBytes
		if err := rows.Scan(&text); err != nil {
			return fmt.Errorf("ferret: scan %s: %w", collection, err)
		}
		top, err := splitObject(text)
		if err != nil {
			return fmt.Errorf("ferret: scan %s: %w", collection, err)
		}
		clear(vals)
		for _, f := range top {
			i, ok := want[f.key]
			if !ok {
				continue
			}
			if vals[i], err = scalarText(f.raw); err != nil {
				return fmt.Errorf("ferret: scan %s: %w", collection, err)
			}
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

// scalarText is ScanStrings' text of a stored JSON value: a string's text,
// an integer's digits (a number with no fraction or exponent, as SQLite's
// json_type calls "integer"), else "".
func scalarText(raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	switch c := raw[0]; {
	case c == '"':
		return unquote(raw)
	case c == '-' || c >= '0' && c <= '9':
		if bytes.ContainsAny(raw, ".eE") {
			return "", nil
		}
		return string(raw), nil
	}
	return "", nil
}

// ScanDocuments calls fn with every document of collection in database, as
// BSON (valid only during the call), read straight from FerretDB's SQLite
// table and turned into BSON as ReadDocument turns one. It is for the
// start-up loads of whole collections into memory: FerretDB answers such a
// find by decoding each stored document value by value into its own types,
// filtering and projecting them and encoding the BSON the driver then reads
// back, which at a city's size (6,000 startups, 19,000 attendances) was
// most of the start (docs/bench/start.md). Like ScanStrings it reads one
// consistent snapshot beside FerretDB's writers and writes nothing; a
// collection that does not exist has no documents.
func (s *Server) ScanDocuments(ctx context.Context, database, collection string, fn func(doc []byte) error) error {
	done, err := s.readers.enter()
	if err != nil {
		return err
	}
	defer done()
	db, table, err := s.readers.table(ctx, s.dir, database, collection)
	if err != nil || table == "" {
		return err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT CAST(_ferretdb_sjson AS BLOB) FROM %q`, table))
	if err != nil {
		s.readers.forget(database, collection) // a dropped collection's table, say
		return fmt.Errorf("ferret: scan %s: %w", collection, err)
	}
	defer rows.Close()
	var doc []byte
	for rows.Next() {
		var text sql.RawBytes
		if err := rows.Scan(&text); err != nil {
			return fmt.Errorf("ferret: scan %s: %w", collection, err)
		}
		if doc, err = s.schemas.sjsonToBSON(doc[:0], text); err != nil {
			return fmt.Errorf("ferret: scan %s: %w", collection, err)
		}
		if err := fn(doc); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ferret: scan %s: %w", collection, err)
	}
	return nil
}
