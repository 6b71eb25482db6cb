package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// pausingTokens holds the first refresh token saved after arm is closed
// until proceed is closed, so a test can put a revocation exactly inside a
// rotation's window.
type pausingTokens struct {
	*mongo.DB
	arm, saving, proceed chan struct{}
}

func (p *pausingTokens) SaveRefresh(ctx context.Context, t domain.RefreshToken) error {
	select {
	case <-p.arm:
		select {
		case <-p.saving:
		default:
			close(p.saving)
			<-p.proceed
		}
	default:
	}
	return p.DB.SaveRefresh(ctx, t)
}

// TestRefreshRaceWinnerTokenDies is the refresh race of issue 13 made
// deterministic on the embedded database: the first use of a token is
// paused just before its new token is saved; a second use of the same
// token (a thief or a replay) revokes the family meanwhile; the first use
// then saves its new token, which must not survive. Without the check
// after saving the winner's new token lives on (TestRefreshRaceLeavesNoLiveToken
// races the same over HTTP, where the window is rarely hit).
func TestRefreshRaceWinnerTokenDies(t *testing.T) {
	db := mongotest.Open(t)
	tokens := &pausingTokens{DB: db, arm: make(chan struct{}), saving: make(chan struct{}), proceed: make(chan struct{})}
	signer, err := auth.NewSigner([]byte(strings.Repeat("s", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := app.NewAccounts(db, tokens, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	s, err := accounts.Register(ctx, app.Registration{Email: "race@test.cn", Password: "race-passphrase", Role: domain.RoleFounder, Name: "赛跑"})
	if err != nil {
		t.Fatal(err)
	}
	close(tokens.arm)
	type result struct {
		tokens *app.Tokens
		err    error
	}
	first := make(chan result, 1)
	go func() {
		tk, err := accounts.Refresh(ctx, s.RefreshToken)
		first <- result{tk, err}
	}()
	<-tokens.saving // the first use marked the token used and is about to save its successor
	if _, err := accounts.Refresh(ctx, s.RefreshToken); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Fatalf("the second use of a token: %v, want refused", err)
	}
	close(tokens.proceed)
	r := <-first
	if r.err == nil {
		if _, err := accounts.Refresh(ctx, r.tokens.RefreshToken); err == nil {
			t.Fatal("the family was revoked during the rotation, yet the rotation's new refresh token works")
		}
		t.Fatal("the family was revoked during the rotation, yet the rotation answered with new tokens")
	}
	if !domain.IsKind(r.err, domain.KindUnauthorized) {
		t.Fatalf("the first use: %v, want refused", r.err)
	}
}
