package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// session signs email in and returns its access and refresh tokens.
func (e *env) session(email, password string) (access, refresh string) {
	e.t.Helper()
	r := e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password})
	return r.str("accessToken"), r.str("refreshToken")
}

// dead asserts that neither the access token nor the refresh token works.
func (e *env) dead(what, access, refresh string) {
	e.t.Helper()
	if access != "" {
		checkProblem(e.t, e.call("GET", "/api/v1/me", access, nil), 401, "invalid_token")
	}
	if refresh != "" {
		checkProblem(e.t, e.call("POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": refresh}), 401, "invalid_refresh_token")
	}
}

// TestChangePasswordEndsEverySession: a password change needs the old
// password, follows the policy, ends every session of the user (access
// tokens issued before included, on every device) and answers with a new
// session that works.
func TestChangePasswordEndsEverySession(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "pw@test.cn", "password": "old-passphrase", "role": "founder", "name": "陈越"})
	a1, r1 := e.session("pw@test.cn", "old-passphrase")
	a2, r2 := e.session("pw@test.cn", "old-passphrase") // another device

	for body, want := range map[string][2]string{
		`{"oldPassword":"wrong-passphrase","newPassword":"new-passphrase"}`: {"oldPassword", "password_wrong"},
		`{"oldPassword":"old-passphrase","newPassword":"old-passphrase"}`:   {"newPassword", "password_unchanged"},
		`{"oldPassword":"old-passphrase","newPassword":"sunshine2026"}`:     {"newPassword", "password_common"},
		`{"oldPassword":"old-passphrase","newPassword":"short"}`:            {"newPassword", "password_too_short"},
	} {
		r := e.call("POST", "/api/v1/auth/password", a1, body)
		checkProblem(t, r, 400, "validation_failed")
		if !bytes.Contains([]byte(r.Raw), []byte(fmt.Sprintf(`"field":"%s","code":"%s"`, want[0], want[1]))) {
			t.Fatalf("%s: %s, want %v", body, r.Raw, want)
		}
	}
	checkProblem(t, e.call("POST", "/api/v1/auth/password", "", `{"oldPassword":"old-passphrase","newPassword":"new-passphrase"}`), 401, "unauthorized")
	e.must(200, "GET", "/api/v1/me", a1, nil) // refusals changed nothing

	r := e.must(200, "POST", "/api/v1/auth/password", a1, `{"oldPassword":"old-passphrase","newPassword":"new-passphrase"}`)
	a3, r3 := r.str("accessToken"), r.str("refreshToken")
	if r.str("user", "email") != "pw@test.cn" || a3 == "" || r3 == "" {
		t.Fatalf("change answer: %s", r.Raw)
	}
	e.dead("first device", a1, r1)
	e.dead("second device", a2, r2)
	e.must(200, "GET", "/api/v1/me", a3, nil)
	e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]any{"refreshToken": r3})
	checkProblem(t, e.call("POST", "/api/v1/auth/login", "", map[string]any{"email": "pw@test.cn", "password": "old-passphrase"}), 401, "invalid_credentials")
	e.session("pw@test.cn", "new-passphrase")
}

// TestLogoutAll: signing out everywhere ends every session of the user,
// the caller's own included, and only that user's.
func TestLogoutAll(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "all@test.cn", "password": "all-passphrase", "role": "investor", "name": "王鉴"})
	a1, r1 := e.session("all@test.cn", "all-passphrase")
	a2, r2 := e.session("all@test.cn", "all-passphrase")
	other, _ := e.register("founder")
	checkProblem(t, e.call("POST", "/api/v1/auth/logout-all", "", nil), 401, "unauthorized")
	r := e.call("POST", "/api/v1/auth/logout-all", a1, nil)
	if r.Status != 204 || !bytes.Contains([]byte(r.Header["Set-Cookie"]), []byte("yc_refresh=;")) {
		t.Fatalf("logout-all: %d, Set-Cookie %q", r.Status, r.Header["Set-Cookie"])
	}
	e.dead("caller", a1, r1)
	e.dead("other device", a2, r2)
	e.must(200, "GET", "/api/v1/me", other, nil)
	a3, _ := e.session("all@test.cn", "all-passphrase")
	e.must(200, "GET", "/api/v1/me", a3, nil)
}

// TestRefreshRaceLeavesNoLiveToken sends concurrent refreshes of one token
// over real TCP connections. One wins; the others are reuse, which revokes
// the family, and that must include the winner's new token, even when the
// revocation ran before the winner had saved it.
func TestRefreshRaceLeavesNoLiveToken(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.srv.App().Shutdown() })
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	refresh := func(token string) (int, string) {
		b, _ := json.Marshal(map[string]string{"refreshToken": token})
		res, err := client.Post(base+"/api/v1/auth/refresh", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer res.Body.Close()
		var out struct{ RefreshToken string }
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, out.RefreshToken
	}
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "race@test.cn", "password": "race-passphrase", "role": "founder", "name": "赛跑"})
	const rounds, n = 12, 6
	races := 0
	for round := 0; round < rounds; round++ {
		_, token := e.session("race@test.cn", "race-passphrase")
		var wg sync.WaitGroup
		start := make(chan struct{})
		codes := make([]int, n)
		fresh := make([]string, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				codes[i], fresh[i] = refresh(token)
			}()
		}
		close(start)
		wg.Wait()
		won, lost := 0, 0
		for i, c := range codes {
			switch c {
			case 200:
				won++
			case 401:
				lost++
			default:
				t.Fatalf("round %d: refresh %d answered %d", round, i, c)
			}
		}
		if won > 1 {
			t.Fatalf("round %d: %d concurrent refreshes of one token succeeded", round, won)
		}
		if lost == 0 {
			continue
		}
		races++
		for i, c := range codes {
			if c == 200 {
				if code, _ := refresh(fresh[i]); code != 401 {
					t.Fatalf("round %d: reuse was detected, yet the winner's new refresh token still works (%d)", round, code)
				}
			}
		}
	}
	if races == 0 {
		t.Fatal("no round detected reuse: the test did not race")
	}
}
