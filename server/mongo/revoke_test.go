package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestRevokedFamilyMarkOutlivesResave: a revoked session stays marked even
// when a rotation in flight writes its family again, and the mark goes with
// the sweep of the day the session would have expired.
func TestRevokedFamilyMarkOutlivesResave(t *testing.T) {
	db := mongotest.Open(t)
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
