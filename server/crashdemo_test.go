package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/seed"
)

// TestDemoLoadCompletesAfterKill kills the real process (SIGKILL) at every
// step the demo load names (seed.Deps.AfterStep), one start after another
// on the same data: each start resumes the load the last one left and
// dies at the next step. The start after the last kill completes the set,
// and it is the set an uninterrupted start loads: the same profiles,
// roadshows, past records and plan services (seed.Services' steps too:
// mentors, providers, the ledger and its correction, the alliance's events,
// registrations and judged contest), the same search index, each founder's
// interest note under its key.
func TestDemoLoadCompletesAfterKill(t *testing.T) {
	// The steps are read from an uninterrupted load's log rather than
	// listed here, so that a step the load gains is killed at too.
	steps, whole := demoLoadSteps(t)
	for _, s := range []string{"startups", "roadshow1", "interest notes", "past1", "history", "services:accounts", "services:mentors created",
		"services:payments", "services:contest judged", "services"} {
		if !slices.Contains(steps, s) { // the points earlier bugs were found at
			t.Fatalf("the demo load's steps %q lack %q", steps, s)
		}
	}
	t.Logf("killing the load at each of %q", steps)
	dir := t.TempDir()
	for _, step := range steps {
		killDemoLoadAt(t, dir, step)
	}
	proc, base := startProcess(t, dir, "SEED_DEMO=true")
	code, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "founder@demo.yuechuang.cn", "password": seed.DemoPassword})
	if code != 200 {
		t.Fatalf("demo founder after an interrupted load: %d %v", code, login)
	}
	got, want := demoCounts(t, base), demoCounts(t, whole)
	if got != want {
		t.Fatalf("after loads killed at %q: %s; an uninterrupted load: %s", steps, got, want)
	}
	t.Logf("after the killed loads, as uninterrupted: %s", got)
	wholeRecs := readRecords(t, whole)
	if len(wholeRecs) != 2 {
		t.Fatalf("%d past roadshows in the uninterrupted load", len(wholeRecs))
	}
	for id, rec := range readRecords(t, base) {
		w := wholeRecs[id]
		if len(rec.Chat) != len(w.Chat) || len(rec.Questions) != len(w.Questions) || rec.Attendance.Unique != w.Attendance.Unique || len(rec.Chat) == 0 {
			t.Fatalf("past roadshow %s after interrupted loads: %d chat, %d questions, %d attended; uninterrupted: %d, %d, %d", id,
				len(rec.Chat), len(rec.Questions), rec.Attendance.Unique, len(w.Chat), len(w.Questions), w.Attendance.Unique)
		}
	}
	_, list := call(t, "GET", base+"/api/v1/startups?pageSize=1", "", nil)
	searchTotal(t, base, "?type=startup", int(list["total"].(float64)))
	// The keys are read from the store: the process is stopped and its data
	// opened here.
	_ = proc.Process.Kill()
	_ = proc.Wait()
	m, _ := startMain(t, testConfig(t, dir))
	counted, founders := foundersTold(t, m, "http://"+m.Addr())
	for sid, n := range counted {
		if founders[sid] != (told{n, n}) {
			t.Errorf("startup %s after interrupted loads: its founder was told %d times (%d under their key), its record counts %d", sid, founders[sid].notes, founders[sid].keyed, n)
		}
	}
	if len(counted) == 0 {
		t.Fatal("no interest counted in the past roadshows after interrupted loads")
	}
}

// demoLoadSteps starts a server process that loads the demo set into a
// new directory uninterrupted, and returns the steps its load named (its
// debug lines "demo data step stored", startup.go), in order, and its
// base URL.
func demoLoadSteps(t *testing.T) ([]string, string) {
	t.Helper()
	var mu sync.Mutex
	var steps []string
	loaded := make(chan struct{})
	_, base := startProcessLog(t, t.TempDir(), func(line map[string]any) {
		switch line["msg"] {
		case "demo data step stored":
			mu.Lock()
			steps = append(steps, fmt.Sprint(line["step"]))
			mu.Unlock()
		case "demo data loaded": // after the last step, before ready
			close(loaded)
		}
	}, "SEED_DEMO=true", "LOG_LEVEL=debug")
	select {
	case <-loaded:
	case <-time.After(time.Minute): // a guard against a hang, not a timing
		t.Fatal("the uninterrupted start, ready, never logged \"demo data loaded\"")
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(steps), base
}

// killDemoLoadAt starts a server process on dir that loads (or resumes
// loading) the demo set and kills itself with SIGKILL once step is stored
// (YC_TEST_CRASH_AFTER), and fails t unless it died so.
func killDemoLoadAt(t *testing.T, dir, step string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "YC_RUN_SERVER=1", "DATA_DIR="+dir, "LISTEN_ADDR=127.0.0.1:0", "SEED_DEMO=true",
		"LOG_LEVEL=error", "YC_TEST_CRASH_AFTER=demo:"+step)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A start that never reaches step would serve for good: stopped
	// gracefully after a while, it fails below.
	guard := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Signal(syscall.SIGTERM) })
	err := cmd.Wait()
	guard.Stop()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("load killed at %s: the process ended with %v, not killed", step, err)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("load killed at %s: the process ended with %v, not by its SIGKILL", step, err)
	}
}

// demoCounts says how much of the demo set the server at base serves: the
// profiles, roadshows, and the plan's services (seedServices).
func demoCounts(t *testing.T, base string) string {
	t.Helper()
	total := func(path string) any {
		code, body := call(t, "GET", base+path, "", nil)
		if code != 200 {
			t.Fatalf("GET %s: %d %v", path, code, body)
		}
		return body["total"]
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	_, cal := call(t, "GET", base+"/api/v1/calendar?from="+today.AddDate(0, 0, -60).Format(time.DateOnly)+"&to="+today.AddDate(0, 0, 120).Format(time.DateOnly), "", nil)
	items, _ := cal["items"].([]any)
	// What a write the load skipped or made twice inside an item leaves:
	// the registrations, and each contest's stage (a past contest left
	// open or unjudged).
	registered, stages := 0.0, map[string]int{}
	for _, it := range items {
		it := it.(map[string]any)
		registered += it["registered"].(float64)
		if st, ok := it["contestStage"].(string); ok {
			stages[st]++
		}
	}
	return fmt.Sprint(total("/api/v1/startups?pageSize=1"), " startups, ", total("/api/v1/investors?pageSize=1"), " investors, ",
		total("/api/v1/spaces?pageSize=1"), " spaces, ", total("/api/v1/roadshows"), " roadshows, ", total("/api/v1/roadshows?status=ended"), " ended, ",
		total("/api/v1/mentors"), " mentors, ", total("/api/v1/providers"), " providers, ", total("/api/v1/ledger?district="), " payments, ",
		total("/api/v1/ledger?history=true"), " with corrected ones, ", len(items), " calendar items, ", registered, " registrations, contests by stage ", stages)
}
