package app_test

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestAuthWritesCounted: what a sign-up, a sign-in, a rotation and a
// logout cost the store, in write commands (each writes one document: on
// the embedded engine one fsynced SQLite commit) and the service's reads of
// an account by id (a sign-in's read by email is not among them). On the
// embedded engine a sign-in is one write (its token), a sign-up three (the
// email key and the token, written while the password hashes, then the
// account), a rotation two (the used mark, the
// new token) and reads the account once, a logout one (the revocation
// mark); MongoDB adds the token's or mark's expiry bucket and reads the
// account again after the rotation's save, where another process may have
// ended the sessions. docs/bench/auth.md has the table.
func TestAuthWritesCounted(t *testing.T) {
	ctx := t.Context()
	db := mongotest.Open(t)
	users := &countingUsers{DB: db}
	signer, err := auth.NewSigner([]byte(strings.Repeat("w", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := app.NewAccounts(users, db, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	embedded := db.Embedded()
	if !embedded {
		t.Log("TEST_MONGODB_URI: counting the MongoDB path's writes")
	}
	count := func(what string, embeddedWrites, mongoWrites, embeddedReads, mongoReads int64, call func() error) {
		t.Helper()
		w, r := db.Writes(), users.reads.Load()
		if err := call(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		wantW, wantR := embeddedWrites, embeddedReads
		if !embedded {
			wantW, wantR = mongoWrites, mongoReads
		}
		if gotW, gotR := db.Writes()-w, users.reads.Load()-r; gotW != wantW || gotR != wantR {
			t.Fatalf("%s: %d writes and %d account reads by id, want %d and %d (embedded %v)", what, gotW, gotR, wantW, wantR, embedded)
		}
	}
	var s *app.Session
	count("sign-up", 3, 4, 0, 0, func() (err error) {
		s, err = accounts.Register(ctx, app.Registration{Email: "count@writes.test", Password: "count-passphrase", Role: domain.RoleFounder, Name: "数"})
		return err
	})
	// The sign-in reads its account by email, not counted here.
	count("sign-in", 1, 2, 0, 0, func() (err error) {
		s, err = accounts.Login(ctx, "count@writes.test", "count-passphrase")
		return err
	})
	var tk *app.Tokens
	count("rotation", 2, 3, 1, 2, func() (err error) {
		tk, err = accounts.Refresh(ctx, s.RefreshToken)
		return err
	})
	if tk.User == nil || tk.User.ID != s.User.ID {
		t.Fatalf("the rotation answered for %+v, want %s", tk.User, s.User.ID)
	}
	count("logout", 1, 2, 0, 0, func() error { return accounts.Logout(ctx, tk.RefreshToken) })
	if _, err := accounts.Refresh(ctx, tk.RefreshToken); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Fatalf("a logged-out session's token: %v", err)
	}
}

// BenchmarkAuthStore measures the store's share of a sign-up, a sign-in
// and a rotation through Accounts on the embedded engine, with a hash of
// 1 MiB and one pass so that the writes, not argon2, are what is timed;
// it reports the p50 and p99 of single calls beside the mean
// (docs/bench/auth.md):
//
//	go test -run '^$' -bench AuthStore -benchtime 300x ./server/app/
func BenchmarkAuthStore(b *testing.B) {
	ctx := b.Context()
	db := mongotest.Open(b)
	signer, err := auth.NewSigner([]byte(strings.Repeat("b", 32)), nil)
	if err != nil {
		b.Fatal(err)
	}
	accounts, err := app.NewAccounts(db, db, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	if err := db.LoadUserNames(ctx); err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	var last *app.Session
	var rt string
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"signup", func() (err error) {
			last, err = accounts.Register(ctx, app.Registration{Email: fmt.Sprintf("bench%d@store.test", n.Add(1)), Password: "bench-passphrase", Role: domain.RoleFounder, Name: "基准"})
			return err
		}},
		{"signin", func() error {
			s, err := accounts.Login(ctx, last.User.Email, "bench-passphrase")
			if err == nil {
				rt = s.RefreshToken
			}
			return err
		}},
		{"rotation", func() error {
			t, err := accounts.Refresh(ctx, rt)
			if err == nil {
				rt = t.RefreshToken
			}
			return err
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}
