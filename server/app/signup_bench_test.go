package app_test

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// BenchmarkSignUpBesideHash compares, in one process on one embedded
// database and in interleaved rounds, a sign-up as Register makes it now
// (the claim and the token beside the hash, the account after it) with
// the order it replaced (the hash, then the claim, the account and the
// token one after another, through the same store calls), at the server's
// argon2 cost, beside the hash alone; each round's order rotates. It
// reports p50 and p99 of each, and of each minus its round's hash
// (docs/bench/signup.md):
//
//	go test -run '^$' -bench SignUpBesideHash -benchtime 200x ./server/app/
func BenchmarkSignUpBesideHash(b *testing.B) {
	ctx := b.Context()
	db := mongotest.Open(b)
	if err := db.LoadUserNames(ctx); err != nil {
		b.Fatal(err)
	}
	signer, err := auth.NewSigner([]byte(strings.Repeat("b", 32)), nil)
	if err != nil {
		b.Fatal(err)
	}
	hasher := auth.NewHasher(auth.DefaultHashParams)
	accounts, err := app.NewAccounts(db, db, hasher, signer, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	const pw = "Kuaiji-Shan-2026!"
	var hash, seq, beside, seqEx, besideEx []time.Duration
	round := 0
	for b.Loop() {
		round++
		var h time.Duration
		steps := []func() error{
			func() error {
				t0 := time.Now()
				_, err := hasher.Hash(ctx, pw)
				h = time.Since(t0)
				hash = append(hash, h)
				return err
			},
			func() error { // the order before: hash, claim, account, token
				t0 := time.Now()
				enc, err := hasher.Hash(ctx, pw)
				if err != nil {
					return err
				}
				u := &domain.User{Email: fmt.Sprintf("seq%d@bench.test", round), Role: domain.RoleFounder, Name: "基准", PasswordHash: enc, CreatedAt: time.Now()}
				if err := db.CreateUser(ctx, u); err != nil {
					return err
				}
				_, th, err := auth.NewOpaqueToken()
				if err != nil {
					return err
				}
				now := time.Now().UTC()
				if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: th, UserID: u.ID, Family: th, ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}); err != nil {
					return err
				}
				seq = append(seq, time.Since(t0))
				return nil
			},
			func() error { // Register: claim and token beside the hash
				t0 := time.Now()
				_, err := accounts.Register(ctx, app.Registration{Email: fmt.Sprintf("beside%d@bench.test", round), Password: pw, Role: domain.RoleFounder, Name: "基准"})
				beside = append(beside, time.Since(t0))
				return err
			},
		}
		// The hash first, so that each sign-up has its round's hash; the
		// two sign-ups alternate.
		order := []int{0, 1, 2}
		if round%2 == 0 {
			order = []int{0, 2, 1}
		}
		for _, i := range order {
			if err := steps[i](); err != nil {
				b.Fatal(err)
			}
		}
		seqEx = append(seqEx, seq[len(seq)-1]-h)
		besideEx = append(besideEx, beside[len(beside)-1]-h)
	}
	at := func(ds []time.Duration, q float64) float64 {
		d := slices.Clone(ds)
		slices.Sort(d)
		return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000
	}
	for _, m := range []struct {
		name string
		ds   []time.Duration
	}{{"hash", hash}, {"sequential", seq}, {"beside", beside}, {"sequential-excess", seqEx}, {"beside-excess", besideEx}} {
		b.ReportMetric(at(m.ds, 0.5), m.name+"-p50-ms")
		b.ReportMetric(at(m.ds, 0.99), m.name+"-p99-ms")
	}
}
