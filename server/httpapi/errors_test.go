package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestBadInput pins that malformed requests get a clear 4xx problem and
// never a 500.
func TestBadInput(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	cases := []struct {
		name, method, path, token string
		body                      any
		status                    int
		code                      string
	}{
		{"malformed JSON", "POST", "/api/v1/startups", founder, `{"name": `, 400, "invalid_json"},
		{"syntax error", "POST", "/api/v1/startups", founder, `{"name" "x"}`, 400, "invalid_json"},
		{"trailing data", "POST", "/api/v1/startups", founder, `{"name":"x"} {}`, 400, "invalid_json"},
		{"not an object", "POST", "/api/v1/startups", founder, `[1,2]`, 400, "validation_failed"},
		{"empty body", "POST", "/api/v1/startups", founder, ``, 400, "empty_body"},
		{"unknown field", "POST", "/api/v1/startups", founder, `{"name":"x","color":"red"}`, 400, "unknown_field"},
		{"owner smuggled", "POST", "/api/v1/startups", founder, `{"name":"x","ownerId":"abc"}`, 400, "unknown_field"},
		{"status smuggled", "POST", "/api/v1/startups", founder, `{"name":"x","status":"published"}`, 400, "unknown_field"},
		{"wrong type", "POST", "/api/v1/startups", founder, `{"askWan":"lots"}`, 400, "validation_failed"},
		{"bad id", "GET", "/api/v1/startups/123", "", nil, 400, "invalid_id"},
		{"bad id with quote", "GET", "/api/v1/investors/zz'--", "", nil, 400, "invalid_id"},
		{"page size too big", "GET", "/api/v1/startups?pageSize=101", "", nil, 400, "validation_failed"},
		{"page not a number", "GET", "/api/v1/startups?page=two", "", nil, 400, "validation_failed"},
		{"bad bool", "GET", "/api/v1/investors?verified=maybe", "", nil, 400, "validation_failed"},
		{"no route", "GET", "/api/v1/nothing-here", "", nil, 404, "route_not_found"},
		{"bad bearer scheme", "GET", "/api/v1/me", "", nil, 401, "unauthorized"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkProblem(t, e.call(tc.method, tc.path, tc.token, tc.body), tc.status, tc.code)
		})
	}
	t.Run("body over the JSON limit", func(t *testing.T) {
		big := `{"description":"` + strings.Repeat("长", 100_000) + `"}`
		checkProblem(t, e.call("POST", "/api/v1/startups", founder, big), 413, "payload_too_large")
	})
	t.Run("text content type", func(t *testing.T) {
		r := e.call("POST", "/api/v1/auth/login", "", nil)
		checkProblem(t, r, 400, "empty_body")
	})
}

func TestOps(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	if r := e.must(200, "GET", "/healthz", "", nil); r.str("status") != "ok" {
		t.Fatal(r.Raw)
	}
	if r := e.must(200, "GET", "/readyz", "", nil); r.str("checks", "database") != "ok" {
		t.Fatal(r.Raw)
	}
	e.must(200, "GET", "/api/v1/taxonomy", "", nil)
	m := e.must(200, "GET", "/metrics", "", nil)
	if !strings.Contains(m.Raw, `yuechuang_http_requests_total{method="GET",route="/api/v1/taxonomy",status="200"} 1`) {
		t.Fatalf("metrics lack the request count:\n%s", m.Raw)
	}
}

// TestOversizeBodyOverTheWire sends a body above Fiber's own limit through a
// real socket, where fasthttp rejects it before any handler runs.
func TestOversizeBodyOverTheWire(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(time.Second) })
	// Announce a 30 MiB body but send only its start: the server must answer
	// from the Content-Length alone, and the client must not race a reset.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/startups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"description\":\"", 30<<20)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p httpapi.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatalf("413 body is not a problem: %v", err)
	}
	if res.StatusCode != 413 || p.Code != "payload_too_large" {
		t.Fatalf("got %d %+v", res.StatusCode, p)
	}
}

type downPinger struct{}

func (downPinger) Ping(context.Context) error { return errors.New("connection refused") }

func TestReadyzReportsDown(t *testing.T) {
	e := newEnv(t, httpapi.Config{Ready: map[string]httpapi.Pinger{"search": downPinger{}}})
	r := e.call("GET", "/readyz", "", nil)
	checkProblem(t, r, 503, "not_ready")
	if strings.Contains(r.Raw, "refused") {
		t.Fatalf("readyz leaks internals: %s", r.Raw)
	}
}

// TestWebFallback serves a built web app: real files as they are (assets
// cached for good), every other page path as index.html so that client-side
// routes survive a reload, and API paths as API 404s. Without a built app
// the notice is served instead.
func TestWebFallback(t *testing.T) {
	const index = `<!doctype html><html><head><title>越创汇</title></head><body><div id="app" data-built="yes"></div></body></html>`
	web := fstest.MapFS{
		"index.html":           {Data: []byte(index)},
		"assets/index-abc1.js": {Data: []byte("console.log('app')")},
		"favicon.svg":          {Data: []byte("<svg/>")},
	}
	e := newEnv(t, httpapi.Config{Web: web})
	for _, p := range []string{"/", "/dealflow", "/roadshows/123/live"} {
		r := e.must(200, "GET", p, "", nil)
		if r.Raw != index || !strings.HasPrefix(r.Header["Content-Type"], "text/html") || r.Header["Cache-Control"] != "no-cache" {
			t.Errorf("GET %s: %s, cache %q, body %q; want index.html, not cached", p, r.Header["Content-Type"], r.Header["Cache-Control"], r.Raw)
		}
	}
	js := e.must(200, "GET", "/assets/index-abc1.js", "", nil)
	if js.Raw != "console.log('app')" || !strings.Contains(js.Header["Content-Type"], "javascript") || !strings.Contains(js.Header["Cache-Control"], "immutable") {
		t.Errorf("asset: %s, cache %q, body %q", js.Header["Content-Type"], js.Header["Cache-Control"], js.Raw)
	}
	if svg := e.must(200, "GET", "/favicon.svg", "", nil); svg.Raw != "<svg/>" || !strings.HasPrefix(svg.Header["Content-Type"], "image/svg+xml") || strings.Contains(svg.Header["Cache-Control"], "immutable") {
		t.Errorf("favicon: %s, cache %q, body %q", svg.Header["Content-Type"], svg.Header["Cache-Control"], svg.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/nope", "", nil), 404, "route_not_found")
	checkProblem(t, e.call("POST", "/somewhere", "", nil), 404, "route_not_found")

	bare := newEnv(t, httpapi.Config{})
	r := bare.must(200, "GET", "/dealflow", "", nil)
	if !strings.Contains(r.Raw, "make run") || strings.Contains(r.Raw, "data-built") || !strings.HasPrefix(r.Header["Content-Type"], "text/html") {
		t.Errorf("without a built app: %s %q", r.Header["Content-Type"], r.Raw)
	}
}
