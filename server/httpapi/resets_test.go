package httpapi_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mail"
	"github.com/yuechuang/yuechuang/server/mail/mailtest"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// TestPasswordResetOverHTTP: with no mail sender the user is told to ask an
// admin, who issues a one-time link; with SMTP_URL the link comes by mail.
// Either link signs the user in with the new password, once.
func TestPasswordResetOverHTTP(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	first, _ := e.register("founder")
	email := e.must(200, "GET", "/api/v1/me", first, nil).str("user", "email")
	if r := e.must(202, "POST", "/api/v1/auth/password-reset", "", map[string]any{"email": email}); r.str("delivery") != "admin" {
		t.Fatalf("without mail: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/auth/password-reset", "", map[string]any{"email": "nope"}), 400, "validation_failed")
	user := e.login(email, "founder-passphrase")
	checkProblem(t, e.call("POST", "/api/v1/admin/password-reset-links", user, map[string]any{"email": email}), 403, "admin_only")
	l := e.must(201, "POST", "/api/v1/admin/password-reset-links", e.admin, map[string]any{"email": email})
	token := strings.TrimPrefix(l.str("path"), "/reset?token=")
	if token == l.str("path") || l.str("expiresAt") == "" {
		t.Fatalf("link: %s", l.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": "x" + token, "password": "brand-new-passphrase"}), 400, "reset_link_invalid")
	r := e.must(200, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "password": "brand-new-passphrase"})
	if r.str("accessToken") == "" || !strings.Contains(r.Header["Set-Cookie"], "yc_refresh=") {
		t.Fatalf("reset: %d %s %v", r.Status, r.Raw, r.Header)
	}
	checkProblem(t, e.call("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "password": "brand-new-passphrase"}), 400, "reset_link_invalid")
	checkProblem(t, e.call("GET", "/api/v1/me", user, nil), 401, "invalid_token") // sessions before the reset ended
	e.login(email, "brand-new-passphrase")

	// With a mail sender: the link arrives by mail.
	smtp := mailtest.Start(t)
	m := newEnv(t, httpapi.Config{}, func(svc *httpapi.Services, db *mongo.DB, log *slog.Logger) {
		sender, err := mail.Parse(smtp.URL("noreply@yc.test"))
		if err != nil {
			t.Fatal(err)
		}
		svc.Resets = app.NewPasswordResets(svc.Accounts, db, sender, "https://yc.example.cn", log)
	})
	tok, _ := m.register("investor")
	email = m.must(200, "GET", "/api/v1/me", tok, nil).str("user", "email")
	if r := m.must(202, "POST", "/api/v1/auth/password-reset", "", map[string]any{"email": email}); r.str("delivery") != "email" {
		t.Fatalf("with mail: %s", r.Raw)
	}
	msg := <-smtp.Messages
	i := strings.Index(msg.Body, "https://yc.example.cn/reset?token=")
	if msg.To != email || i < 0 {
		t.Fatalf("mail: %+v", msg)
	}
	token = strings.TrimPrefix(strings.Fields(msg.Body[i:])[0], "https://yc.example.cn/reset?token=")
	m.must(200, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "password": "mailed-new-passphrase"})
	m.login(email, "mailed-new-passphrase")
}

// TestRefreshNamesTheUser: a reloaded page learns who is signed in from
// the refresh alone (it shows at once instead of waiting for GET /me).
func TestRefreshNamesTheUser(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	tok, id := e.register("manager")
	email := e.must(200, "GET", "/api/v1/me", tok, nil).str("user", "email")
	_, refresh := e.session(email, "founder-passphrase")
	r := e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": refresh})
	if r.str("user", "id") != id || r.str("user", "role") != "manager" || r.str("accessToken") == "" || strings.Contains(r.Raw, "passwordHash") {
		t.Fatalf("refresh: %s", r.Raw)
	}
}
