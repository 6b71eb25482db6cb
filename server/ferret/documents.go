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
// checked by TestReadDocumentsUsesTheIDIndex), or in one per inListMax
// ids. One statement reads all of them from one snapshot, where reads one
// by one paid a statement each (a user's fan-out drops were most of a
// list's time: docs/bench/notelist.md).
//
// The statements are prepared once and kept, one per IN-list size, the
// sizes being powers of two: an IN list of any other length is filled up
// with its last id again (which finds nothing more), so that a few kept
// statements serve every length and no read pays a prepare.
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
	for at := 0; at < len(ids); at += inListMax {
		if err := s.readDocuments(ctx, database, collection, ids[at:min(at+inListMax, len(ids))], out[at:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// inListMax is the most ids one statement of ReadDocuments asks for.
const inListMax = 128

// inListSize is the size of the kept IN-list statement that reads n ids:
// the power of two at or above n.
func inListSize(n int) int {
	size := 1
	for size < n {
		size *= 2
	}
	return size
}

// readDocuments reads ids (at most inListMax) into out.
func (s *Server) readDocuments(ctx context.Context, database, collection string, ids []string, out [][]byte) error {
	st, err := s.readers.manyStmt(ctx, s.dir, database, collection, inListSize(len(ids)))
	if err != nil || st == nil {
		return err
	}
	args := make([]any, inListSize(len(ids)))
	at := make(map[string][]int, len(ids))
	for i, id := range ids {
		key, err := json.Marshal(id) // the _id as FerretDB's index keys it
		if err != nil {
			return err
		}
		args[i] = string(key)
		at[id] = append(at[id], i)
	}
	for i := len(ids); i < len(args); i++ {
		args[i] = args[len(ids)-1]
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		s.readers.forget(database, collection) // a dropped collection's table, say
		return fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	defer rows.Close()
	for rows.Next() {
		var text sql.RawBytes
		if err := rows.Scan(&text); err != nil {
			return fmt.Errorf("ferret: read %s: %w", collection, err)
		}
		id, doc, err := s.schemas.sjsonToBSONWithID(text)
		if err != nil {
			return fmt.Errorf("ferret: read %s: %w", collection, err)
		}
		for _, i := range at[id] {
			out[i] = doc
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	return nil
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
