package ferret_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestReadDocument: the straight read of a document gives, byte for byte,
// the BSON that FerretDB sends the driver for the same document, for
// every type FerretDB v1 stores (nested documents and arrays, empty ones,
// every scalar, texts that JSON escapes, numbers at their limits), as
// inserted, replaced and updated; a deleted or missing document and a
// collection that does not exist read as nothing; and so do many read at
// once (ReadDocuments). It guards a FerretDB upgrade that stores documents
// differently.
func TestReadDocument(t *testing.T) {
	srv, client := startWithClient(t, t.TempDir())
	ctx := context.Background()
	col := client.Database("db").Collection("docs")
	if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: "first"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 28, 19, 30, 1, 234_000_000, time.UTC)
	docs := []bson.D{
		{{Key: "_id", Value: "plain"}, {Key: "version", Value: int32(3)}, {Key: "count", Value: int64(1) << 40},
			{Key: "firsts", Value: bson.A{"a", "b"}}, {Key: "empty", Value: bson.A{}}},
		{{Key: "_id", Value: `a "q" <b> & 路演 \ ` + "\n\t\u2028"}, {Key: "s", Value: "\x01\u00e9 \"x\" \\ </script>"}},
		{{Key: "_id", Value: "scalars"}, {Key: "d", Value: 80.5}, {Key: "whole", Value: 3.0}, {Key: "tiny", Value: 5e-324},
			{Key: "big", Value: math.MaxFloat64}, {Key: "neg", Value: -0.1}, {Key: "t", Value: true}, {Key: "f", Value: false},
			{Key: "at", Value: at}, {Key: "before", Value: time.UnixMilli(-86_400_001).UTC()}, {Key: "null", Value: nil},
			{Key: "oid", Value: bson.NewObjectID()}, {Key: "min", Value: int32(math.MinInt32)}, {Key: "max", Value: int64(math.MaxInt64)},
			{Key: "ts", Value: bson.Timestamp{T: 1_700_000_000, I: 7}}, {Key: "re", Value: bson.Regex{Pattern: `^a.*"b"$`, Options: "i"}}},
		{{Key: "_id", Value: "binary"}, {Key: "rev", Value: int64(2)}, {Key: "packed", Value: bson.Binary{Subtype: 0, Data: bytes.Repeat([]byte{0, 1, 255, 'x'}, 3000)}},
			{Key: "uuid", Value: bson.Binary{Subtype: 4, Data: make([]byte, 16)}}, {Key: "none", Value: bson.Binary{Data: []byte{}}}},
		{{Key: "_id", Value: "nested"}, {Key: "items", Value: bson.A{
			bson.D{{Key: "_id", Value: "n1"}, {Key: "type", Value: "match"}, {Key: "data", Value: bson.D{{Key: "startupName", Value: "越芯半导体"}, {Key: "score", Value: 80.5}, {Key: "n", Value: int32(2)}}},
				{Key: "read", Value: false}, {Key: "createdAt", Value: at}},
			bson.D{{Key: "_id", Value: "n2"}, {Key: "data", Value: bson.D{}}, {Key: "list", Value: bson.A{int32(1), "two", 3.5, nil, bson.D{{Key: "k", Value: true}, {Key: "a", Value: bson.A{"x"}}}}}},
		}}, {Key: "obj", Value: bson.D{{Key: "deep", Value: bson.D{{Key: "deeper", Value: bson.A{bson.D{}}}}}}}},
	}
	for _, d := range docs {
		if _, err := col.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: "plain"}}, bson.D{{Key: "version", Value: int32(4)}, {Key: "firsts", Value: bson.A{"a", "b", "c"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: "nested"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "obj.deep.added", Value: "x"}}}}); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", i)}, {Key: "i", Value: i}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 7)}}); err != nil {
		t.Fatal(err)
	}
	ids := []string{"first", "plain", `a "q" <b> & 路演 \ ` + "\n\t\u2028", "scalars", "binary", "nested", fmt.Sprintf("%024x", 3), fmt.Sprintf("%024x", 7), "missing"}
	for _, id := range ids {
		want, err := col.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil && id != "missing" && id != fmt.Sprintf("%024x", 7) {
			t.Fatalf("%q through the driver: %v", id, err)
		}
		got, ok, err := srv.ReadDocument(ctx, "db", "docs", id)
		if err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		if ok != (want != nil) || !bytes.Equal(got, want) {
			t.Errorf("%q: read %v (%v)\nwant %v", id, bson.Raw(got), ok, want)
		}
	}
	if got, ok, err := srv.ReadDocument(ctx, "db", "none", "plain"); err != nil || ok || got != nil {
		t.Errorf("a collection that does not exist: %v, %v, %v", got, ok, err)
	}
	// ReadDocuments: the same documents, many in one read, in the order
	// asked (an id asked twice given twice), nothing for the missing.
	many := append(slices.Clone(ids), "plain", "missing too")
	got, err := srv.ReadDocuments(ctx, "db", "docs", many)
	if err != nil || len(got) != len(many) {
		t.Fatalf("ReadDocuments: %d documents, %v; want %d", len(got), err, len(many))
	}
	for i, id := range many {
		want, _ := col.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if !bytes.Equal(got[i], want) {
			t.Errorf("ReadDocuments %q: %v\nwant %v", id, bson.Raw(got[i]), want)
		}
	}
	if got, err := srv.ReadDocuments(ctx, "db", "none", []string{"plain"}); err != nil || len(got) != 1 || got[0] != nil {
		t.Errorf("ReadDocuments of a collection that does not exist: %v, %v", got, err)
	}
}
