package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/seed"
)

// testConfig is the configuration `make run` uses: with the demo set.
func testConfig(t *testing.T, dir string) Config {
	t.Helper()
	cfg, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"DATA_DIR": dir, "LISTEN_ADDR": "127.0.0.1:0", "SEED_DEMO": "true"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startMain opens and runs a Main on dir; it is stopped when the test ends
// or when the returned stop is called. A scan the Main logs once ready
// fails the test when it stops (scanlog_test.go).
func startMain(t *testing.T, cfg Config) (m *Main, stop func()) {
	t.Helper()
	m, stop, _ = startMainScans(t, cfg)
	return m, stop
}

// startMainScans is startMain returning also the log of the Main's scans,
// for a test that looks at them itself before stop fails on them.
func startMainScans(t *testing.T, cfg Config) (m *Main, stop func(), scans *scanLog) {
	t.Helper()
	scans = &scanLog{}
	m = NewMain(cfg, slog.New(scans))
	m.HashParams = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}
	m.SeedSizes = seed.Sizes{Startups: 30, Investors: 10, Spaces: 4}
	if err := m.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	waitReady(t, "http://"+m.Addr())
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		scans.failScans(t)
	}
	t.Cleanup(stop)
	return m, stop, scans
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", base)
}

func call(t *testing.T, method, url, token string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// searchTotal polls the search API until it reports want hits.
func searchTotal(t *testing.T, base, query string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, body := call(t, "GET", base+"/api/v1/search"+query, "", nil)
		if code == 200 && int(body["total"].(float64)) == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("search%s: %d %v, want total %d", query, code, body["total"], want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func login(t *testing.T, base, email, password string) string {
	t.Helper()
	code, body := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	if code != 200 {
		t.Fatalf("login %s: %d %v", email, code, body)
	}
	return body["accessToken"].(string)
}

// getRaw returns a GET's status and body.
func getRaw(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}
