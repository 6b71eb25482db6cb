package mongo_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// writeV1 writes what release b1acd2e stored for accounts, investors and
// refresh tokens: no key documents, unique indexes on users.email and
// investors.ownerId, a session as a set of tokens sharing a family.
func writeV1(t *testing.T, db *mongo.DB) {
	t.Helper()
	ctx := context.Background()
	for col, field := range map[string]string{mongo.ColUsers: "email", mongo.ColInvestors: "ownerId"} {
		if _, err := db.Raw(col).Indexes().CreateOne(ctx, mongodrv.IndexModel{Keys: bson.D{{Key: field, Value: 1}},
			Options: options.Index().SetUnique(true)}); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	docs := map[string][]any{
		mongo.ColUsers: {
			domain.User{ID: "u1", Email: "li@example.com", Role: domain.RoleFounder, Name: "李"},
			domain.User{ID: "u2", Email: "wu@example.com", Role: domain.RoleInvestor, Name: "吴"},
		},
		mongo.ColInvestors: {domain.Investor{ID: "i2", OwnerID: "u2", Name: "吴资本", Version: 3}},
		mongo.ColRefresh: {
			domain.RefreshToken{Hash: "used", UserID: "u2", Family: "f", Used: true, ExpiresAt: now.Add(time.Hour)},
			domain.RefreshToken{Hash: "live", UserID: "u2", Family: "f", ExpiresAt: now.Add(2 * time.Hour)},
			domain.RefreshToken{Hash: "gone", UserID: "u1", Family: "g", ExpiresAt: now.Add(-time.Hour)},
		},
	}
	for col, ds := range docs {
		if _, err := db.Raw(col).InsertMany(ctx, ds); err != nil {
			t.Fatal(err)
		}
	}
}

// checkV2 checks that version 1's data answers through version 2's shapes.
func checkV2(t *testing.T, db *mongo.DB) {
	t.Helper()
	ctx := context.Background()
	if v, err := db.StoredSchemaVersion(ctx); err != nil || v != mongo.SchemaVersion {
		t.Fatalf("version %d, %v; want %d", v, err, mongo.SchemaVersion)
	}
	if u, err := db.UserByEmail(ctx, "LI@example.com"); err != nil || u.ID != "u1" {
		t.Fatalf("UserByEmail = %+v, %v", u, err)
	}
	if inv, err := db.InvestorByOwner(ctx, "u2"); err != nil || inv.ID != "i2" || inv.Version != 3 {
		t.Fatalf("InvestorByOwner = %+v, %v", inv, err)
	}
	err := db.CreateUser(ctx, &domain.User{Email: "wu@example.com"})
	if e, ok := domain.AsError(err); !ok || e.Code != "email_taken" {
		t.Fatalf("sign-up with a migrated email: %v", err)
	}
	if _, err := db.RefreshByHash(ctx, "gone"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("expired token kept: %v", err)
	}
	// The session is revocable as one, then none of its tokens works.
	if err := db.RevokeRefreshFamily(ctx, "f", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.UseRefresh(ctx, "live"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("token of a revoked migrated session: %v", err)
	}
}

func TestMigrateFromV1(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	writeV1(t, db)
	from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler))
	if err != nil || from != 1 {
		t.Fatalf("Migrate = %d, %v", from, err)
	}
	if _, reused, err := db.UseRefresh(ctx, "used"); err != nil || !reused {
		t.Fatalf("a used v1 token: reused=%v, %v; want reused", reused, err)
	}
	// A second start finds nothing to do.
	if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != mongo.SchemaVersion {
		t.Fatalf("second Migrate = %d, %v", from, err)
	}
	checkV2(t, db)
}

// TestMigrateResumes: a step killed after its first phase was recorded and
// half-way through its second completes on the next start.
func TestMigrateResumes(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	writeV1(t, db)
	for _, k := range []bson.M{{"_id": "li@example.com", "userId": "u1"}, {"_id": "wu@example.com", "userId": "u2"}} {
		if _, err := db.Raw(mongo.ColUserEmails).InsertOne(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Raw(mongo.ColMeta).InsertOne(ctx, bson.M{"_id": "migration", "to": 2, "done": []string{"user_emails"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Raw(mongo.ColInvestorOwners).InsertOne(ctx, bson.M{"_id": "u2", "investorId": "i2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Raw(mongo.ColMeta).CountDocuments(ctx, bson.D{{Key: "_id", Value: "migration"}}); err != nil || n != 0 {
		t.Fatalf("progress record left: %d, %v", n, err)
	}
	checkV2(t, db)
}

// TestMigrateRerunConverges: running every phase again over finished data
// (a crash after the last phase, before the version was recorded) changes
// nothing.
func TestMigrateRerunConverges(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	writeV1(t, db)
	if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	checkV2(t, db)
}

// TestNewerSchemaRefused: data from a newer release is refused with a code.
func TestNewerSchemaRefused(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if err := db.SetStoredSchemaVersion(ctx, mongo.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	_, err := db.Migrate(ctx, slog.New(slog.DiscardHandler))
	var e *mongo.SchemaNewerError
	if !errors.As(err, &e) || e.Stored != mongo.SchemaVersion+1 || e.Code() != "schema_newer_than_binary" {
		t.Fatalf("Migrate = %v, want a SchemaNewerError", err)
	}
}

// TestVersion9SessionListsDropped: step 9 → 10 drops the users' session
// lists an earlier release wrote, and the sessions themselves still work.
func TestVersion9SessionListsDropped(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	now := time.Now().UTC()
	if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: "h", UserID: "u", Family: "f", ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Raw(mongo.ColRefreshUsers).InsertOne(ctx, bson.D{{Key: "_id", Value: "u"}, {Key: "families", Value: bson.A{"f"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Raw(mongo.ColRefreshFamilies).InsertOne(ctx, bson.M{"_id": "f", "userId": "u", "expiresAt": now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 9); err != nil {
		t.Fatal(err)
	}
	if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != 9 {
		t.Fatalf("migrate from %d: %v", from, err)
	}
	if v, _ := db.StoredSchemaVersion(ctx); v != mongo.SchemaVersion {
		t.Fatalf("version %d, want %d", v, mongo.SchemaVersion)
	}
	names, err := db.Raw(mongo.ColRefreshUsers).Database().ListCollectionNames(ctx, bson.D{{Key: "name", Value: mongo.ColRefreshUsers}})
	if err != nil || len(names) != 0 {
		t.Fatalf("collections named %s after the step: %v, %v", mongo.ColRefreshUsers, names, err)
	}
	if tok, reused, err := db.UseRefresh(ctx, "h"); err != nil || reused || tok.Family != "f" {
		t.Fatalf("the session after the step: %+v reused %v, %v", tok, reused, err)
	}
}

// TestVersion10LogoutsStayEnded: up to version 10 a session worked while
// its family's document existed, and releases before the revocation marks
// ended a session (a logout, a stolen token's reuse, signing out
// everywhere by the users' session lists) by deleting that document alone,
// its tokens left live for the sweep. From version 11 a session works
// unless its family is marked, so step 10 → 11 must mark those: without it
// the logged-out session's token rotates again. Sessions still live keep
// working, a session ended with a mark stays ended, an expired one gets no
// mark, the marks go with the sweep once their last token has expired,
// and running the step again over its own result ends nothing.
func TestVersion10LogoutsStayEnded(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Millisecond)
		exp := now.Add(20 * 24 * time.Hour)
		family := func(f string, at time.Time) {
			if _, err := db.Raw(mongo.ColRefreshFamilies).InsertOne(ctx, bson.M{"_id": f, "userId": "u", "expiresAt": at}); err != nil {
				t.Fatal(err)
			}
		}
		for _, tok := range []domain.RefreshToken{
			{Hash: "live1", UserID: "u", Family: "live", Used: true, ExpiresAt: exp.Add(-time.Hour)},
			{Hash: "live2", UserID: "u", Family: "live", ExpiresAt: exp},
			// Logged out under an older release: the family's document deleted.
			{Hash: "out1", UserID: "u", Family: "out", Used: true, ExpiresAt: exp.Add(-2 * time.Hour)},
			{Hash: "out2", UserID: "u", Family: "out", ExpiresAt: exp.Add(-time.Hour)},
			// Logged out under version 10: marked, and the document deleted.
			{Hash: "marked1", UserID: "u", Family: "marked", ExpiresAt: exp},
			// Expired: its document swept, the token not yet.
			{Hash: "old1", UserID: "u", Family: "old", ExpiresAt: now.Add(-time.Hour)},
		} {
			if _, err := db.Raw(mongo.ColRefresh).InsertOne(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		family("live", exp)
		family("lost", exp) // a crash between the family's write and its token's
		if _, err := db.Raw(mongo.ColRevoked).InsertOne(ctx, bson.M{"_id": "marked", "until": exp}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetStoredSchemaVersion(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != 10 {
			t.Fatalf("migrate from %d: %v", from, err)
		}
		if _, _, err := db.UseRefresh(ctx, "out2"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a session logged out under an older release works again after the upgrade: %v", err)
		}
		if _, _, err := db.UseRefresh(ctx, "marked1"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a session revoked under version 10 works after the upgrade: %v", err)
		}
		if tok, reused, err := db.UseRefresh(ctx, "live2"); err != nil || reused || tok.Family != "live" {
			t.Fatalf("the live session after the step: %+v reused %v, %v", tok, reused, err)
		}
		var marks []struct {
			ID    string    `bson:"_id"`
			Until time.Time `bson:"until"`
		}
		cur, err := db.Raw(mongo.ColRevoked).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil || cur.All(ctx, &marks) != nil {
			t.Fatal(err)
		}
		if len(marks) != 2 || marks[0].ID != "marked" || marks[1].ID != "out" || !marks[1].Until.Equal(exp.Add(-time.Hour)) {
			t.Fatalf("marks after the step: %+v; want marked, and out until its last token's expiry %v", marks, exp.Add(-time.Hour))
		}
		names, err := db.Raw(mongo.ColRefreshFamilies).Database().ListCollectionNames(ctx, bson.D{{Key: "name", Value: mongo.ColRefreshFamilies}})
		if err != nil || len(names) != 0 {
			t.Fatalf("collections named %s after the step: %v, %v", mongo.ColRefreshFamilies, names, err)
		}
		// The step again over its own result (the families gone) marks
		// nothing, so the live session and one begun since keep working.
		if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: "new1", UserID: "u", Family: "new", ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: "live3", UserID: "u", Family: "live", ExpiresAt: exp}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetStoredSchemaVersion(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"new1", "live3"} {
			if _, reused, err := db.UseRefresh(ctx, h); err != nil || reused {
				t.Fatalf("%s after the step ran again: reused %v, %v", h, reused, err)
			}
		}
		// The mark goes with the sweep once the session's last token has
		// expired (on MongoDB by the expiry bucket the step wrote).
		if _, err := db.DeleteRefreshExpired(ctx, exp.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if revoked, err := db.RefreshFamilyRevoked(ctx, "out"); err != nil || revoked {
			t.Fatalf("the step's mark outlived its session: %v, %v", revoked, err)
		}
	})
}

// TestNewDatabaseNeedsNoSteps: a new database (no collection holds a
// document) is recorded at the binary's version in one write, with no
// step run over its empty collections; a database with any document and
// no version is migrated step by step (TestMigrateFromV1).
func TestNewDatabaseNeedsNoSteps(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	w := db.Writes()
	from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler))
	if err != nil || from != 1 {
		t.Fatalf("Migrate = %d, %v", from, err)
	}
	if v, err := db.StoredSchemaVersion(ctx); err != nil || v != mongo.SchemaVersion {
		t.Fatalf("version %d, %v; want %d", v, err, mongo.SchemaVersion)
	}
	if n := db.Writes() - w; n != 1 {
		t.Fatalf("%d writes to record a new database's version, want 1", n)
	}
}
