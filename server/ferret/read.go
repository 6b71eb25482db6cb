package ferret

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// closeWait bounds how long Close waits for the direct reads under way.
const closeWait = 10 * time.Second

// readers are the read-only SQLite handles ReadBinary keeps open, one per
// database, with each collection's table name once found.
type readers struct {
	mu     sync.Mutex
	dbs    map[string]*sql.DB
	tables map[[2]string]string // database, collection → table
	// stmts are the prepared statements of ReadDocument and
	// ReadDocuments, kept for the handle's life.
	stmts  map[stmtKey]*sql.Stmt
	closed bool
	// reading counts the reads under way (enter), which close waits for:
	// database/sql's Close does not wait for a query in progress, and a
	// read left holding its snapshot kept Close's last TRUNCATE checkpoint
	// from emptying the WAL.
	reading sync.WaitGroup
	onWait  func() // called as close starts waiting (tests)
}

// enter starts a read, or says the readers are closed; the read calls
// the returned func when it no longer uses its handle or rows.
func (r *readers) enter() (func(), error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, fmt.Errorf("ferret: closed")
	}
	r.reading.Add(1)
	return r.reading.Done, nil
}

// ReadBinary returns the top-level binary field (its bytes, as a string) of the document whose _id
// is the string id, read straight from FerretDB's SQLite table, and false
// if there is no such document or its field is not binary data. Through
// FerretDB, a document is parsed from its JSON in SQLite with
// encoding/json, the binary's base64 text included, then written as BSON
// to the wire, and read back by the driver: for one large binary value (a
// settled roadshow room's record, about 95 KB) that is most of a read's
// cost. Here SQLite finds the row by the same index FerretDB's _id lookups
// use (IndexIDs), as ReadDocument does, and the field is found in the
// row's JSON by ReadDocument's scanner (SQLite's own JSON functions parsed
// the whole text to extract it: 1.3 ms of a record's first read) and its
// base64 decoded in Go.
// It reads committed data only (SQLite's WAL mode lets it read beside
// FerretDB's writers), so what a write acknowledged is seen. Like
// ScanStrings it depends on FerretDB v1's storage (a binary field is its
// base64 text, its type in the document's "$s" schema); TestReadBinary
// guards an upgrade that changes it.
func (s *Server) ReadBinary(ctx context.Context, database, collection, id, field string) (string, bool, error) {
	if !fieldName.MatchString(field) {
		return "", false, fmt.Errorf("ferret: read %s: field name %q", collection, field)
	}
	var out string
	found := false
	_, err := s.readText(ctx, database, collection, id, func(text []byte) error {
		fields, err := splitObject(text)
		if err != nil {
			return err
		}
		var raw, sch []byte
		for _, f := range fields {
			switch f.key {
			case field:
				raw = f.raw
			case "$s":
				sch = f.raw
			}
		}
		if raw == nil || sch == nil {
			return nil
		}
		schema, err := s.schemas.of(sch)
		if err != nil {
			return err
		}
		if el := schema.Properties[field]; el == nil || el.Type != "binData" {
			return nil
		}
		b64, err := plainText(raw)
		if err != nil {
			return err
		}
		out, err = decodeBase64(b64)
		found = err == nil
		return err
	})
	if err != nil || !found {
		return "", false, err
	}
	return out, true, nil
}

// decodeBase64 returns the bytes b64 encodes as a string, decoded a piece
// at a time into it: what reads a binary value keeps strings that share
// its bytes (roadshow.DecodeSettled), so a string made here once is not
// copied again (a record's first read since start decodes 95 KB).
func decodeBase64(b64 []byte) (string, error) {
	var out strings.Builder
	out.Grow(base64.StdEncoding.DecodedLen(len(b64)))
	var buf [3 << 10]byte
	for len(b64) > 0 {
		piece := b64[:min(len(b64), 4<<10)] // whole quanta of four: padding only in the last
		n, err := base64.StdEncoding.Decode(buf[:], piece)
		if err != nil {
			return "", err
		}
		out.Write(buf[:n])
		b64 = b64[len(piece):]
	}
	return out.String(), nil
}

// table returns the handle of database and the table of collection, ""
// if the collection does not exist (yet: that is not remembered).
func (r *readers) table(ctx context.Context, dir, database, collection string) (*sql.DB, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, "", fmt.Errorf("ferret: closed")
	}
	db := r.dbs[database]
	if db == nil {
		var err error
		db, err = sql.Open("sqlite", "file:"+filepath.Join(dir, database+".sqlite")+"?mode=ro&_pragma=busy_timeout(10000)")
		if err != nil {
			return nil, "", fmt.Errorf("ferret: open %s: %w", database, err)
		}
		// Requests read side by side (a list's drops four at a time): keep
		// their connections rather than open a SQLite connection, which
		// reads the schema anew, for each read beyond database/sql's two.
		db.SetMaxIdleConns(8)
		if r.dbs == nil {
			r.dbs, r.tables = map[string]*sql.DB{}, map[[2]string]string{}
		}
		r.dbs[database] = db
	}
	key := [2]string{database, collection}
	if t, ok := r.tables[key]; ok {
		return db, t, nil
	}
	var t string
	err := db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&t)
	switch {
	case err == sql.ErrNoRows:
		return db, "", nil
	case err != nil:
		return nil, "", fmt.Errorf("ferret: find %s: %w", collection, err)
	}
	r.tables[key] = t
	return db, t, nil
}

// stmtKey names a kept statement: ReadDocument's (in 0) or ReadDocuments'
// of in ids, for a collection.
type stmtKey struct {
	database, collection string
	in                   int
}

// stmt returns ReadDocument's statement for collection, nil if the
// collection does not exist (yet).
func (r *readers) stmt(ctx context.Context, dir, database, collection string) (*sql.Stmt, error) {
	return r.prepared(ctx, dir, stmtKey{database, collection, 0}, func(table string) string {
		return fmt.Sprintf(`SELECT CAST(_ferretdb_sjson AS BLOB) FROM %q WHERE _ferretdb_sjson->'$._id' = ?`, table)
	})
}

// manyStmt returns ReadDocuments' statement for in ids of collection, nil
// if the collection does not exist (yet).
func (r *readers) manyStmt(ctx context.Context, dir, database, collection string, in int) (*sql.Stmt, error) {
	return r.prepared(ctx, dir, stmtKey{database, collection, in}, func(table string) string {
		return readDocumentsQuery(table, in)
	})
}

// prepared returns the statement kept under key, preparing query's text
// for the collection's table the first time; nil if the collection does
// not exist (yet).
func (r *readers) prepared(ctx context.Context, dir string, key stmtKey, query func(table string) string) (*sql.Stmt, error) {
	r.mu.Lock()
	st := r.stmts[key]
	r.mu.Unlock()
	if st != nil {
		return st, nil
	}
	db, table, err := r.table(ctx, dir, key.database, key.collection)
	if err != nil || table == "" {
		return nil, err
	}
	st, err = db.PrepareContext(ctx, query(table))
	if err != nil {
		return nil, fmt.Errorf("ferret: prepare a read of %s: %w", key.collection, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		_ = st.Close()
		return nil, fmt.Errorf("ferret: closed")
	}
	if old := r.stmts[key]; old != nil {
		_ = st.Close()
		return old, nil
	}
	if r.stmts == nil {
		r.stmts = map[stmtKey]*sql.Stmt{}
	}
	r.stmts[key] = st
	return st, nil
}

func (r *readers) forget(database, collection string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.tables, [2]string{database, collection})
	for key, st := range r.stmts {
		if key.database == database && key.collection == collection {
			_ = st.Close()
			delete(r.stmts, key)
		}
	}
}

// close refuses new reads, waits for those under way (at most
// closeWait: a read's own context bounds it, a scan's may not) and closes
// the handles.
func (r *readers) close() {
	r.mu.Lock()
	r.closed = true
	onWait := r.onWait
	r.mu.Unlock()
	if onWait != nil {
		onWait()
	}
	done := make(chan struct{})
	go func() { r.reading.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeWait):
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.stmts {
		_ = st.Close()
	}
	r.stmts = nil
	for _, db := range r.dbs {
		_ = db.Close()
	}
	r.dbs = nil
}
