package ferret_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

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

// TestScanDocuments: the straight scan of a collection gives, byte for
// byte, the BSON that FerretDB sends the driver for a find of every
// document: every type FerretDB v1 stores, nested documents and arrays,
// replaced, updated and deleted documents, beside another collection's
// writes; and nothing for a collection that does not exist. The load at
// start decodes it as the driver's answer (mongo.loadAll).
func TestScanDocuments(t *testing.T) {
	srv, client := startWithClient(t, t.TempDir())
	ctx := context.Background()
	col := client.Database("db").Collection("docs")
	at := time.Date(2026, 11, 29, 1, 0, 0, 123_000_000, time.UTC)
	docs := []bson.D{
		{{Key: "_id", Value: "scalars"}, {Key: "i", Value: int32(-7)}, {Key: "l", Value: int64(1) << 50}, {Key: "d", Value: 80.5}, {Key: "whole", Value: 3.0},
			{Key: "b", Value: true}, {Key: "at", Value: at}, {Key: "null", Value: nil}, {Key: "oid", Value: bson.NewObjectID()},
			{Key: "bin", Value: bson.Binary{Data: []byte{0, 1, 255}}}, {Key: "s", Value: "创客 \"q\" \\ </script>\n"}},
		{{Key: "_id", Value: "nested"}, {Key: "team", Value: bson.A{bson.D{{Key: "name", Value: "甲"}, {Key: "role", Value: "CEO"}}, bson.D{}}},
			{Key: "private", Value: bson.D{{Key: "deck", Value: bson.D{{Key: "pages", Value: int32(12)}}}, {Key: "tags", Value: bson.A{}}}}},
	}
	for i := range 250 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", i)}, {Key: "name", Value: fmt.Sprint("startup ", i)},
			{Key: "version", Value: int32(i % 5)}, {Key: "tags", Value: bson.A{"a", i}}, {Key: "at", Value: at.Add(time.Duration(i) * time.Hour)}})
	}
	for _, d := range docs {
		if _, err := col.InsertOne(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 3)}}, bson.D{{Key: "$set", Value: bson.D{{Key: "changed", Value: int32(4)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.ReplaceOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 4)}}, bson.D{{Key: "name", Value: "改名"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := col.DeleteOne(ctx, bson.D{{Key: "_id", Value: fmt.Sprintf("%024x", 5)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Database("db").Collection("other").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}}); err != nil {
		t.Fatal(err)
	}
	cur, err := col.Find(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bson.Raw{}
	for cur.Next(ctx) {
		want[cur.Current.Lookup("_id").StringValue()] = append(bson.Raw(nil), cur.Current...)
	}
	if err := cur.Err(); err != nil || len(want) != len(docs)-1 {
		t.Fatalf("through the driver: %d documents, %v", len(want), err)
	}
	got := map[string]bool{}
	err = srv.ScanDocuments(ctx, "db", "docs", func(doc []byte) error {
		id := bson.Raw(doc).Lookup("_id").StringValue()
		if got[id] {
			t.Errorf("%s twice", id)
		}
		got[id] = true
		if !bytes.Equal(doc, want[id]) {
			t.Errorf("%s: %v\nwant %v", id, bson.Raw(doc), want[id])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d documents scanned, want %d", len(got), len(want))
	}
	n := 0
	if err := srv.ScanDocuments(ctx, "db", "nothing", func([]byte) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("missing collection: %d, %v", n, err)
	}
	stop := errors.New("stop")
	if err := srv.ScanDocuments(ctx, "db", "docs", func([]byte) error { return stop }); err != stop {
		t.Fatalf("the caller's error: %v", err)
	}
}
