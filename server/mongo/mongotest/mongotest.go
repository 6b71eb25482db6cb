// Package mongotest gives tests a real database: an embedded FerretDB in a
// temporary directory, or, when TEST_MONGODB_URI is set, a fresh database on
// that MongoDB server. There is no fake store.
package mongotest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// URI returns a MongoDB URI for t: TEST_MONGODB_URI, or a FerretDB started
// for this test and stopped when it ends.
func URI(t testing.TB) string {
	t.Helper()
	uri, _ := start(t)
	return uri
}

// start returns the URI and, when it started one, the embedded server.
func start(t testing.TB) (string, *ferret.Server) {
	t.Helper()
	if uri := os.Getenv("TEST_MONGODB_URI"); uri != "" {
		return uri, nil
	}
	srv, err := ferret.Start(t.TempDir(), nil)
	if err != nil {
		t.Fatalf("start embedded FerretDB: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("stop FerretDB: %v", err)
		}
	})
	return srv.URI(), srv
}

// OpenEmbedded is Open for a test of what only the embedded engine does
// (its straight reads and loads): with TEST_MONGODB_URI set there is none,
// and t is skipped, saying so.
func OpenEmbedded(t testing.TB) *mongo.DB {
	t.Helper()
	db := Open(t)
	if !db.Embedded() {
		t.Skip("TEST_MONGODB_URI is set: there is no embedded engine to read straight from")
	}
	return db
}

// Open returns a connected, empty database for t, dropped and closed when
// t ends, set up as the platform sets up its own (ferret.IndexIDs).
func Open(t testing.TB) *mongo.DB {
	t.Helper()
	uri, srv := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	name := fmt.Sprintf("test_%d", time.Now().UnixNano())
	db, err := mongo.Open(ctx, uri, name, srv != nil)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	if srv != nil {
		if _, err := srv.IndexIDs(ctx); err != nil {
			t.Fatalf("index ids: %v", err)
		}
		db.SetStringScan(srv.ScanStrings)
		db.SetBinaryRead(srv.ReadBinary)
		db.SetDocumentRead(srv.ReadDocument)
		db.SetDocumentsRead(srv.ReadDocuments)
		db.SetDocumentScan(srv.ScanDocuments)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if os.Getenv("TEST_MONGODB_URI") != "" {
			_ = db.Drop(ctx)
		}
		_ = db.Close(ctx)
	})
	return db
}
