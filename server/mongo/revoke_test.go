package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestRefreshExpiryReadStraight: the embedded engine's token sweep index,
// read at start, finds the tokens' and revocation marks' dates straight
// from the engine's storage exactly as the driver finds them (dates before, at and
// after the cut; a mark of an earlier release, without a date, is left to
// its expiry bucket), and either road tells the scan watcher of its scan.
func TestRefreshExpiryReadStraight(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("the straight read is the embedded engine's")
	}
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	for i, d := range []time.Duration{-72 * time.Hour, -time.Millisecond, 0, time.Millisecond, 30 * 24 * time.Hour} {
		h, f := fmt.Sprintf("h%d", i), fmt.Sprintf("f%d", i)
		if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: h, UserID: "u", Family: f, ExpiresAt: now.Add(d), CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := db.RevokeRefreshFamily(ctx, f, now.Add(d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := db.Raw(mongo.ColRevoked).InsertOne(ctx, bson.D{{Key: "_id", Value: "old-release"}}); err != nil {
		t.Fatal(err)
	}
	// Both roads read the whole table, so both must tell the scan watcher,
	// whose log line is how a scan after ready would show.
	var told []string
	db.WatchScans(func(s mongo.Scan) { told = append(told, s.Collection) })
	defer db.WatchScans(func(mongo.Scan) {})
	for col, field := range map[string]string{mongo.ColRefresh: "expiresAt", mongo.ColRevoked: "until"} {
		told = nil
		straight, err := db.ExpiredIDs(ctx, col, field, now, true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(told, []string{col}) {
			t.Errorf("%s read straight: the scan watcher was told of %v", col, told)
		}
		told = nil
		driver, err := db.ExpiredIDs(ctx, col, field, now, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(told, []string{col}) {
			t.Errorf("%s read through the driver: the scan watcher was told of %v", col, told)
		}
		slices.Sort(straight)
		slices.Sort(driver)
		want := map[string][]string{mongo.ColRefresh: {"h0", "h1"}, mongo.ColRevoked: {"f0"}}[col]
		if !slices.Equal(straight, driver) || !slices.Equal(straight, want) {
			t.Fatalf("%s: straight %v, driver %v, want %v", col, straight, driver, want)
		}
	}
}

// TestRevokedFamilyMarkOutlivesResave: a revoked session stays marked even
// when a rotation in flight writes its family again, and the mark goes with
// the sweep after the session would have expired (on MongoDB by the
// expiry bucket of that day, on the embedded engine by the mark's own
// date).
func TestRevokedFamilyMarkOutlivesResave(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) { markOutlivesResave(t, db) })
}

func markOutlivesResave(t *testing.T, db *mongo.DB) {
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	until := now.Add(30 * 24 * time.Hour)
	save := func(hash string) {
		if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: hash, UserID: "u", Family: "f", ExpiresAt: until, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	save("h1")
	if revoked, err := db.RefreshFamilyRevoked(ctx, "f"); err != nil || revoked {
		t.Fatalf("live family marked: %v %v", revoked, err)
	}
	if err := db.RevokeRefreshFamily(ctx, "f", until); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeRefreshFamily(ctx, "f", until); err != nil { // twice is harmless
		t.Fatal(err)
	}
	if _, _, err := db.UseRefresh(ctx, "h1"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("token of a revoked family: %v", err)
	}
	save("h2") // a rotation that was in flight writes the family again
	if revoked, err := db.RefreshFamilyRevoked(ctx, "f"); err != nil || !revoked {
		t.Fatalf("the mark did not outlive the re-save: %v %v", revoked, err)
	}
	if _, err := db.DeleteRefreshExpired(ctx, until.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if revoked, err := db.RefreshFamilyRevoked(ctx, "f"); err != nil || revoked {
		t.Fatalf("the mark outlived its day's sweep: %v %v", revoked, err)
	}
}
