package benchrun

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The test binary doubles as the server Start runs: with
// BENCHRUN_TEST_SERVE set it serves /readyz on LISTEN_ADDR, 503 for its
// first three asks and 200 after, and exits on SIGINT; "exit" makes it
// exit at once instead.
func TestMain(m *testing.M) {
	switch os.Getenv("BENCHRUN_TEST_SERVE") {
	case "":
		os.Exit(m.Run())
	case "exit":
		os.Exit(3)
	case "child": // the server's child: it waits for its input to end
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}
	if os.Getenv("BENCHRUN_TEST_CHILD") != "" {
		c := exec.Command(os.Args[0])
		c.Env = []string{"BENCHRUN_TEST_SERVE=child"}
		if _, err := c.StdinPipe(); err != nil {
			os.Exit(4)
		}
		if err := c.Start(); err != nil {
			os.Exit(4)
		}
		_ = os.WriteFile(filepath.Join(os.Getenv("DATA_DIR"), "child"), []byte(strconv.Itoa(c.Process.Pid)), 0o644)
	}
	var asks atomic.Int32
	srv := &http.Server{Addr: os.Getenv("LISTEN_ADDR"), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asks.Add(1) <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_ = os.WriteFile(filepath.Join(os.Getenv("DATA_DIR"), "asks"), []byte(strings.Repeat("x", int(asks.Load()))), 0o644)
	})}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	go func() { <-stop; _ = srv.Close() }()
	_ = srv.ListenAndServe()
	_ = os.WriteFile(filepath.Join(os.Getenv("DATA_DIR"), "stopped"), nil, 0o644)
	os.Exit(0)
}

func TestStartWaitsForReadyThenStops(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(context.Background(), os.Args[0], dir, Options{Env: []string{"BENCHRUN_TEST_SERVE=1"}})
	if err != nil {
		t.Fatal(err)
	}
	asks, err := os.ReadFile(filepath.Join(dir, "asks"))
	if err != nil || len(asks) < 4 {
		t.Fatalf("ready after %d asks (%v), want the fourth, after three 503s", len(asks), err)
	}
	if s.Ready <= 0 || !strings.HasPrefix(s.Base, "http://127.0.0.1:") {
		t.Fatalf("Ready %v, Base %q", s.Ready, s.Base)
	}
	if cur, peak := s.RSS(); cur <= 0 || peak < cur {
		t.Fatalf("RSS %v MiB, peak %v", cur, peak)
	}
	s.Stop()
	if _, err := os.Stat(filepath.Join(dir, "stopped")); err != nil {
		t.Fatalf("the server did not stop gracefully on SIGINT: %v", err)
	}
	if !s.Cmd.ProcessState.Exited() || s.Cmd.ProcessState.ExitCode() != 0 {
		t.Fatalf("process state %v", s.Cmd.ProcessState)
	}
	if d := s.Stop(); d != 0 {
		t.Fatalf("a second Stop took %v, want 0 (nothing left to stop)", d)
	}
}

// The server's memory is its process tree's: a server that hashes in
// child processes must not look smaller for it.
func TestRSSCountsTheChildren(t *testing.T) {
	dir := t.TempDir()
	s, err := Start(context.Background(), os.Args[0], dir, Options{Env: []string{"BENCHRUN_TEST_SERVE=1", "BENCHRUN_TEST_CHILD=1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	b, err := os.ReadFile(filepath.Join(dir, "child"))
	if err != nil {
		t.Fatal(err)
	}
	child, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	if pids := tree(s.Cmd.Process.Pid); !slices.Contains(pids, child) {
		t.Fatalf("tree %v lacks the child %d", pids, child)
	}
	own, _ := procRSS(child)
	if cur, _ := s.RSS(); own <= 0 || cur < own {
		t.Fatalf("RSS %v MiB, the child's alone %v", cur, own)
	}
}

func TestStartReportsAnEarlyExit(t *testing.T) {
	_, err := Start(context.Background(), os.Args[0], t.TempDir(), Options{Env: []string{"BENCHRUN_TEST_SERVE=exit"}, Within: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Fatalf("err %v, want the early exit reported", err)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 1000; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	rand.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
	before := slices.Clone(ds)
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{.5, 500 * time.Millisecond}, {.99, 990 * time.Millisecond}, {1, time.Second}, {.0001, time.Millisecond}} {
		if got := Percentile(ds, c.p); got != c.want {
			t.Errorf("p%v of 1..1000 ms = %v, want %v", c.p*100, got, c.want)
		}
	}
	if !slices.Equal(ds, before) {
		t.Error("Percentile reordered its input")
	}
	if got := Percentile(ds[:3], .99); got != slices.Max(ds[:3]) {
		t.Errorf("p99 of 3 samples = %v, want the largest", got)
	}
	if got := Percentile(nil, .5); got != 0 {
		t.Errorf("p50 of none = %v, want 0", got)
	}
}

func TestCopyDir(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "f"), []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	if err := CopyDir(src, dst); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "f")); err != nil || string(b) != "data" {
		t.Fatalf("copied %q, %v", b, err)
	}
	if err := CopyDir(src, dst); err == nil {
		t.Fatal("a copy onto an existing directory was made, want an error")
	}
}
