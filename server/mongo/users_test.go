package mongo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// keyOwner returns the account id the email key of email names, or "" when
// there is no key.
func keyOwner(t *testing.T, db *mongo.DB, email string) string {
	t.Helper()
	var k struct {
		UserID string `bson:"userId"`
	}
	err := db.Raw(mongo.ColUserEmails).FindOne(context.Background(), bson.M{"_id": email}).Decode(&k)
	if err != nil && !errors.Is(err, driver.ErrNoDocuments) {
		t.Fatal(err)
	}
	return k.UserID
}

// TestReleaseEmail: a sign-up that ends before its account gives its
// claim up, so that the email can be signed up with again at once; the
// release never deletes a key that names another account (one that took
// an orphaned claim over) or whose account is stored.
func TestReleaseEmail(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		id, _, err := db.ClaimEmail(ctx, "Sun@Example.com")
		if err != nil {
			t.Fatal(err)
		}
		if got := keyOwner(t, db, "sun@example.com"); got != id {
			t.Fatalf("the claim names %q, want %q", got, id)
		}
		if _, _, err := db.ClaimEmail(ctx, "sun@example.com"); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("a second claim within the grace: %v, want email_taken", err)
		}
		if err := db.ReleaseEmail(ctx, "sun@example.com ", id); err != nil {
			t.Fatal(err)
		}
		if got := keyOwner(t, db, "sun@example.com"); got != "" {
			t.Fatalf("released, the key still names %q", got)
		}
		if err := db.CreateUser(ctx, &domain.User{Email: "sun@example.com", Role: domain.RoleFounder}); err != nil {
			t.Fatalf("a sign-up after the release: %v", err)
		}
		if err := db.ReleaseEmail(ctx, "sun@example.com", id); err != nil {
			t.Fatalf("releasing again: %v", err)
		}
		if got, err := db.UserByEmail(ctx, "sun@example.com"); err != nil || got.ID == id {
			t.Fatalf("a late release of the old claim took the new account's key: %+v, %v", got, err)
		}

		// An orphaned claim taken over by another sign-up stays the other's.
		orphan := mongo.NewID()
		if _, err := db.Raw(mongo.ColUserEmails).InsertOne(ctx, bson.M{"_id": "zhou@example.com", "userId": orphan, "at": time.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		newID, _, err := db.ClaimEmail(ctx, "zhou@example.com")
		if err != nil {
			t.Fatalf("taking an orphaned claim over: %v", err)
		}
		if err := db.ReleaseEmail(ctx, "zhou@example.com", orphan); err != nil {
			t.Fatal(err)
		}
		if got := keyOwner(t, db, "zhou@example.com"); got != newID {
			t.Fatalf("the old owner's release left the key naming %q, want the new owner %q", got, newID)
		}

		// A key whose account is stored is the account's.
		u := &domain.User{Email: "wu@example.com", Role: domain.RoleInvestor}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseEmail(ctx, "wu@example.com", u.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := db.UserByEmail(ctx, "wu@example.com"); err != nil || got.ID != u.ID {
			t.Fatalf("a release took a stored account's key: %+v, %v", got, err)
		}
	})
}

// TestStaleClaimWritesNoAccount: an account whose claim is as old as the
// grace is not written, since another sign-up may take the claim over
// meanwhile; the claim is released and the error says to retry. A fresh
// claim's account is written.
func TestStaleClaimWritesNoAccount(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		id, at, err := db.ClaimEmail(ctx, "zheng@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(at); d < 0 || d > time.Minute {
			t.Fatalf("the claim's time is %v ago", d)
		}
		u := &domain.User{ID: id, Email: "zheng@example.com", Role: domain.RoleFounder}
		err = db.CreateClaimedUser(ctx, u, time.Now().Add(-2*time.Minute))
		if !domain.IsKind(err, domain.KindUnavailable) {
			t.Fatalf("an account after its claim's grace: %v, want unavailable", err)
		}
		if _, err := db.UserByID(ctx, id); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("the account was written: %v", err)
		}
		if got := keyOwner(t, db, "zheng@example.com"); got != "" {
			t.Fatalf("the stale claim was kept for %q", got)
		}
		id, at, err = db.ClaimEmail(ctx, "zheng@example.com")
		if err != nil {
			t.Fatal(err)
		}
		u = &domain.User{ID: id, Email: "Zheng@example.com", Role: domain.RoleFounder}
		if err := db.CreateClaimedUser(ctx, u, at); err != nil {
			t.Fatal(err)
		}
		if got, err := db.UserByEmail(ctx, "zheng@example.com"); err != nil || got.ID != id || got.Email != "zheng@example.com" {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
	})
}

// TestDeleteRefresh: a sign-up's token removed when its account is not
// written is gone, and deleting a missing token is no error.
func TestDeleteRefresh(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		tok := domain.RefreshToken{Hash: "h-del", UserID: mongo.NewID(), Family: "f-del", ExpiresAt: now.Add(time.Hour), CreatedAt: now}
		if err := db.SaveRefresh(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteRefresh(ctx, "h-del"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.RefreshByHash(ctx, "h-del"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("deleted token: %v", err)
		}
		if err := db.DeleteRefresh(ctx, "h-del"); err != nil {
			t.Fatalf("deleting again: %v", err)
		}
	})
}
