package mongo

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// doc is a bson.D of key, value pairs.
func doc(kv ...any) bson.D {
	var d bson.D
	for i := 0; i+1 < len(kv); i += 2 {
		d = append(d, bson.E{Key: kv[i].(string), Value: kv[i+1]})
	}
	return d
}

// TestScanShapes pins which commands the watcher calls scans: those whose
// filter FerretDB v1 does not push down to SQLite.
func TestScanShapes(t *testing.T) {
	oid := bson.NewObjectID()
	cases := []struct {
		name string
		cmd  bson.D
		scan string // the filter shape reported, "" for none
	}{
		{"find by string _id", doc("find", "startups", "filter", doc("_id", "s1")), ""},
		{"find by ObjectID _id", doc("find", "fs.files", "filter", doc("_id", oid)), ""},
		{"find by _id $eq", doc("find", "fs.files", "filter", doc("_id", doc("$eq", oid))), "{_id:$eq}"},
		{"find by numeric _id", doc("find", "x", "filter", doc("_id", 5)), "{_id}"},
		{"find by _id $in", doc("find", "x", "filter", doc("_id", doc("$in", bson.A{"a", "b"}))), "{_id:$in}"},
		{"find by another field", doc("find", "users", "filter", doc("email", "a@b.c")), "{email}"},
		{"find everything", doc("find", "outbox", "filter", doc()), "{}"},
		{"find without a filter", doc("find", "outbox"), "{}"},
		{"find the first document", doc("find", "fs.files", "filter", doc(), "limit", int64(1)), ""},
		{"find the first documents in an order", doc("find", "x", "filter", doc(), "limit", int64(1), "sort", doc("at", -1)), "{}"},
		{"count", doc("count", "users", "query", doc()), "{}"},
		{"update by _id", doc("update", "startups", "updates", bson.A{doc("q", doc("_id", "s1"), "u", doc())}), ""},
		{"update by _id and version", doc("update", "startups", "updates", bson.A{doc("q", doc("_id", "s1", "version", 3), "u", doc())}), "{_id, version}"},
		{"delete by _id", doc("delete", "outbox", "deletes", bson.A{doc("q", doc("_id", "m1"), "limit", 1)}), ""},
		{"delete by a field", doc("delete", "fs.chunks", "deletes", bson.A{doc("q", doc("files_id", oid), "limit", 0)}), "{files_id}"},
		{"findAndModify by _id", doc("findAndModify", "x", "query", doc("_id", "a")), ""},
		{"aggregate", doc("aggregate", "startups", "pipeline", bson.A{}), "pipeline"},
		{"insert", doc("insert", "startups", "documents", bson.A{doc("_id", "s1")}), ""},
	}
	for _, c := range cases {
		raw, err := bson.Marshal(c.cmd)
		if err != nil {
			t.Fatal(err)
		}
		s, ok := scanOf(c.cmd[0].Key, raw)
		if got := map[bool]string{true: s.Filter}[ok]; got != c.scan {
			t.Errorf("%s: scan %q, want %q", c.name, got, c.scan)
		}
		if ok && s.Collection != c.cmd[0].Value {
			t.Errorf("%s: collection %q, want %q", c.name, s.Collection, c.cmd[0].Value)
		}
	}
}
