package ferret

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
)

// ReadDocuments returns the documents of collection in database whose _ids
// are the strings ids, as ReadDocument returns one, in the order of ids
// (nil for an id with no document), read in one SQLite statement by the
// index ReadDocument uses (an IN list on the same expression; the plan is
// checked by TestReadDocumentsUsesTheIDIndex). Each statement cost the
// modernc driver a fresh prepare and step whatever it read (up to v1.32),
// so a user's fan-out drops, read one by one, were most of a list's time
// for a user with a few waiting (docs/bench/notelist.md); one statement
// also reads all of them from one snapshot.
func (s *Server) ReadDocuments(ctx context.Context, database, collection string, ids []string) ([][]byte, error) {
	out := make([][]byte, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	done, err := s.readers.enter()
	if err != nil {
		return nil, err
	}
	defer done()
	db, table, err := s.readers.table(ctx, s.dir, database, collection)
	if err != nil || table == "" {
		return out, err
	}
	args := make([]any, len(ids))
	at := make(map[string][]int, len(ids))
	for i, id := range ids {
		key, err := json.Marshal(id) // the _id as FerretDB's index keys it
		if err != nil {
			return nil, err
		}
		args[i] = string(key)
		at[id] = append(at[id], i)
	}
	rows, err := db.QueryContext(ctx, readDocumentsQuery(table, len(ids)), args...)
	if err != nil {
		s.readers.forget(database, collection) // a dropped collection's table, say
		return nil, fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	defer rows.Close()
	for rows.Next() {
		var text sql.RawBytes
		if err := rows.Scan(&text); err != nil {
			return nil, fmt.Errorf("ferret: read %s: %w", collection, err)
		}
		id, doc, err := s.schemas.sjsonToBSONWithID(text)
		if err != nil {
			return nil, fmt.Errorf("ferret: read %s: %w", collection, err)
		}
		for _, i := range at[id] {
			out[i] = doc
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	return out, nil
}

// readDocumentsQuery reads the documents of table whose _ids are n
// arguments, each as FerretDB's index keys it.
func readDocumentsQuery(table string, n int) string {
	return fmt.Sprintf(`SELECT CAST(_ferretdb_sjson AS BLOB) FROM %q WHERE _ferretdb_sjson->'$._id' IN (?%s)`, table, strings.Repeat(",?", n-1))
}

// sjsonToBSONWithID returns a stored document's string _id and its BSON.
func (c *schemaCache) sjsonToBSONWithID(text []byte) (string, []byte, error) {
	fields, err := splitObject(text)
	if err != nil {
		return "", nil, err
	}
	id := ""
	for _, f := range fields {
		if f.key == "_id" {
			if id, err = unquote(f.raw); err != nil {
				return "", nil, fmt.Errorf("_id: %w", err)
			}
		}
	}
	doc, err := c.fieldsToBSON(nil, fields)
	return id, doc, err
}
