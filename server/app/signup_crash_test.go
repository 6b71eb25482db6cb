package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestSignUpCrashPoints: the process dies between two of a sign-up's
// writes (the engine is stopped at that point, so nothing after it is
// stored, the sign-up's own clean-up included) and starts again on the
// same files. After the claim or after the token, the email is held for
// the grace and then taken over by the next sign-up; the account never
// came to be, so no password signs in, and the token left behind names
// an account that never exists: even its plaintext, were it known,
// refreshes nothing, and it goes with the sweep of expired tokens. After
// the account, the account is whole and keeps its email.
func TestSignUpCrashPoints(t *testing.T) {
	for _, point := range []string{"after the claim", "after the token", "after the account"} {
		t.Run(point, func(t *testing.T) {
			dir, signer := t.TempDir(), testSigner(t)
			w := openHeld(t, dir, signer)
			s := newHooked(w.db)
			a, _ := hookedAccounts(t, s)
			crash := func() error { w.close(); return errors.New("crashed") }
			switch point {
			case "after the claim":
				s.beforeToken = crash
			case "after the token":
				s.beforeAccount = crash
			case "after the account":
				s.afterAccount = crash
			}
			email := "crash@signup.test"
			if sess, err := signUp(a, t.Context(), email); err == nil || sess != nil {
				t.Fatalf("the sign-up the crash cut answered %+v, %v", sess, err)
			}
			if len(s.claimed) != 1 {
				t.Fatalf("claims: %v", s.claimed)
			}
			orphan := s.claimed[0]

			w = openHeld(t, dir, signer)
			a, _ = hookedAccounts(t, newHooked(w.db))
			ctx := t.Context()
			_, err := a.Login(ctx, email, "signup-passphrase")
			if point == "after the account" {
				if err != nil {
					t.Fatalf("the stored account's sign-in: %v", err)
				}
				ageClaim(t, w, email)
				if _, err := signUp(a, ctx, email); code(err) != "email_taken" {
					t.Fatalf("a sign-up over a stored account's old key: %v, want email_taken", err)
				}
				return
			}
			if code(err) != "invalid_credentials" {
				t.Fatalf("sign-in to the account the crash cut: %v", err)
			}
			if _, err := w.db.UserByID(ctx, orphan); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("the cut account: %v", err)
			}
			left := 0
			for _, hash := range s.saved {
				tk, err := w.db.RefreshByHash(ctx, hash)
				if err == nil && tk.UserID == orphan {
					left++
				}
			}
			if want := map[string]int{"after the claim": 0, "after the token": 1}[point]; left != want {
				t.Fatalf("%d tokens left by the crash, want %d", left, want)
			}
			// Were a token of the cut account known, it still lets no one in.
			plain, hash, err := auth.NewOpaqueToken()
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			if err := w.db.SaveRefresh(ctx, domain.RefreshToken{Hash: hash, UserID: orphan, Family: "cut", ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Refresh(ctx, plain); code(err) != "invalid_refresh_token" {
				t.Fatalf("a token of the cut account: %v", err)
			}
			if _, err := signUp(a, ctx, email); code(err) != "email_taken" {
				t.Fatalf("a sign-up within the grace: %v, want email_taken", err)
			}
			ageClaim(t, w, email)
			sess, err := signUp(a, ctx, email)
			if err != nil {
				t.Fatalf("a sign-up after the grace: %v", err)
			}
			if sess.User.ID == orphan {
				t.Fatal("the new account took the cut account's id")
			}
			if _, err := a.Login(ctx, email, "signup-passphrase"); err != nil {
				t.Fatalf("the new account's sign-in: %v", err)
			}

			// The sweep of expired tokens removes what the crash left.
			sweepAt := now.Add(auth.RefreshTokenTTL + 48*time.Hour)
			markDaySweepDone(t, w, sweepAt)
			if _, err := w.db.DeleteRefreshExpired(ctx, sweepAt); err != nil {
				t.Fatal(err)
			}
			for _, h := range append(s.saved, hash) {
				if _, err := w.db.RefreshByHash(ctx, h); !domain.IsKind(err, domain.KindNotFound) {
					t.Fatalf("a token the crash left outlived the sweep: %v", err)
				}
			}
		})
	}
}

// markDaySweepDone records MongoDB's day-bucket sweep as done up to the
// day before at, so that a sweep at at runs the embedded engine's own
// sweep alone, the one from its index in memory (a first bucket sweep
// walks 400 days).
func markDaySweepDone(t *testing.T, w *heldWorld, at time.Time) {
	t.Helper()
	client, err := driver.Connect(options.Client().ApplyURI(w.srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	through := at.UTC().Add(-24 * time.Hour).Format(time.DateOnly)
	if _, err := client.Database("yc").Collection("meta").ReplaceOne(t.Context(), bson.D{{Key: "_id", Value: "refresh_sweep"}},
		bson.D{{Key: "_id", Value: "refresh_sweep"}, {Key: "through", Value: through}}, options.Replace().SetUpsert(true)); err != nil {
		t.Fatal(err)
	}
}
