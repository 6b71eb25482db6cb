package ferret_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/ferret"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// startWithClient starts an embedded FerretDB in dir and connects a
// driver client to it, both closed when the test ends.
func startWithClient(t *testing.T, dir string) (*ferret.Server, *mongo.Client) {
	t.Helper()
	srv, err := ferret.Start(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	client, err := mongo.Connect(options.Client().ApplyURI(srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return srv, client
}

// TestIndexIDsServesIDLookups checks that the index IndexIDs adds is the
// one SQLite picks for the filter FerretDB sends for a lookup by _id. It
// guards a FerretDB upgrade that changes that filter's expression: the plan
// would then scan again.
func TestIndexIDsServesIDLookups(t *testing.T) {
	dir := t.TempDir()
	srv, client := startWithClient(t, dir)
	ctx := context.Background()
	col := client.Database("db").Collection("things")
	for i := 0; i < 50; i++ {
		if _, err := col.InsertOne(ctx, bson.D{{Key: "_id", Value: bson.NewObjectID().Hex()}, {Key: "n", Value: i}}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := srv.IndexIDs(ctx); err != nil || n != 1 {
		t.Fatalf("IndexIDs = %d, %v; want the one table", n, err)
	}
	if _, err := srv.IndexIDs(ctx); err != nil {
		t.Fatalf("IndexIDs again: %v", err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "db.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var table string
	if err := db.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = 'things'`).Scan(&table); err != nil {
		t.Fatal(err)
	}
	// The WHERE clause FerretDB v1's SQLite backend writes for {_id: …}.
	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE _ferretdb_sjson->'$._id' = ?`, `"x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX "+table+"_yc_id") {
		t.Errorf("query plan %q does not use the id index", p)
	}
	// And the driver still finds documents by id through it.
	var doc bson.M
	if err := col.FindOne(ctx, bson.D{{Key: "n", Value: 7}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: doc["_id"]}}).Decode(&doc); err != nil || doc["n"] != int32(7) {
		t.Errorf("find by id = %v, %v", doc, err)
	}
}
