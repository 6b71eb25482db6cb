package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/netip"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// signInOverTCP serves e over real TCP on loopback and returns a function
// that signs in with an X-Forwarded-For header and returns the status.
func (e *env) signInOverTCP() func(email, password, xff string) int {
	e.t.Helper()
	addr := e.listen(e.t)
	return func(email, password, xff string) int {
		b, _ := json.Marshal(map[string]string{"email": email, "password": password})
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/auth/login", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
}

// TestForwardedForOnlyFromTrustedProxies: without TRUSTED_PROXIES a client
// cannot escape the per-address limit by writing X-Forwarded-For; behind a
// trusted proxy each forwarded client has its own bucket, read from the
// proxy's end of the header, so a client's own prefix is not believed.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	untrusted := newEnv(t, httpapi.Config{LoginLimit: 3, AccountLimit: 1000})
	login := untrusted.signInOverTCP()
	for i, xff := range []string{"1.1.1.1", "2.2.2.2", ""} {
		if code := login("x@test.cn", "wrong-passphrase", xff); code != 401 {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code := login("x@test.cn", "wrong-passphrase", "3.3.3.3"); code != 429 { // newEnv's admin sign-in came from 0.0.0.0
		t.Fatalf("a forged X-Forwarded-For escaped the per-address limit: %d", code)
	}

	proxied := newEnv(t, httpapi.Config{LoginLimit: 2, AccountLimit: 1000, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	login = proxied.signInOverTCP()
	// newEnv's admin sign-in came through no proxy: it used the bucket of 0.0.0.0.
	for i := 0; i < 2; i++ {
		if code := login("x@test.cn", "wrong-passphrase", "1.1.1.1"); code != 401 {
			t.Fatalf("client 1, attempt %d: %d", i, code)
		}
	}
	if code := login("x@test.cn", "wrong-passphrase", "1.1.1.1"); code != 429 {
		t.Fatalf("client 1 behind the proxy was not limited: %d", code)
	}
	// The client wrote 9.9.9.9 itself; the proxy appended the real 1.1.1.1.
	if code := login("x@test.cn", "wrong-passphrase", "9.9.9.9, 1.1.1.1"); code != 429 {
		t.Fatalf("a client-written prefix escaped the limit: %d", code)
	}
	if code := login("x@test.cn", "wrong-passphrase", "2.2.2.2, 127.0.0.1"); code != 401 {
		t.Fatalf("client 2 behind two trusted hops shares client 1's bucket: %d", code)
	}
}

// TestSignInLimitedPerAccount: failed sign-ins are limited per account,
// whatever addresses they come from; once the limit is reached even the
// right password waits; other accounts are not affected.
func TestSignInLimitedPerAccount(t *testing.T) {
	e := newEnv(t, httpapi.Config{LoginLimit: 1000, AccountLimit: 3, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "target@test.cn", "password": "target-passphrase", "role": "investor", "name": "靶子"})
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": "other@test.cn", "password": "other-passphrase", "role": "investor", "name": "旁人"})
	login := e.signInOverTCP()
	if code := login("target@test.cn", "wrong-passphrase", "1.1.1.1"); code != 401 {
		t.Fatalf("first guess: %d", code)
	}
	if code := login("target@test.cn", "target-passphrase", "1.1.1.1"); code != 200 {
		t.Fatalf("right password: %d", code) // and the count starts over
	}
	for i, addr := range []string{"1.1.1.1", "2.2.2.2", "3.3.3.3"} {
		if code := login("TARGET@test.cn", "wrong-passphrase", addr); code != 401 {
			t.Fatalf("guess %d from %s: %d", i, addr, code)
		}
	}
	if code := login("target@test.cn", "wrong-passphrase", "4.4.4.4"); code != 429 {
		t.Fatalf("guesses from many addresses were not limited per account: %d", code)
	}
	if code := login("target@test.cn", "target-passphrase", "5.5.5.5"); code != 429 {
		t.Fatalf("right password during the lock: %d", code)
	}
	if code := login("other@test.cn", "other-passphrase", "4.4.4.4"); code != 200 {
		t.Fatalf("another account: %d", code)
	}
}

// TestPasswordChangeGuessesLimited: guesses of the current password through
// the password-change route count against the account too.
func TestPasswordChangeGuessesLimited(t *testing.T) {
	e := newEnv(t, httpapi.Config{AccountLimit: 2})
	token, _ := e.register("founder")
	for i := 0; i < 2; i++ {
		r := e.call("POST", "/api/v1/auth/password", token, map[string]any{"oldPassword": "guess-" + string(rune('a'+i)) + "-passphrase", "newPassword": "brand-new-passphrase"})
		checkProblem(t, r, 400, "validation_failed")
	}
	checkProblem(t, e.call("POST", "/api/v1/auth/password", token, map[string]any{"oldPassword": "founder-passphrase", "newPassword": "brand-new-passphrase"}), 429, "rate_limited")
}
