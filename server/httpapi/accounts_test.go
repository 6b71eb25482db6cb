package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

func TestRegisterLoginRefreshLogout(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	r := e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{
		"email": "Founder@Test.cn", "password": "founder-passphrase", "role": "founder", "name": "陈越"})
	if r.str("user", "email") != "founder@test.cn" || r.str("user", "role") != "founder" || r.str("user", "id") == "" ||
		r.str("accessToken") == "" || r.str("refreshToken") == "" || r.str("user", "passwordHash") != "" {
		t.Fatalf("register answer: %s", r.Raw)
	}
	access, refresh := r.str("accessToken"), r.str("refreshToken")

	me := e.must(200, "GET", "/api/v1/me", access, nil)
	if me.str("user", "name") != "陈越" {
		t.Fatalf("/me: %s", me.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/me", "", nil), 401, "unauthorized")
	checkProblem(t, e.call("GET", "/api/v1/me", "not-a-token", nil), 401, "invalid_token")

	checkProblem(t, e.call("POST", "/api/v1/auth/register", "", map[string]any{
		"email": "founder@test.cn", "password": "founder-passphrase", "role": "investor", "name": "x"}), 409, "email_taken")
	checkProblem(t, e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "founder@test.cn", "password": "wrong-password"}), 401, "invalid_credentials")
	checkProblem(t, e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "nobody@test.cn", "password": "wrong-password"}), 401, "invalid_credentials")
	login := e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": "FOUNDER@test.cn", "password": "founder-passphrase"})
	if login.str("user", "role") != "founder" {
		t.Fatalf("login: %s", login.Raw)
	}

	// Rotation: the new pair works, the old refresh token does not, and
	// replaying it revokes the rotated session too.
	rot := e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": refresh})
	if rot.str("accessToken") == "" || rot.str("refreshToken") == refresh {
		t.Fatalf("refresh: %s", rot.Raw)
	}
	e.must(200, "GET", "/api/v1/me", rot.str("accessToken"), nil)
	checkProblem(t, e.call("POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": refresh}), 401, "invalid_refresh_token")
	checkProblem(t, e.call("POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": rot.str("refreshToken")}), 401, "invalid_refresh_token")

	// Logout revokes that session only; another login's session survives.
	other := login.str("refreshToken")
	a := e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": "founder@test.cn", "password": "founder-passphrase"})
	e.must(204, "POST", "/api/v1/auth/logout", "", map[string]any{"refreshToken": a.str("refreshToken")})
	e.must(204, "POST", "/api/v1/auth/logout", "", map[string]any{"refreshToken": a.str("refreshToken")})
	checkProblem(t, e.call("POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": a.str("refreshToken")}), 401, "invalid_refresh_token")
	e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": other})
}

func TestRegisterValidation(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	cases := []struct {
		name  string
		body  map[string]any
		code  string
		field string
	}{
		{"admin role", map[string]any{"email": "a@test.cn", "password": "founder-passphrase", "role": "admin", "name": "x"}, "validation_failed", "role"},
		{"unknown role", map[string]any{"email": "a@test.cn", "password": "founder-passphrase", "role": "king", "name": "x"}, "validation_failed", "role"},
		{"bad email", map[string]any{"email": "not-an-email", "password": "founder-passphrase", "role": "founder", "name": "x"}, "validation_failed", "email"},
		{"short password", map[string]any{"email": "a@test.cn", "password": "short", "role": "founder", "name": "x"}, "validation_failed", "password"},
		{"no name", map[string]any{"email": "a@test.cn", "password": "founder-passphrase", "role": "founder", "name": " "}, "validation_failed", "name"},
		{"verified smuggled", map[string]any{"email": "a@test.cn", "password": "founder-passphrase", "role": "founder", "name": "x", "verified": true}, "unknown_field", "verified"},
		{"wrong type", map[string]any{"email": 5, "password": "founder-passphrase", "role": "founder", "name": "x"}, "validation_failed", "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/auth/register", "", tc.body)
			checkProblem(t, r, 400, tc.code)
			errs, _ := r.Body["errors"].([]any)
			found := false
			for _, fe := range errs {
				if m, _ := fe.(map[string]any); m["field"] == tc.field && m["message"] != "" {
					found = true
				}
			}
			if !found {
				t.Fatalf("errors do not name field %q: %s", tc.field, r.Raw)
			}
		})
	}
}

func TestLoginRateLimited(t *testing.T) {
	e := newEnv(t, httpapi.Config{LoginLimit: 3, LoginWindow: time.Minute})
	// newEnv's own admin login used one attempt.
	body := map[string]any{"email": "x@test.cn", "password": "whatever-1"}
	for i := 0; i < 2; i++ {
		checkProblem(t, e.call("POST", "/api/v1/auth/login", "", body), 401, "invalid_credentials")
	}
	r := e.call("POST", "/api/v1/auth/login", "", body)
	checkProblem(t, r, 429, "rate_limited")
	if r.Header["Retry-After"] == "" {
		t.Fatal("429 without Retry-After")
	}
	// Other endpoints are not limited by login attempts.
	e.must(200, "GET", "/api/v1/taxonomy", "", nil)
}

// TestRefreshCookie: the web app's refresh token rides in an HttpOnly,
// SameSite=Strict cookie scoped to the auth routes; refresh and logout work
// with the cookie alone, rotation replaces it, and logout clears it.
func TestRefreshCookie(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	r := e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "cookie@test.cn", "password": "founder-passphrase", "role": "founder", "name": "饼干"})
	cookie := r.Header["Set-Cookie"]
	for _, want := range []string{"yc_refresh=" + r.str("refreshToken"), "HttpOnly", "SameSite=Strict", "path=/api/v1/auth"} {
		if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
			t.Fatalf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	jar := func(setCookie string) map[string]string {
		return map[string]string{"Cookie": strings.SplitN(setCookie, ";", 2)[0], "Content-Type": "application/json"}
	}
	rot := e.send("POST", "/api/v1/auth/refresh", "", "", jar(cookie))
	if rot.Status != 200 || rot.str("accessToken") == "" || !strings.Contains(rot.Header["Set-Cookie"], "yc_refresh="+rot.str("refreshToken")) {
		t.Fatalf("refresh with the cookie alone: %d %s %q", rot.Status, rot.Raw, rot.Header["Set-Cookie"])
	}
	checkProblem(t, e.send("POST", "/api/v1/auth/refresh", "", "", jar(cookie)), 401, "invalid_refresh_token") // rotated away
	out := e.send("POST", "/api/v1/auth/logout", "", "{}", jar(rot.Header["Set-Cookie"]))
	if out.Status != 204 || !strings.Contains(out.Header["Set-Cookie"], "yc_refresh=;") {
		t.Fatalf("logout with the cookie: %d, Set-Cookie %q", out.Status, out.Header["Set-Cookie"])
	}
	checkProblem(t, e.send("POST", "/api/v1/auth/refresh", "", "", jar(rot.Header["Set-Cookie"])), 401, "invalid_refresh_token")
	checkProblem(t, e.call("POST", "/api/v1/auth/refresh", "", nil), 401, "invalid_refresh_token") // neither body nor cookie
}

// TestPasswordPolicy: registration refuses short passwords, the email or its
// local part, and common passwords (the embedded list, and list words with
// digits around them), each with its stable code; a good passphrase passes.
func TestPasswordPolicy(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	for pw, code := range map[string]string{
		"12345678":               "password_too_short",
		"short-pw1":              "password_too_short",
		"chen.yue@test.cn":       "password_is_email",
		"Chen.Yue":               "password_too_short",
		"chen.yue.2026":          "password_is_email",
		"1234567890":             "password_common",
		"basketball":             "password_common",
		"Password2026!":          "password_common",
		"qwertyuiop":             "password_common",
		"aaaaaaaaaaaa":           "password_common",
		"abcabcabcabc":           "password_common",
		strings.Repeat("长", 129): "password_too_long",
	} {
		r := e.call("POST", "/api/v1/auth/register", "", map[string]any{"email": "chen.yue@test.cn", "password": pw, "role": "founder", "name": "陈越"})
		checkProblem(t, r, 400, "validation_failed")
		errs, _ := r.Body["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != "password" || errs[0].(map[string]any)["code"] != code {
			t.Errorf("password %q: errors %v, want field password with code %s", pw, r.Body["errors"], code)
		}
	}
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "chen.yue@test.cn", "password": "绍兴 黄酒 spring-rain", "role": "founder", "name": "陈越"})
}
