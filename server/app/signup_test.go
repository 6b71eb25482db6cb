package app_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// The sign-up's failure and crash points, on the embedded engine: what
// each leaves, and that nothing it leaves lets anyone in.

// stepHasher is the real hasher with a hook run inside each Hash, before
// the hash itself (its error is Hash's), and a count of the hashes.
type stepHasher struct {
	*auth.Hasher
	during func() error
	calls  atomic.Int64
}

func (h *stepHasher) Hash(ctx context.Context, pw string) (string, error) {
	h.calls.Add(1)
	if h.during != nil {
		if err := h.during(); err != nil {
			return "", err
		}
	}
	return h.Hasher.Hash(ctx, pw)
}

// hookedStore is the real store with hooks around a sign-up's writes (an
// error from a hook is the write's: one before a write stores nothing),
// and the hash of every refresh token it was asked to save.
type hookedStore struct {
	*mongo.DB
	beforeToken, afterToken, beforeAccount, afterAccount func() error
	saved, claimed                                       []string
	tokenSaved                                           chan struct{} // closed once a token is stored
}

func newHooked(db *mongo.DB) *hookedStore {
	return &hookedStore{DB: db, tokenSaved: make(chan struct{})}
}

func run(hook func() error) error {
	if hook == nil {
		return nil
	}
	return hook()
}

func (s *hookedStore) ClaimEmail(ctx context.Context, email string) (string, time.Time, error) {
	id, at, err := s.DB.ClaimEmail(ctx, email)
	s.claimed = append(s.claimed, id)
	return id, at, err
}

func (s *hookedStore) SaveRefresh(ctx context.Context, t domain.RefreshToken) error {
	if err := run(s.beforeToken); err != nil {
		return err
	}
	s.saved = append(s.saved, t.Hash)
	if err := s.DB.SaveRefresh(ctx, t); err != nil {
		return err
	}
	select {
	case <-s.tokenSaved:
	default:
		close(s.tokenSaved)
	}
	return run(s.afterToken)
}

func (s *hookedStore) CreateClaimedUser(ctx context.Context, u *domain.User, at time.Time) error {
	if err := run(s.beforeAccount); err != nil {
		return err
	}
	if err := s.DB.CreateClaimedUser(ctx, u, at); err != nil {
		return err
	}
	return run(s.afterAccount)
}

func testSigner(t *testing.T) *auth.Signer {
	t.Helper()
	signer, err := auth.NewSigner([]byte(strings.Repeat("u", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return signer
}

// hookedAccounts is Accounts over s with a cheap stepHasher.
func hookedAccounts(t *testing.T, s *hookedStore) (*app.Accounts, *stepHasher) {
	t.Helper()
	signer := testSigner(t)
	h := &stepHasher{Hasher: auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1})}
	a, err := app.NewAccounts(s, s, h.Hasher, signer, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	a.SetHasher(h)
	return a, h
}

func signUp(a *app.Accounts, ctx context.Context, email string) (*app.Session, error) {
	return a.Register(ctx, app.Registration{Email: email, Password: "signup-passphrase", Role: domain.RoleFounder, Name: "注册"})
}

func code(err error) string {
	e, _ := domain.AsError(err)
	if e == nil {
		return ""
	}
	return e.Code
}

// ageClaim makes the email key of email as old as an orphan the grace
// lets a sign-up take over, through the engine directly.
func ageClaim(t *testing.T, w *heldWorld, email string) {
	t.Helper()
	client, err := driver.Connect(options.Client().ApplyURI(w.srv.URI()))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	res, err := client.Database("yc").Collection("user_emails").UpdateOne(t.Context(), bson.D{{Key: "_id", Value: email}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().Add(-time.Hour)}}}})
	if err != nil || res.MatchedCount != 1 {
		t.Fatalf("age the claim of %s: %v, %+v", email, err, res)
	}
}

// TestSignUpWritesBesideTheHash: the email's claim and the session's
// token are stored while the password hashes (the hash waits until the
// token is stored, which deadlocks an implementation that writes after
// hashing: the 60 s is a watchdog, not a measure), the account after it;
// the answer's tokens then work, and the sign-up wrote three documents.
func TestSignUpWritesBesideTheHash(t *testing.T) {
	db := openDB(t)
	s := newHooked(db)
	a, h := hookedAccounts(t, s)
	var order []string
	h.during = func() error {
		select {
		case <-s.tokenSaved:
			order = append(order, "token stored while hashing")
			return nil
		case <-time.After(60 * time.Second):
			return errors.New("the refresh token was not stored while the password hashed")
		}
	}
	s.beforeAccount = func() error { order = append(order, "account"); return nil }
	ctx := t.Context()
	before := db.Writes()
	sess, err := signUp(a, ctx, "Beside@Hash.test")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ", "); got != "token stored while hashing, account" {
		t.Fatalf("order: %s", got)
	}
	if n := db.Writes() - before; n != 3 {
		t.Fatalf("a sign-up wrote %d documents", n)
	}
	u, err := db.UserByEmail(ctx, "beside@hash.test")
	if err != nil || u.ID != sess.User.ID || u.PasswordHash == "" {
		t.Fatalf("the account: %+v, %v", u, err)
	}
	if _, err := a.Authenticate(ctx, sess.AccessToken); err != nil {
		t.Fatalf("the answer's access token: %v", err)
	}
	if tk, err := a.Refresh(ctx, sess.RefreshToken); err != nil || tk.User.ID != u.ID {
		t.Fatalf("the answer's refresh token: %+v, %v", tk, err)
	}
	if _, err := a.Login(ctx, "beside@hash.test", "signup-passphrase"); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
}

// openDB is a fresh embedded database with the accounts loaded.
func openDB(t *testing.T) *mongo.DB {
	t.Helper()
	w := openHeld(t, t.TempDir(), testSigner(t))
	if err := w.db.LoadUserNames(t.Context()); err != nil {
		t.Fatal(err)
	}
	return w.db
}

// TestSignUpInvalidWritesNothing: a sign-up refused by validation writes
// nothing and hashes nothing.
func TestSignUpInvalidWritesNothing(t *testing.T) {
	db := openDB(t)
	s := newHooked(db)
	a, h := hookedAccounts(t, s)
	ctx := t.Context()
	before := db.Writes()
	for _, r := range []app.Registration{
		{Email: "not-an-email", Password: "signup-passphrase", Role: domain.RoleFounder, Name: "无"},
		{Email: "short@pw.test", Password: "short", Role: domain.RoleFounder, Name: "无"},
		{Email: "admin@pw.test", Password: "signup-passphrase", Role: domain.RoleAdmin, Name: "无"},
		{Email: "noname@pw.test", Password: "signup-passphrase", Role: domain.RoleFounder},
	} {
		if _, err := a.Register(ctx, r); !domain.IsKind(err, domain.KindInvalid) {
			t.Fatalf("%+v: %v, want invalid", r, err)
		}
	}
	if n := db.Writes() - before; n != 0 || h.calls.Load() != 0 {
		t.Fatalf("invalid sign-ups wrote %d documents and hashed %d times", n, h.calls.Load())
	}
}

// TestSignUpEmailTaken: a taken email is refused with email_taken after
// the hash (as long as a sign-up that goes through), having written no
// token and changed nothing of the account that holds the email.
func TestSignUpEmailTaken(t *testing.T) {
	db := openDB(t)
	s := newHooked(db)
	a, h := hookedAccounts(t, s)
	ctx := t.Context()
	first, err := signUp(a, ctx, "taken@signup.test")
	if err != nil {
		t.Fatal(err)
	}
	tokens, hashes, before := len(s.saved), h.calls.Load(), db.Writes()
	if _, err := signUp(a, ctx, " Taken@Signup.test"); code(err) != "email_taken" {
		t.Fatalf("a taken email: %v, want email_taken", err)
	}
	if len(s.saved) != tokens {
		t.Fatal("a refused sign-up saved a refresh token")
	}
	if h.calls.Load() != hashes+1 {
		t.Fatal("a refused sign-up did not wait for its hash")
	}
	if n := db.Writes() - before; n != 1 {
		t.Fatalf("a refused sign-up sent %d writes, want 1 (the refused claim)", n)
	}
	if u, err := db.UserByEmail(ctx, "taken@signup.test"); err != nil || u.ID != first.User.ID {
		t.Fatalf("the email's account: %+v, %v", u, err)
	}
	if _, err := a.Login(ctx, "taken@signup.test", "signup-passphrase"); err != nil {
		t.Fatalf("the first account's sign-in: %v", err)
	}
}

// TestSignUpFailuresLeaveNothing: a sign-up that fails after its claim,
// before its account (the hash fails, the client goes away while it
// hashes, the token's save fails before or after storing it), answers
// the error with no session, leaves no token and releases the email at
// once; one whose account insert fails leaves no token and keeps the
// claim (the account may be stored), which a sign-up takes over once the
// grace has passed.
func TestSignUpFailuresLeaveNothing(t *testing.T) {
	boom := errors.New("boom")
	fail := func() error { return boom }
	for _, c := range []struct {
		name     string
		set      func(s *hookedStore, h *stepHasher, cancel func())
		want     error
		released bool
	}{
		{"hash fails", func(s *hookedStore, h *stepHasher, _ func()) { h.during = fail }, boom, true},
		{"cancelled while hashing", func(s *hookedStore, h *stepHasher, cancel func()) {
			h.during = func() error { <-s.tokenSaved; cancel(); return nil }
		}, context.Canceled, true},
		{"token not saved", func(s *hookedStore, _ *stepHasher, _ func()) { s.beforeToken = fail }, boom, true},
		{"token saved, then an error", func(s *hookedStore, _ *stepHasher, _ func()) { s.afterToken = fail }, boom, true},
		{"account insert fails", func(s *hookedStore, _ *stepHasher, _ func()) { s.beforeAccount = fail }, boom, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := openHeld(t, t.TempDir(), testSigner(t))
			s := newHooked(w.db)
			a, h := hookedAccounts(t, s)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c.set(s, h, cancel)
			email := "fail@signup.test"
			sess, err := signUp(a, ctx, email)
			if !errors.Is(err, c.want) || sess != nil {
				t.Fatalf("sign-up: %+v, %v; want no session and %v", sess, err, c.want)
			}
			ctx = t.Context()
			for _, hash := range s.saved {
				if _, err := w.db.RefreshByHash(ctx, hash); !domain.IsKind(err, domain.KindNotFound) {
					t.Fatalf("the failed sign-up's token is left: %v", err)
				}
			}
			if _, err := w.db.UserByEmail(ctx, email); !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("the failed sign-up's account: %v", err)
			}
			s.beforeToken, s.afterToken, s.beforeAccount, h.during = nil, nil, nil, nil
			_, err = signUp(a, ctx, email)
			if !c.released {
				if code(err) != "email_taken" {
					t.Fatalf("a sign-up within the grace of a claim whose account may be stored: %v, want email_taken", err)
				}
				ageClaim(t, w, email)
				_, err = signUp(a, ctx, email)
			}
			if err != nil {
				t.Fatalf("signing up again: %v", err)
			}
			if _, err := a.Login(ctx, email, "signup-passphrase"); err != nil {
				t.Fatalf("sign-in: %v", err)
			}
		})
	}
}
