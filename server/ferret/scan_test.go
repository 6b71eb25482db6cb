package ferret_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestScanStrings: the straight read of a collection's string and integer
// fields finds every document as the driver wrote it (replaced and updated
// ones with their latest values, deleted ones gone, integers of 32 and 64
// bits as their digits, fields missing or of another type as ""), in a
// collection that other collections' writes sit beside; a collection that
// does not exist has no documents. It guards a FerretDB upgrade that
// stores documents differently.
func TestScanStrings(t *testing.T) {
	srv, client := startWithClient(t, t.TempDir())
	ctx := context.Background()
	col := client.Database("db").Collection("people")
	want := map[string][2]string{}
	for i := range 300 {
		id := fmt.Sprintf("%024x", i)
		name := fmt.Sprintf("创客 %d \"q\" 's", i)
		var n any = int32(i)
		ns := fmt.Sprint(i)
		switch i % 7 {
		case 1:
			n = int64(i) << 40
			ns = fmt.Sprint(int64(i) << 40)
		case 2:
			n, ns = float64(i)+0.5, "" // not an integer
		case 3:
			n, ns = true, ""
		}
		doc := bson.D{{Key: "_id", Value: id}, {Key: "name", Value: name}, {Key: "n", Value: n}, {Key: "tags", Value: bson.A{"a"}}}
		if i%50 == 0 {
			doc = bson.D{{Key: "_id", Value: id}, {Key: "tags", Value: bson.A{int32(1)}}} // no name, no n
			name, ns = "", ""
		}
		if _, err := col.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
		want[id] = [2]string{name, ns}
	}
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 7)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "改名"}}}}); err != nil {
		t.Fatal(err)
	}
	want[fmt.Sprintf("%024x", 7)] = [2]string{"改名", want[fmt.Sprintf("%024x", 7)][1]}
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 8)}}, bson.D{{Key: "name", Value: bson.A{"x"}}, {Key: "n", Value: int32(42)}}); err != nil {
		t.Fatal(err)
	}
	want[fmt.Sprintf("%024x", 8)] = [2]string{"", "42"} // an array is not a string
	if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 9)}}); err != nil {
		t.Fatal(err)
	}
	delete(want, fmt.Sprintf("%024x", 9))
	if _, err := client.Database("db").Collection("other").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "name", Value: "不是人"}}); err != nil {
		t.Fatal(err)
	}
	got := map[string][2]string{}
	err := srv.ScanStrings(ctx, "db", "people", []string{"_id", "name", "n"}, func(v []string) error {
		if _, dup := got[v[0]]; dup {
			t.Errorf("%s twice", v[0])
		}
		got[v[0]] = [2]string{v[1], v[2]}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d documents read, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Fatalf("%s: %q, want %q", id, got[id], w)
		}
	}
	n := 0
	if err := srv.ScanStrings(ctx, "db", "nothing", []string{"_id"}, func([]string) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("missing collection: %d, %v", n, err)
	}
	if err := srv.ScanStrings(ctx, "db", "people", []string{"name') --"}, func([]string) error { return nil }); err == nil {
		t.Fatal("a field name that is not a plain name was taken")
	}
}
