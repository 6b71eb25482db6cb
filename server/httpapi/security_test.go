package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestSecurityHeadersOnEveryAnswer: pages, API answers and errors alike carry
// a CSP (no inline script, no framing), nosniff, X-Frame-Options and
// Referrer-Policy. Pages and files get the web app's policy; JSON answers
// (results and problems) the API's, which allows nothing at all.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	web := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>x</title>")}, "assets/app.js": {Data: []byte("1")}}
	e := newEnv(t, httpapi.Config{Web: web})
	for _, tc := range []struct {
		r    resp
		json bool
	}{
		{e.call("GET", "/", "", nil), false},
		{e.call("GET", "/roadshows/123", "", nil), false},
		{e.call("GET", "/assets/app.js", "", nil), false},
		{e.call("GET", "/healthz", "", nil), true},
		{e.call("GET", "/api/v1/taxonomy", "", nil), true},
		{e.call("GET", "/api/v1/me", "", nil), true},           // 401
		{e.call("GET", "/api/v1/nothing-here", "", nil), true}, // 404
		{e.call("POST", "/api/v1/auth/login", "", "{"), true},  // 400
	} {
		r := tc.r
		if got := strings.Contains(r.Header["Content-Type"], "json"); got != tc.json {
			t.Fatalf("status %d: Content-Type %q, want JSON %v", r.Status, r.Header["Content-Type"], tc.json)
		}
		csp := r.Header["Content-Security-Policy"]
		want := []string{"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'"}
		if tc.json {
			want = []string{"default-src 'none'", "frame-ancestors 'none'"}
		}
		for _, w := range want {
			if !strings.Contains(csp, w) {
				t.Errorf("status %d (%s): CSP %q lacks %q", r.Status, r.Header["Content-Type"], csp, w)
			}
		}
		if tc.json && strings.Count(csp, ";") != 1 {
			t.Errorf("status %d: a JSON answer's CSP allows more than nothing: %q", r.Status, csp)
		}
		if script, _, _ := strings.Cut(strings.SplitN(csp+"script-src", "script-src", 2)[1], ";"); strings.Contains(csp, "'unsafe-eval'") || strings.Contains(script, "unsafe-inline") {
			t.Errorf("CSP lets scripts run inline or eval: %q", csp)
		}
		for h, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
			if r.Header[h] != want {
				t.Errorf("status %d: %s = %q, want %q", r.Status, h, r.Header[h], want)
			}
		}
		if r.Header["Strict-Transport-Security"] != "" {
			t.Errorf("HSTS over plain http")
		}
	}
}

// TestBodyLimitsBeforeReading: each route has its own body limit, checked
// against Content-Length before the body is read: the server answers while
// the client has sent only the start of a body it announced as too large.
// Anonymous callers cannot start a large upload at all, and a chunked body
// is cut off at the route's limit.
func TestBodyLimitsBeforeReading(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(time.Second) })

	// announce sends headers declaring size bytes and only the first 9 KiB
	// (fasthttp prefetches up to 8 KiB), then waits up to 5 s for the answer.
	announce := func(method, path, token, ctype string, size int) (int, string) {
		t.Helper()
		conn, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		auth := ""
		if token != "" {
			auth = "Authorization: Bearer " + token + "\r\n"
		}
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: %s\r\nContent-Length: %d\r\n\r\n{\"x\":\"%s", method, path, auth, ctype, size, strings.Repeat("x", 9<<10))
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s %s with %d bytes announced: no answer before the body was sent: %v", method, path, size, err)
		}
		defer res.Body.Close()
		var p httpapi.Problem
		_ = json.NewDecoder(res.Body).Decode(&p)
		return res.StatusCode, p.Code
	}
	for _, tc := range []struct {
		method, path, token, ctype string
		size, status               int
		code                       string
	}{
		{"POST", "/api/v1/auth/login", "", "application/json", 100 << 10, 413, "payload_too_large"},
		{"POST", "/api/v1/auth/register", "", "application/json", 64 << 10, 413, "payload_too_large"},
		{"POST", "/api/v1/startups", founder, "application/json", 1 << 20, 413, "payload_too_large"},
		{"PUT", "/api/v1/startups/0123456789abcdef01234567/deck", "", "application/pdf", 10 << 20, 401, "unauthorized"},
		{"PUT", "/api/v1/startups/0123456789abcdef01234567/deck", founder, "application/pdf", 21 << 20, 413, "deck_too_large"},
		{"POST", "/api/v1/spaces/0123456789abcdef01234567/registry/import", founder, "text/csv", 6 << 20, 413, "file_too_large"},
		{"POST", "/api/v1/spaces/0123456789abcdef01234567/registry/import", "", "text/csv", 1 << 20, 401, "unauthorized"},
	} {
		if status, code := announce(tc.method, tc.path, tc.token, tc.ctype, tc.size); status != tc.status || code != tc.code {
			t.Errorf("%s %s, %d bytes: %d %s, want %d %s", tc.method, tc.path, tc.size, status, code, tc.status, tc.code)
		}
	}

	// A chunked body is read only up to the limit.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := strings.Repeat("a", 4096)
	for i := 0; i < 4; i++ { // 16 KiB of a 4 KiB route, and no end
		fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("chunked body over the limit: no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("chunked body over the limit: %d", res.StatusCode)
	}

	// Within their limits, bodies work as before, chunked ones included.
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/api/v1/auth/login", io.MultiReader(strings.NewReader(`{"email":"nobody@test.cn",`), strings.NewReader(`"password":"whatever-passphrase"}`)))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("small chunked login: %d, want 401 invalid_credentials", res.StatusCode)
	}
	r := e.call("POST", "/api/v1/startups", founder, map[string]any{"name": "限额", "sector": "ic", "stage": "seed", "district": "keqiao", "description": strings.Repeat("长", 5000)})
	if r.Status != 201 {
		t.Fatalf("a full-size profile within the JSON limit: %d %s", r.Status, r.Raw)
	}
}
