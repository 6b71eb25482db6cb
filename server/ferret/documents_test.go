package ferret_test

import (
	"context"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestReadDocumentsAnyLength: ReadDocuments answers as many ids as it is
// given, whatever their number (kept statements serve lists up to the
// next power of two, filled with the last id; longer ones are read a
// statement at a time), in their order, an id asked twice given twice and
// a missing one nil; and a statement kept for a collection dropped and
// made again reads the new one.
func TestReadDocumentsAnyLength(t *testing.T) {
	srv, client := startWithClient(t, t.TempDir())
	ctx := context.Background()
	col := client.Database("db").Collection("many")
	var docs []any
	for i := range 300 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("d%03d", i)}, {Key: "n", Value: int32(i)}})
	}
	if _, err := col.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(ids []string) {
		t.Helper()
		got, err := srv.ReadDocuments(ctx, "db", "many", ids)
		if err != nil || len(got) != len(ids) {
			t.Fatalf("%d ids: %d documents, %v", len(ids), len(got), err)
		}
		for i, id := range ids {
			var d struct {
				ID string `bson:"_id"`
				N  int32  `bson:"n"`
			}
			var want int32
			if _, err := fmt.Sscanf(id, "d%d", &want); err != nil || want >= 300 {
				if got[i] != nil {
					t.Errorf("%d ids: %q (missing) read as %v", len(ids), id, bson.Raw(got[i]))
				}
				continue
			}
			if err := bson.Unmarshal(got[i], &d); err != nil || d.ID != id || d.N != want {
				t.Errorf("%d ids: %q read as %+v (%v)", len(ids), id, d, err)
			}
		}
	}
	for _, n := range []int{1, 2, 3, 5, 16, 17, 100, 128, 129, 300} {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("d%03d", (i*7+n)%300)
		}
		check(ids)
	}
	// Missing ids last (the filling repeats the last one), and twice.
	check([]string{"d001", "d002", "d999", "d002", "d998"})
	check([]string{"d997"})
	// The collection dropped and made again: a new table behind the name.
	if err := col.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: "d005"}, {Key: "n", Value: int32(5)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := srv.ReadDocuments(ctx, "db", "many", []string{"d005", "d006", "d007"})
	if err == nil && (got[0] == nil || got[1] != nil || got[2] != nil) {
		t.Errorf("after the drop: %v", got)
	}
	if err != nil { // a kept statement of the old table may fail once, then the read works
		if got, err = srv.ReadDocuments(ctx, "db", "many", []string{"d005", "d006", "d007"}); err != nil || got[0] == nil || got[1] != nil {
			t.Errorf("after the drop, read again: %v, %v", got, err)
		}
	}
}
