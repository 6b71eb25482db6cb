package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// paths runs f on the embedded engine's code path and on MongoDB's (the
// conditional filters), both against the database under test.
func paths(t *testing.T, f func(t *testing.T, db *mongo.DB)) {
	for _, embedded := range []bool{true, false} {
		name := map[bool]string{true: "embedded", false: "mongodb"}[embedded]
		t.Run(name, func(t *testing.T) {
			db := mongotest.Open(t)
			db.SetEmbedded(embedded)
			f(t, db)
		})
	}
}

// race runs f n times at once and returns the errors.
func race(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	return errs
}

// TestConcurrentSignUpsOneEmail: of eight sign-ups with one email (in
// different cases) exactly one wins; the rest are told the email is taken.
func TestConcurrentSignUpsOneEmail(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		users := make([]*domain.User, 8)
		errs := race(8, func(i int) error {
			users[i] = &domain.User{Email: []string{" Wang@Example.com", "WANG@example.COM"}[i%2], Role: domain.RoleFounder}
			return db.CreateUser(ctx, users[i])
		})
		winner := ""
		for i, err := range errs {
			if err == nil {
				if winner != "" {
					t.Fatalf("two sign-ups won: %s and %s", winner, users[i].ID)
				}
				winner = users[i].ID
				continue
			}
			if e, ok := domain.AsError(err); !ok || e.Code != "email_taken" {
				t.Fatalf("sign-up %d: %v, want email_taken", i, err)
			}
		}
		if winner == "" {
			t.Fatal("no sign-up won")
		}
		got, err := db.UserByEmail(ctx, "wang@example.com ")
		if err != nil || got.ID != winner || got.Email != "wang@example.com" {
			t.Fatalf("UserByEmail = %+v, %v; want %s", got, err, winner)
		}
		if _, err := db.UserByEmail(ctx, "nobody@example.com"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("unknown email: %v", err)
		}
	})
}

// TestOrphanKeysTakenOver: a crash between claiming a key and writing the
// account (or profile) leaves a key without its document; a sign-up (or
// profile) once the claim is older than the grace takes it over instead of
// being refused forever, and one within the grace is refused (the first
// writer may still be at work).
func TestOrphanKeysTakenOver(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		if _, err := db.Raw(mongo.ColUserEmails).InsertOne(ctx, bson.M{"_id": "qian@example.com", "userId": mongo.NewID(), "at": time.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, &domain.User{Email: "qian@example.com"}); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("sign-up over a fresh claim: %v, want email_taken", err)
		}
		old := time.Now().Add(-time.Hour)
		if _, err := db.Raw(mongo.ColUserEmails).InsertOne(ctx, bson.M{"_id": "zhao@example.com", "userId": mongo.NewID(), "at": old}); err != nil {
			t.Fatal(err)
		}
		u := &domain.User{Email: "Zhao@example.com", Role: domain.RoleFounder}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatalf("sign-up over an orphaned key: %v", err)
		}
		if got, err := db.UserByEmail(ctx, "zhao@example.com"); err != nil || got.ID != u.ID {
			t.Fatalf("UserByEmail = %+v, %v", got, err)
		}
		if _, err := db.Raw(mongo.ColInvestorOwners).InsertOne(ctx, bson.M{"_id": "owner1", "investorId": mongo.NewID(), "at": old}); err != nil {
			t.Fatal(err)
		}
		inv := &domain.Investor{OwnerID: "owner1", Name: "A"}
		if err := db.CreateInvestor(ctx, inv); err != nil {
			t.Fatalf("profile over an orphaned key: %v", err)
		}
		if got, err := db.InvestorByOwner(ctx, "owner1"); err != nil || got.ID != inv.ID {
			t.Fatalf("InvestorByOwner = %+v, %v", got, err)
		}
	})
}

// TestOneInvestorProfilePerOwner: of concurrent profile creations by one
// user exactly one wins.
func TestOneInvestorProfilePerOwner(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		invs := make([]*domain.Investor, 6)
		errs := race(6, func(i int) error {
			invs[i] = &domain.Investor{OwnerID: "u1", Name: fmt.Sprint(i)}
			return db.CreateInvestor(ctx, invs[i])
		})
		won := ""
		for i, err := range errs {
			if err == nil {
				if won != "" {
					t.Fatal("two profiles for one owner")
				}
				won = invs[i].ID
			} else if e, ok := domain.AsError(err); !ok || e.Code != "profile_exists" {
				t.Fatalf("profile %d: %v, want profile_exists", i, err)
			}
		}
		got, err := db.InvestorByOwner(ctx, "u1")
		if err != nil || got.ID != won {
			t.Fatalf("InvestorByOwner = %+v, %v; want %s", got, err, won)
		}
		if _, err := db.InvestorByOwner(ctx, "u2"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("no profile: %v", err)
		}
	})
}

// TestVersionedUpdateRace: of eight edits made from the same version
// exactly one is stored; the others are edit conflicts, and an edit of a
// deleted profile is not found.
func TestVersionedUpdateRace(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		s := &domain.Startup{Name: "v1", OwnerID: "o"}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		errs := race(8, func(i int) error {
			c := *s
			c.Name = fmt.Sprint("edit", i)
			return db.UpdateStartup(ctx, &c, 1)
		})
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatal("two edits from version 1 were stored")
			case err == nil:
				won = i
			case !domain.IsKind(err, domain.KindConflict):
				t.Fatalf("edit %d: %v, want edit_conflict", i, err)
			}
		}
		got, err := db.StartupByID(ctx, s.ID)
		if err != nil || got.Version != 2 || got.Name != fmt.Sprint("edit", won) {
			t.Fatalf("stored %+v, %v; want edit%d at version 2", got, err, won)
		}
		if err := db.DeleteStartup(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.UpdateStartup(ctx, got, 2); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("edit of a deleted startup: %v", err)
		}
	})
}

// TestRefreshRotationRace: of eight uses of one token exactly one rotates
// it, on both paths; a revoked session's tokens stop working at once.
func TestRefreshRotationRace(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		exp := time.Now().Add(time.Hour)
		for _, tok := range []domain.RefreshToken{
			{Hash: "a1", UserID: "u", Family: "fa", ExpiresAt: exp},
			{Hash: "b1", UserID: "u", Family: "fb", ExpiresAt: exp},
			{Hash: "c1", UserID: "v", Family: "fc", ExpiresAt: exp},
		} {
			if err := db.SaveRefresh(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		won := 0
		for i, err := range race(8, func(int) error {
			_, reused, err := db.UseRefresh(ctx, "a1")
			if err == nil && !reused {
				return nil
			}
			if err == nil {
				return fmt.Errorf("reused")
			}
			return err
		}) {
			if err == nil {
				won++
			} else if err.Error() != "reused" {
				t.Fatalf("use %d: %v", i, err)
			}
		}
		if won != 1 {
			t.Fatalf("%d uses won, want 1", won)
		}
		if err := db.RevokeRefreshFamily(ctx, "fa", exp); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.UseRefresh(ctx, "a1"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a1 after its session was revoked: %v", err)
		}
		for _, h := range []string{"b1", "c1"} {
			if _, reused, err := db.UseRefresh(ctx, h); err != nil || reused {
				t.Fatalf("%s, of another session: reused=%v, %v", h, reused, err)
			}
		}
	})
}

// TestRefreshSweepByDay: the sweep deletes the expired tokens (on MongoDB
// those of the days before today's, by their expiry buckets; on the
// embedded engine, which writes no buckets, read straight from its
// tables), keeps sessions rotated since, and a second sweep finds nothing.
func TestRefreshSweepByDay(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) { sweepByDay(t, db) })
}

func sweepByDay(t *testing.T, db *mongo.DB) {
	ctx := context.Background()
	now := time.Now()
	toks := []domain.RefreshToken{
		{Hash: "old1", UserID: "u", Family: "f1", ExpiresAt: now.Add(-72 * time.Hour)},
		{Hash: "old2", UserID: "u", Family: "f2", ExpiresAt: now.Add(-48 * time.Hour)},
		{Hash: "new2", UserID: "u", Family: "f2", ExpiresAt: now.Add(48 * time.Hour)}, // f2 rotated
	}
	for _, tok := range toks {
		if err := db.SaveRefresh(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.DeleteRefreshExpired(ctx, now); err != nil || n != 2 {
		t.Fatalf("sweep = %d, %v; want 2", n, err)
	}
	if _, err := db.RefreshByHash(ctx, "old1"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("old1 kept: %v", err)
	}
	if _, reused, err := db.UseRefresh(ctx, "new2"); err != nil || reused {
		t.Fatalf("rotated session swept: %v", err)
	}
	if n, err := db.DeleteRefreshExpired(ctx, now); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v; want 0", n, err)
	}
	if n, err := db.DeleteRefreshExpired(ctx, now.Add(72*time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep three days on = %d, %v; want 1", n, err)
	}
	if n, err := db.Raw(mongo.ColRefresh).CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
		t.Fatalf("%d tokens left after every session expired, %v", n, err)
	}
	// What a sign-in writes: the token, and an expiry bucket on MongoDB
	// only; no session document, no list of the user's sessions.
	counts := func() (n [3]int64) {
		for i, col := range []string{mongo.ColRefreshExpiry, mongo.ColRefreshUsers, mongo.ColRefreshFamilies} {
			n[i], _ = db.Raw(col).CountDocuments(ctx, bson.D{})
		}
		return n
	}
	before, writes := counts(), db.Writes()
	if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: "more", UserID: "u", Family: "f9", ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	after, wrote := counts(), db.Writes()-writes
	want := map[bool]int64{true: 1, false: 2}[db.Embedded()]
	if after[1] != before[1] || after[2] != before[2] || (after[0] != before[0]) != !db.Embedded() || wrote != want {
		t.Fatalf("a sign-in wrote %d expiry buckets, %d user lists, %d sessions in %d writes, want %d (embedded %v)",
			after[0]-before[0], after[1]-before[1], after[2]-before[2], wrote, want, db.Embedded())
	}
}
