package app_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mail"
	"github.com/yuechuang/yuechuang/server/mail/mailtest"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestPasswordResetLinks drives reset links on the embedded database with
// a real SMTP conversation: the mailed link works once, expires, is kept
// only as a hash, and a refused password does not spend it.
func TestPasswordResetLinks(t *testing.T) {
	db := mongotest.Open(t)
	signer, err := auth.NewSigner([]byte(strings.Repeat("s", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	accounts, err := app.NewAccounts(db, db, auth.NewHasher(auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}), signer, log)
	if err != nil {
		t.Fatal(err)
	}
	smtp := mailtest.Start(t)
	sender, err := mail.Parse(smtp.URL("noreply@yc.test"))
	if err != nil {
		t.Fatal(err)
	}
	resets := app.NewPasswordResets(accounts, db, sender, "https://yc.example.cn/", log)
	now := time.Now()
	var mu sync.Mutex
	resets.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ctx := t.Context()
	s, err := accounts.Register(ctx, app.Registration{Email: "forgot@test.cn", Password: "old-passphrase-1", Role: domain.RoleInvestor, Name: "忘记"})
	if err != nil {
		t.Fatal(err)
	}

	link := func() string {
		t.Helper()
		if r, err := resets.Request(ctx, "Forgot@Test.cn "); err != nil || r.Delivery != app.DeliverEmail {
			t.Fatalf("request: %+v %v", r, err)
		}
		m := <-smtp.Messages
		if m.To != "forgot@test.cn" {
			t.Fatalf("mail to %q", m.To)
		}
		i := strings.Index(m.Body, "https://yc.example.cn/reset?token=")
		if i < 0 {
			t.Fatalf("no link in %q", m.Body)
		}
		u, err := url.Parse(strings.Fields(m.Body[i:])[0])
		if err != nil {
			t.Fatal(err)
		}
		return u.Query().Get("token")
	}

	// An unknown address is answered the same, and nothing is sent.
	if r, err := resets.Request(ctx, "nobody@test.cn"); err != nil || r.Delivery != app.DeliverEmail {
		t.Fatalf("unknown address: %+v %v", r, err)
	}
	select {
	case m := <-smtp.Messages:
		t.Fatalf("mail sent for an unknown address: %+v", m)
	default:
	}

	token := link()
	if _, err := db.ResetToken(ctx, token); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("the token is stored as is: %v", err)
	}
	// A password the policy refuses does not spend the link.
	if _, err := resets.Reset(ctx, app.ResetInput{Token: token, Password: "short"}); !domain.IsKind(err, domain.KindInvalid) || strings.Contains(err.Error(), "reset_link") {
		t.Fatalf("a short password: %v", err)
	}
	sess, err := resets.Reset(ctx, app.ResetInput{Token: token, Password: "new-passphrase-2"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.User.ID != s.User.ID || sess.AccessToken == "" {
		t.Fatalf("session after the reset: %+v", sess)
	}
	// Single use; the old password and the old sessions are gone.
	if _, err := resets.Reset(ctx, app.ResetInput{Token: token, Password: "other-passphrase-3"}); err != domain.ErrResetInvalid {
		t.Fatalf("second use: %v", err)
	}
	if _, err := accounts.Login(ctx, "forgot@test.cn", "old-passphrase-1"); err == nil {
		t.Fatal("the old password still works")
	}
	if _, err := accounts.Refresh(ctx, s.RefreshToken); err == nil {
		t.Fatal("a session from before the reset lives on")
	}
	if _, err := accounts.Login(ctx, "forgot@test.cn", "new-passphrase-2"); err != nil {
		t.Fatalf("the new password: %v", err)
	}

	// Expiry: 30 minutes for a mailed link.
	token = link()
	advance(app.ResetLinkTTL)
	if _, err := resets.Reset(ctx, app.ResetInput{Token: token, Password: "newer-passphrase-4"}); err != domain.ErrResetExpired {
		t.Fatalf("an expired link: %v", err)
	}
	// A newer link makes the older one useless.
	older := link()
	newer := link()
	if _, err := resets.Reset(ctx, app.ResetInput{Token: older, Password: "newer-passphrase-4"}); err != domain.ErrResetInvalid {
		t.Fatalf("a superseded link: %v", err)
	}
	// Two uses at once: exactly one wins.
	var wg sync.WaitGroup
	wins := make(chan bool, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := resets.Reset(context.Background(), app.ResetInput{Token: newer, Password: "newest-passphrase-5"})
			wins <- err == nil
		}()
	}
	wg.Wait()
	close(wins)
	n := 0
	for w := range wins {
		if w {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d concurrent uses of one link succeeded", n)
	}

	// Without mail, the answer says to ask an admin, who issues a link (24 hours).
	plain := app.NewPasswordResets(accounts, db, nil, "https://yc.example.cn", log)
	plain.SetClock(func() time.Time { return now })
	if r, _ := plain.Request(ctx, "forgot@test.cn"); r.Delivery != app.DeliverAdmin {
		t.Fatalf("without mail: %+v", r)
	}
	if _, err := plain.IssueLink(ctx, domain.Actor{UserID: s.User.ID, Role: domain.RoleInvestor}, "forgot@test.cn"); !domain.IsKind(err, domain.KindForbidden) {
		t.Fatalf("a non-admin issued a link: %v", err)
	}
	admin := domain.Actor{UserID: "a", Role: domain.RoleAdmin}
	if _, err := plain.IssueLink(ctx, admin, "nobody@test.cn"); !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("a link for no account: %v", err)
	}
	l, err := plain.IssueLink(ctx, admin, "forgot@test.cn")
	if err != nil || !strings.HasPrefix(l.Path, "/reset?token=") || !l.ExpiresAt.Equal(now.UTC().Add(app.AdminResetLinkTTL)) {
		t.Fatalf("admin link: %+v %v", l, err)
	}
}
