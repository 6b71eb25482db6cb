package mongo_test

import (
	"context"
	"testing"

	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestSchemaVersion: a database with no record reads as version 1 (what
// releases before versioning wrote); a recorded version reads back.
func TestSchemaVersion(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if v, err := db.StoredSchemaVersion(ctx); err != nil || v != 1 {
		t.Fatalf("empty database: version %d, %v; want 1", v, err)
	}
	for _, want := range []int{2, 7} {
		if err := db.SetStoredSchemaVersion(ctx, want); err != nil {
			t.Fatal(err)
		}
		if v, err := db.StoredSchemaVersion(ctx); err != nil || v != want {
			t.Fatalf("version %d, %v; want %d", v, err, want)
		}
	}
}
