package ferret_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestReadBinary: the straight read of one document's binary field finds
// what the driver wrote and last replaced or updated, byte for byte (a
// large value too), by an _id that JSON escapes as well as a plain one;
// a deleted or missing document, a field that is missing or not binary,
// and a collection that does not exist read as nothing. It guards a
// FerretDB upgrade that stores documents differently.
func TestReadBinary(t *testing.T) {
	srv, client := startWithClient(t, t.TempDir())
	ctx := context.Background()
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	col := client.Database("db").Collection("records")
	rnd := rand.New(rand.NewPCG(3, 4))
	blob := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return b
	}
	bin := func(b []byte) bson.Binary { return bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: b} }
	want := map[string][]byte{}
	for i := range 50 {
		id := fmt.Sprintf("%024x", i)
		if i == 3 {
			id = `a "q" <b> & 路演`
		}
		want[id] = blob(1 + i*37)
		switch i { // decoded 3 KB at a time: a piece, a byte past one, many
		case 5:
			want[id] = blob(200_000)
		case 11, 12, 13:
			want[id] = blob(3072 * (i - 10))
		case 14:
			want[id] = blob(3073)
		}
		doc := bson.D{{Key: "_id", Value: id}, {Key: "count", Value: i}, {Key: "log", Value: bin(want[id])}, {Key: "name", Value: "x"}}
		if _, err := col.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	id := func(i int) string { return fmt.Sprintf("%024x", i) }
	want[id(7)] = blob(999)
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id(7)}}, bson.D{{Key: "log", Value: bin(want[id(7)])}}); err != nil {
		t.Fatal(err)
	}
	want[id(8)] = blob(10)
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: id(8)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "log", Value: bin(want[id(8)])}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: id(9)}}); err != nil {
		t.Fatal(err)
	}
	delete(want, id(9))
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id(10)}}, bson.D{{Key: "log", Value: "not binary"}}); err != nil {
		t.Fatal(err)
	}
	delete(want, id(10))
	for i := range 52 {
		k := id(i)
		if i == 3 {
			k = `a "q" <b> & 路演`
		}
		got, ok, err := srv.ReadBinary(ctx, "db", "records", k, "log")
		if err != nil {
			t.Fatalf("%q: %v", k, err)
		}
		if w, has := want[k]; ok != has || got != string(w) {
			t.Errorf("%q: read %d bytes, %v; want %d bytes, %v", k, len(got), ok, len(w), has)
		}
	}
	for _, c := range []struct{ col, field string }{{"records", "name"}, {"records", "nothing"}, {"none", "log"}} {
		if got, ok, err := srv.ReadBinary(ctx, "db", c.col, id(1), c.field); err != nil || ok || got != "" {
			t.Errorf("%s.%s: %v, %v, %v; want nothing", c.col, c.field, got, ok, err)
		}
	}
	if _, _, err := srv.ReadBinary(ctx, "db", "records", id(1), "x') OR 1=1 --"); err == nil {
		t.Error("a field name that is not a plain name was read")
	}
}
