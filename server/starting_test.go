package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
)

// TestAnswersWhileStarting holds a real Main's Open after its migrations
// and checks that the port answers meanwhile: /healthz 200, /readyz and the
// API 503 with code "starting" in the problem shape. Released, the full app
// takes over the same address: /healthz never fails on the way (no refused
// connection in the handover), /readyz comes to 200, and a connection the
// starting app held with a request half sent is closed, not served by it
// after the handover.
func TestAnswersWhileStarting(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SeedDemo = false
	scans := &scanLog{} // as startMain: no scan once ready
	m := NewMain(cfg, slog.New(scans))
	m.HashParams = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}
	held := make(chan string, 1)
	release := make(chan struct{})
	m.pause = func() {
		addr := "" // nothing listens
		if m.ln != nil {
			addr = m.ln.Addr().String()
		}
		held <- addr
		<-release
	}
	var freeOnce sync.Once
	free := func() { freeOnce.Do(func() { close(release) }) }
	var openErr error
	opened := make(chan struct{})
	go func() {
		defer close(opened)
		openErr = m.Open(t.Context())
	}()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	running := false
	t.Cleanup(func() {
		free()
		<-opened
		cancel()
		if running {
			if err := <-ran; err != nil {
				t.Errorf("Run: %v", err)
			}
		}
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		scans.failScans(t)
	})

	var addr string
	select {
	case addr = <-held:
	case <-opened:
		t.Fatalf("Open returned before its pause: %v", openErr)
	}
	if addr == "" {
		t.Fatal("nothing listens while Open migrates")
	}
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	if status, body := get(t, client, "GET", base+"/healthz"); status != 200 || body["status"] != "ok" {
		t.Fatalf("/healthz while starting: %d %v", status, body)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/readyz"}, {"GET", "/api/v1/me"}, {"POST", "/api/v1/auth/login"}, {"GET", "/"},
	} {
		res, err := client.Do(mustRequest(t, c.method, base+c.path))
		if err != nil {
			t.Fatalf("%s %s while starting: %v", c.method, c.path, err)
		}
		var p map[string]any
		err = json.NewDecoder(res.Body).Decode(&p)
		res.Body.Close()
		if err != nil || res.StatusCode != 503 || p["code"] != "starting" || p["status"] != float64(503) ||
			p["type"] != "https://yuechuang.dev/problems/starting" || p["detail"] == "" ||
			!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") || res.Header.Get("Retry-After") == "" {
			t.Fatalf("%s %s while starting: %d %s %v (%v), want 503 problem starting", c.method, c.path, res.StatusCode, res.Header.Get("Content-Type"), p, err)
		}
	}

	// A request half sent to the starting app, finished after the handover.
	half, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if _, err := io.WriteString(half, "GET /healthz HTTP/1.1\r\nHost: yuechuang\r\n"); err != nil {
		t.Fatal(err)
	}
	// The socket hands out connections in the order they came: an answer on
	// a connection dialled after half means the starting app has taken half
	// (otherwise half could still wait in the backlog at the release, and
	// nothing would serve it until Run).
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if res, err := fresh.Get(base + "/healthz"); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
	}

	// /healthz asked without pause from before the release until ready.
	probing, probed := make(chan struct{}), make(chan error, 1)
	go func() {
		for n := 0; ; n++ {
			select {
			case <-probing:
				probed <- nil
				return
			default:
			}
			res, err := client.Get(base + "/healthz")
			if err != nil {
				probed <- fmt.Errorf("/healthz, probe %d: %w", n, err)
				return
			}
			res.Body.Close()
			if res.StatusCode != 200 {
				probed <- fmt.Errorf("/healthz, probe %d: %d", n, res.StatusCode)
				return
			}
			time.Sleep(5 * time.Millisecond) // a probe, not a load
		}
	}()

	free()
	<-opened
	if openErr != nil {
		t.Fatalf("Open: %v", openErr)
	}
	if _, err := io.WriteString(half, "\r\n"); err == nil {
		// Only a hang guard: the handover has closed it before Open returned.
		_ = half.SetReadDeadline(time.Now().Add(time.Minute))
		if line, err := bufio.NewReader(half).ReadString('\n'); err == nil {
			t.Fatalf("a connection the starting app held was served after the handover: %q", line)
		} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatal("a connection the starting app held is still open after the handover")
		}
	}
	running = true
	go func() { ran <- m.Run(ctx) }()
	waitReady(t, base)
	close(probing)
	if err := <-probed; err != nil {
		t.Fatalf("the port failed a liveness probe during the handover: %v", err)
	}
	if status, body := get(t, client, "GET", base+"/readyz"); status != 200 || body["status"] != "ready" {
		t.Fatalf("/readyz once started: %d %v", status, body)
	}
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	var body io.Reader
	if method == "POST" {
		body = strings.NewReader(`{"email":"a@b.cn","password":"whatever-it-is"}`)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}

func get(t *testing.T, client *http.Client, method, url string) (int, map[string]any) {
	t.Helper()
	res, err := client.Do(mustRequest(t, method, url))
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}
