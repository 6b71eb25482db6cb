package ferret

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ReadDocument returns the document of collection in database whose _id
// is the string id, as BSON, read straight from FerretDB's SQLite table,
// and false if there is none. Through FerretDB the same read is a command
// on the wire, parsed and planned, a fresh SQLite statement, the
// document's JSON decoded value by value with a decoder each, its BSON
// written and read back by the driver: for a small document (a
// notification head, a missed _id) that is almost all of the read. Here a
// prepared statement finds the row by the index FerretDB's _id lookups use
// (IndexIDs) and the JSON is turned into BSON once, by the document's own
// schema, so the caller decodes it as it would the driver's answer. Like
// ReadBinary it reads committed data only, so what a write acknowledged is
// seen, and depends on FerretDB v1's storage (each document's JSON with
// its schema in "$s"; TestReadDocument guards an upgrade that changes it).
func (s *Server) ReadDocument(ctx context.Context, database, collection, id string) ([]byte, bool, error) {
	var out []byte
	ok, err := s.readText(ctx, database, collection, id, func(text []byte) (err error) {
		out, err = s.schemas.sjsonToBSON(nil, text)
		return err
	})
	return out, ok, err
}

// readText calls use with the stored JSON of the document of collection
// whose _id is id (valid only during the call) and reports whether there
// was one.
func (s *Server) readText(ctx context.Context, database, collection, id string, use func(text []byte) error) (bool, error) {
	done, err := s.readers.enter()
	if err != nil {
		return false, err
	}
	defer done()
	stmt, err := s.readers.stmt(ctx, s.dir, database, collection)
	if err != nil || stmt == nil {
		return false, err
	}
	key, err := json.Marshal(id) // the _id as FerretDB's index keys it
	if err != nil {
		return false, err
	}
	rows, err := stmt.QueryContext(ctx, string(key))
	if err != nil {
		s.readers.forget(database, collection) // a dropped collection's table, say
		return false, fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	var text sql.RawBytes
	if err := rows.Scan(&text); err != nil {
		return false, fmt.Errorf("ferret: read %s: %w", collection, err)
	}
	err = use(text)
	// Close, not Err, ends the read. A Scan into RawBytes keeps the rows'
	// read lock until they move on or close; Err takes that lock a second
	// time, and if the context ended just before, database/sql's watcher
	// is waiting to close the rows under the write lock by then, so the
	// second read lock waits behind it and the watcher waits for the
	// first: both for ever (a dispatcher's read at its context's end, in
	// a test run). Close lets go of the first lock before it takes the
	// write lock itself.
	if cerr := rows.Close(); err == nil && cerr != nil {
		return false, fmt.Errorf("ferret: read %s: %w", collection, cerr)
	}
	if err != nil {
		return false, fmt.Errorf("ferret: read %s %q: %w", collection, id, err)
	}
	return true, nil
}

// sjsonSchema is FerretDB v1's schema of a document or object ("$s"):
// its keys in order and each one's type.
type sjsonSchema struct {
	Properties map[string]*sjsonElem `json:"p"`
	Keys       []string              `json:"$k"`
}

type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s"` // objects
	Options string       `json:"o"`  // regular expressions
	Items   []*sjsonElem `json:"i"`  // arrays
	Subtype byte         `json:"s"`  // binary data
}

// sjsonToBSON appends the BSON of a stored document (its JSON, the schema
// in "$s") to b.
func (c *schemaCache) sjsonToBSON(b []byte, text []byte) ([]byte, error) {
	fields, err := splitObject(text)
	if err != nil {
		return nil, err
	}
	return c.fieldsToBSON(b, fields)
}

// fieldsToBSON appends the BSON of a stored document split into its
// fields (the schema among them, in "$s") to b.
func (c *schemaCache) fieldsToBSON(b []byte, fields []jsonField) ([]byte, error) {
	for i, f := range fields {
		if f.key == "$s" {
			sch, err := c.of(f.raw)
			if err != nil {
				return nil, err
			}
			fields = append(fields[:i:i], fields[i+1:]...)
			return appendObject(b, fields, sch)
		}
	}
	return nil, fmt.Errorf("no schema")
}

// schemaCache holds the schemas parsed lately by their text: the
// documents of one collection mostly share a few (every log page has the
// same), and parsing one was a third of a small document's read.
type schemaCache struct {
	mu sync.Mutex
	m  map[string]*sjsonSchema
}

const schemaCacheMax = 1024

func (c *schemaCache) of(raw []byte) (*sjsonSchema, error) {
	c.mu.Lock()
	sch := c.m[string(raw)]
	c.mu.Unlock()
	if sch != nil {
		return sch, nil
	}
	sch = new(sjsonSchema)
	if err := json.Unmarshal(raw, sch); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= schemaCacheMax {
		c.m = map[string]*sjsonSchema{}
	}
	c.m[string(raw)] = sch
	return sch, nil
}

// appendObject appends an object's fields as a BSON document, in the
// schema's order.
func appendObject(b []byte, fields []jsonField, sch *sjsonSchema) ([]byte, error) {
	if len(sch.Keys) != len(fields) {
		return nil, fmt.Errorf("%d keys in the schema, %d fields", len(sch.Keys), len(fields))
	}
	start := len(b)
	b = append(b, 0, 0, 0, 0)
	for i, k := range sch.Keys {
		j := i // FerretDB writes the fields in the schema's order
		if fields[j].key != k {
			if j = slices.IndexFunc(fields, func(f jsonField) bool { return f.key == k }); j < 0 {
				return nil, fmt.Errorf("field %q missing", k)
			}
		}
		if strings.IndexByte(k, 0) >= 0 {
			return nil, fmt.Errorf("field %q", k)
		}
		var err error
		if b, err = appendValue(b, k, fields[j].raw, sch.Properties[k]); err != nil {
			return nil, err
		}
	}
	return closeDoc(b, start), nil
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}

func closeDoc(b []byte, start int) []byte {
	b = append(b, 0)
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start))
	return b
}

// appendValue appends the BSON element key of the stored JSON value raw,
// typed by el.
func appendValue(b []byte, key string, raw []byte, el *sjsonElem) ([]byte, error) {
	elem := func(t byte) []byte { return append(append(append(b, t), key...), 0) }
	if string(raw) == "null" {
		return elem(0x0A), nil
	}
	if el == nil {
		return nil, fmt.Errorf("no schema for %q", key)
	}
	switch el.Type {
	case "object":
		fields, err := splitObject(raw)
		if err != nil {
			return nil, err
		}
		sch := el.Schema
		if sch == nil {
			if len(fields) > 0 {
				return nil, fmt.Errorf("no schema for object %q", key)
			}
			sch = &sjsonSchema{}
		}
		return appendObject(elem(0x03), fields, sch)
	case "array":
		items, err := splitArray(raw)
		if err != nil {
			return nil, err
		}
		if len(items) != len(el.Items) {
			return nil, fmt.Errorf("%d items in the schema of %q, %d in the array", len(el.Items), key, len(items))
		}
		b = elem(0x04)
		start := len(b)
		b = append(b, 0, 0, 0, 0)
		for i, it := range items {
			if b, err = appendValue(b, strconv.Itoa(i), it, el.Items[i]); err != nil {
				return nil, err
			}
		}
		return closeDoc(b, start), nil
	case "string":
		s, err := unquote(raw)
		if err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint32(elem(0x02), uint32(len(s)+1))
		return append(append(b, s...), 0), nil
	case "binData":
		s, err := plainText(raw)
		if err != nil {
			return nil, err
		}
		b = elem(0x05)
		n := base64.StdEncoding.DecodedLen(len(s))
		at := len(b)
		b = append(b, make([]byte, 5+n)...)
		k, err := base64.StdEncoding.Decode(b[at+5:], s)
		if err != nil {
			return nil, err
		}
		binary.LittleEndian.PutUint32(b[at:], uint32(k))
		b[at+4] = el.Subtype
		return b[:at+5+k], nil
	case "objectId":
		s, err := unquote(raw)
		if err != nil {
			return nil, err
		}
		id, err := hex.DecodeString(s)
		if err != nil || len(id) != 12 {
			return nil, fmt.Errorf("object id %q", s)
		}
		return append(elem(0x07), id...), nil
	case "bool":
		v, err := strconv.ParseBool(string(raw))
		return append(elem(0x08), byte(boolInt(v))), err
	case "date":
		v, err := strconv.ParseInt(string(raw), 10, 64)
		return binary.LittleEndian.AppendUint64(elem(0x09), uint64(v)), err
	case "regex":
		s, err := unquote(raw)
		if err != nil || strings.IndexByte(s, 0) >= 0 {
			return nil, fmt.Errorf("regular expression %q: %v", key, err)
		}
		return append(append(append(append(elem(0x0B), s...), 0), el.Options...), 0), nil
	case "int":
		v, err := strconv.ParseInt(string(raw), 10, 32)
		return binary.LittleEndian.AppendUint32(elem(0x10), uint32(int32(v))), err
	case "timestamp":
		v, err := strconv.ParseUint(string(raw), 10, 64)
		return binary.LittleEndian.AppendUint64(elem(0x11), v), err
	case "long":
		v, err := strconv.ParseInt(string(raw), 10, 64)
		return binary.LittleEndian.AppendUint64(elem(0x12), uint64(v)), err
	case "double":
		v, err := strconv.ParseFloat(string(raw), 64)
		return binary.LittleEndian.AppendUint64(elem(0x01), math.Float64bits(v)), err
	}
	return nil, fmt.Errorf("type %q of %q", el.Type, key)
}

// plainText returns the text of a JSON string as a part of raw when it
// has no escapes (base64 has none), else unquoted.
func plainText(raw []byte) ([]byte, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], nil
	}
	s, err := unquote(raw)
	return []byte(s), err
}

// unquote returns the text of a JSON string; one with no escapes is its
// bytes between the quotes.
func unquote(raw []byte) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}
