package app_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// countingUsers counts the accounts read by id.
type countingUsers struct {
	*mongo.DB
	reads atomic.Int64
}

func (c *countingUsers) UserByID(ctx context.Context, id string) (*domain.User, error) {
	c.reads.Add(1)
	return c.DB.UserByID(ctx, id)
}

// heldWorld is the account services over an embedded FerretDB kept in dir,
// so that a test can stop it and start it again on the same files.
type heldWorld struct {
	srv      *ferret.Server
	db       *mongo.DB
	users    *countingUsers
	accounts *app.Accounts
	resets   *app.PasswordResets
}

// openEmbedded starts the embedded engine kept in dir and opens the store
// on it with the ids indexed and the straight string scans, as the server
// does before its loads; the caller closes both.
func openEmbedded(t *testing.T, dir string) (*ferret.Server, *mongo.DB) {
	t.Helper()
	srv, err := ferret.Start(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, err := mongo.Open(t.Context(), srv.URI(), "yc", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.IndexIDs(t.Context()); err != nil {
		t.Fatal(err)
	}
	db.SetStringScan(srv.ScanStrings)
	return srv, db
}

func openHeld(t *testing.T, dir string, signer *auth.Signer) *heldWorld {
	t.Helper()
	srv, db := openEmbedded(t, dir)
	w := &heldWorld{srv: srv, db: db, users: &countingUsers{DB: db}}
	log := slog.New(slog.DiscardHandler)
	var err error
	if w.accounts, err = app.NewAccounts(w.users, db, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, log); err != nil {
		t.Fatal(err)
	}
	w.resets = app.NewPasswordResets(w.accounts, db, nil, "https://yc.example.cn/", log)
	t.Cleanup(w.close)
	return w
}

func (w *heldWorld) close() {
	if w.db != nil {
		_ = w.db.Close(context.Background())
		_ = w.srv.Close()
		w.db = nil
	}
}

// TestSessionVersionsHeldInMemory: on the embedded engine, once the
// accounts are loaded, Authenticate reads no account, yet every way of
// ending sessions (signing out everywhere, a password change, a reset
// link, an admin's password reset from ADMIN_PASSWORD) refuses the old
// access token on the very next call and accepts the new one; a version
// changed behind the process's back is not seen (the book is a copy), and
// after a restart the versions are read again from the database. On the
// MongoDB path (other processes write) the account is read.
func TestSessionVersionsHeldInMemory(t *testing.T) {
	dir := t.TempDir()
	signer, err := auth.NewSigner([]byte(strings.Repeat("h", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	w := openHeld(t, dir, signer)
	admin, err := w.accounts.EnsureAdmin(ctx, "admin@held.test", "admin-passphrase-1", "管理员")
	if err != nil {
		t.Fatal(err)
	}
	adminSession, err := w.accounts.Login(ctx, "admin@held.test", "admin-passphrase-1")
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{"admin": adminSession.AccessToken}
	for _, who := range []string{"out", "pw", "reset", "still", "behind", "remote"} {
		s, err := w.accounts.Register(ctx, app.Registration{Email: who + "@held.test", Password: "held-passphrase-" + who, Role: domain.RoleFounder, Name: who})
		if err != nil {
			t.Fatal(err)
		}
		tokens[who] = s.AccessToken
	}
	if err := w.db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	// check authenticates token, wants it accepted or refused, and wants
	// no account read.
	check := func(when, token string, accepted bool) {
		t.Helper()
		before := w.users.reads.Load()
		_, err := w.accounts.Authenticate(ctx, token)
		if accepted && err != nil || !accepted && !domain.IsKind(err, domain.KindUnauthorized) {
			t.Fatalf("%s: %v, want accepted %v", when, err, accepted)
		}
		if n := w.users.reads.Load() - before; n != 0 {
			t.Fatalf("%s: %d accounts read to authenticate", when, n)
		}
	}
	for who, tok := range tokens {
		check("loaded: "+who, tok, true)
	}
	stranger, err := signer.Sign(auth.Claims{UserID: "0123456789abcdef01234567", Role: "founder"})
	if err != nil {
		t.Fatal(err)
	}
	check("no such account", stranger, false)

	out := domain.Actor{UserID: userOf(t, w, "out"), Role: domain.RoleFounder}
	if err := w.accounts.LogoutAll(ctx, out); err != nil {
		t.Fatal(err)
	}
	check("signed out everywhere", tokens["out"], false)

	pw := domain.Actor{UserID: userOf(t, w, "pw"), Role: domain.RoleFounder}
	s, err := w.accounts.ChangePassword(ctx, pw, app.PasswordChange{OldPassword: "held-passphrase-pw", NewPassword: "held-passphrase-pw2"})
	if err != nil {
		t.Fatal(err)
	}
	check("password changed: the old token", tokens["pw"], false)
	check("password changed: the new token", s.AccessToken, true)
	newTokens := map[string]string{"pw": s.AccessToken}

	link, err := w.resets.IssueLink(ctx, domain.Actor{UserID: admin.ID, Role: domain.RoleAdmin}, "reset@held.test")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link.Path)
	if err != nil {
		t.Fatal(err)
	}
	if s, err = w.resets.Reset(ctx, app.ResetInput{Token: u.Query().Get("token"), Password: "held-passphrase-reset2"}); err != nil {
		t.Fatal(err)
	}
	check("password reset: the old token", tokens["reset"], false)
	check("password reset: the new token", s.AccessToken, true)
	newTokens["reset"] = s.AccessToken

	if _, err := w.accounts.EnsureAdmin(ctx, "admin@held.test", "admin-passphrase-2", "管理员"); err != nil {
		t.Fatal(err)
	}
	check("admin password reset at start", tokens["admin"], false)
	if s, err = w.accounts.Login(ctx, "admin@held.test", "admin-passphrase-2"); err != nil {
		t.Fatal(err)
	}
	check("admin signed in again", s.AccessToken, true)
	newTokens["admin"] = s.AccessToken
	check("untouched", tokens["still"], true)

	// Behind the process's back (no other writer does this on the
	// embedded engine): memory answers, not the account.
	client, err := driver.Connect(options.Client().ApplyURI(w.srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(ctx)
	if _, err := client.Database("yc").Collection("users").UpdateOne(ctx, bson.D{{Key: "_id", Value: userOf(t, w, "behind")}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "sessionVersion", Value: 5}}}}); err != nil {
		t.Fatal(err)
	}
	check("changed behind its back", tokens["behind"], true)

	// The MongoDB path (a database this process does not alone write)
	// reads the account.
	remote, err := mongo.Open(ctx, w.srv.URI(), "yc", false)
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close(ctx)
	remoteUsers := &countingUsers{DB: remote}
	remoteAccounts, err := app.NewAccounts(remoteUsers, remote, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := remoteAccounts.Authenticate(ctx, tokens["remote"]); err != nil || remoteUsers.reads.Load() != 1 {
		t.Fatalf("the MongoDB path: %v, %d accounts read, want 1", err, remoteUsers.reads.Load())
	}
	if _, err := remoteAccounts.Authenticate(ctx, tokens["behind"]); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Fatalf("the MongoDB path accepted a token whose version was raised in the database: %v", err)
	}

	// A restart reads the versions from the database.
	w.close()
	w = openHeld(t, dir, signer)
	if err := w.db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"out", "pw", "reset", "admin", "behind"} {
		check("restarted: the old token of "+who, tokens[who], false)
	}
	for who, tok := range newTokens {
		check("restarted: the new token of "+who, tok, true)
	}
	check("restarted: untouched", tokens["still"], true)
	check("restarted: no such account", stranger, false)
}

// userOf returns the id of the account who@held.test.
func userOf(t *testing.T, w *heldWorld, who string) string {
	t.Helper()
	u, err := w.db.UserByEmail(t.Context(), who+"@held.test")
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
