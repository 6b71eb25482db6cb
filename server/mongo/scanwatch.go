package mongo

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// Scan is a command that the embedded engine answers by decoding every
// document of a collection: FerretDB v1 on SQLite pushes down to SQLite
// only a filter that is exactly {_id: value} (docs/STORAGE.md), so any
// other filter, an empty one, a count or an aggregation reads the whole
// collection, at a city's size tens of thousands of documents.
type Scan struct {
	Collection string
	Command    string // find, count, update, delete, findAndModify, aggregate, distinct
	Filter     string // the filter's field names, "{}" for none
}

// WatchScans calls fn with each scan this DB sends to the embedded engine
// (nothing on MongoDB, whose indexes answer the same filters). The server
// logs those it sends once its start-up work is done, and its browser
// suite fails on any (scripts/e2e.sh): no path a user or the server's
// routine work takes may scan.
func (d *DB) WatchScans(fn func(Scan)) { d.scans.Store(&fn) }

// scanMonitor reports scans to the watcher, if any.
func (d *DB) scanMonitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if fn := d.scans.Load(); fn != nil && d.embedded {
			if s, ok := scanOf(e.CommandName, e.Command); ok {
				(*fn)(s)
			}
		}
	}}
}

// filterFields says where each command keeps its filters.
var filterFields = map[string]struct {
	field string
	list  bool // an array of statements, each with its filter in "q"
}{
	"find":          {"filter", false},
	"count":         {"query", false},
	"distinct":      {"query", false},
	"findAndModify": {"query", false},
	"update":        {"updates", true},
	"delete":        {"deletes", true},
	"aggregate":     {"pipeline", false},
}

// scanOf says whether a command is a scan on the embedded engine, and
// which.
func scanOf(name string, cmd bson.Raw) (Scan, bool) {
	where, ok := filterFields[name]
	if !ok {
		return Scan{}, false // inserts, cursors, administration
	}
	coll, _ := cmd.Lookup(name).StringValueOK()
	v, err := cmd.LookupErr(where.field)
	if name == "aggregate" {
		return Scan{Collection: coll, Command: name, Filter: "pipeline"}, true
	}
	var filters []bson.Raw
	switch {
	case err != nil:
		filters = append(filters, nil) // no filter: every document
	case where.list:
		arr, _ := v.ArrayOK()
		vals, _ := arr.Values()
		for _, st := range vals {
			doc, _ := st.DocumentOK()
			q, _ := doc.Lookup("q").DocumentOK()
			filters = append(filters, q)
		}
	default:
		f, _ := v.DocumentOK()
		filters = append(filters, f)
	}
	if name == "find" && len(filters) == 1 && len(filters[0]) <= 5 && firstOnly(cmd) {
		return Scan{}, false // {} with a limit, no sort, no skip: SQLite's LIMIT
	}
	for _, f := range filters {
		if !byIDOnly(f) {
			return Scan{Collection: coll, Command: name, Filter: fieldsOf(f)}, true
		}
	}
	return Scan{}, false
}

// byIDOnly says whether f is exactly {_id: value} with a string or an
// ObjectID value: the one filter FerretDB v1 pushes down to SQLite
// (internal/backends/sqlite/collection.go), where {_id: {$eq: value}}, a
// number or {_id: {$in: [...]}} decode the whole collection.
func byIDOnly(f bson.Raw) bool {
	elems, err := f.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return false
	}
	t := elems[0].Value().Type
	return t == bson.TypeString || t == bson.TypeObjectID
}

// fieldsOf names f's fields and operators, without their values (which
// may be a user's data).
func fieldsOf(f bson.Raw) string {
	elems, err := f.Elements()
	if err != nil || len(elems) == 0 {
		return "{}"
	}
	keys := make([]string, 0, len(elems))
	for _, e := range elems {
		k := e.Key()
		if doc, ok := e.Value().DocumentOK(); ok {
			if first, err := doc.IndexErr(0); err == nil && strings.HasPrefix(first.Key(), "$") {
				k += ":" + first.Key()
			}
		}
		keys = append(keys, k)
	}
	return "{" + strings.Join(keys, ", ") + "}"
}

// firstOnly says whether a find asks for its first documents in storage
// order (a limit, no sort, no skip), which FerretDB pushes down with an
// empty filter.
func firstOnly(cmd bson.Raw) bool {
	limit, ok := cmd.Lookup("limit").AsInt64OK()
	if !ok || limit == 0 {
		return false
	}
	if sort, ok := cmd.Lookup("sort").DocumentOK(); ok && len(sort) > 5 {
		return false
	}
	skip, _ := cmd.Lookup("skip").AsInt64OK()
	return skip == 0
}

// monitors joins command monitors' Started, Succeeded and Failed calls.
func monitors(ms ...*event.CommandMonitor) *event.CommandMonitor {
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			for _, m := range ms {
				if m.Started != nil {
					m.Started(ctx, e)
				}
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			for _, m := range ms {
				if m.Succeeded != nil {
					m.Succeeded(ctx, e)
				}
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			for _, m := range ms {
				if m.Failed != nil {
					m.Failed(ctx, e)
				}
			}
		},
	}
}
