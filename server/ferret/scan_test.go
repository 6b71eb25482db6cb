package ferret_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yuechuang/yuechuang/server/ferret"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestScanStrings: the straight read of a collection's string fields finds
// every document as the driver wrote it (replaced and updated ones with
// their latest values, deleted ones gone, fields missing or not strings as
// ""), in a collection that other collections' writes sit beside; a
// collection that does not exist has no documents. It guards a FerretDB
// upgrade that stores documents differently.
func TestScanStrings(t *testing.T) {
	srv, err := ferret.Start(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(ctx) })
	col := client.Database("db").Collection("people")
	want := map[string]string{}
	for i := range 300 {
		id := fmt.Sprintf("%024x", i)
		name := fmt.Sprintf("创客 %d \"q\" 's", i)
		doc := bson.D{{Key: "_id", Value: id}, {Key: "name", Value: name}, {Key: "n", Value: i}, {Key: "tags", Value: bson.A{"a"}}}
		if i%50 == 0 {
			doc = bson.D{{Key: "_id", Value: id}, {Key: "n", Value: i}} // no name
			name = ""
		}
		if _, err := col.InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
		want[id] = name
	}
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 7)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "改名"}}}}); err != nil {
		t.Fatal(err)
	}
	want[fmt.Sprintf("%024x", 7)] = "改名"
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 8)}}, bson.D{{Key: "name", Value: 42}}); err != nil {
		t.Fatal(err)
	}
	want[fmt.Sprintf("%024x", 8)] = "" // not a string
	if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 9)}}); err != nil {
		t.Fatal(err)
	}
	delete(want, fmt.Sprintf("%024x", 9))
	if _, err := client.Database("db").Collection("other").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "name", Value: "不是人"}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	err = srv.ScanStrings(ctx, "db", "people", []string{"_id", "name"}, func(v []string) error {
		if _, dup := got[v[0]]; dup {
			t.Errorf("%s twice", v[0])
		}
		got[v[0]] = v[1]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d documents read, want %d", len(got), len(want))
	}
	for id, name := range want {
		if got[id] != name {
			t.Fatalf("%s: %q, want %q", id, got[id], name)
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
