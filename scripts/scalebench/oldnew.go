package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

// oldNew measures the writes (sign-ups and sign-ins, profile saves,
// publishes) of two binaries side by side: old and new each on its own
// demo set, and, when city is given, each on its own copy of it, four
// servers measured in measureAll's turns. With trace set, every call of
// the run is written there as a line: server, method, path, the start
// (Unix µs), the time taken (µs) and the status, so that a slow write can
// be laid beside what its server did at that moment (an strace of its
// fsyncs, the size of its WAL).
//
//	go run ./scripts/scalebench -old /tmp/yc-base-41f7733 -bin bin/yuechuang -city /tmp/city-kept -w 300 -logins 100
//
// city is copied (never run on).
func oldNew(ctx context.Context, oldBin, newBin, city string, nw, logins int, trace string) error {
	tmp, err := os.MkdirTemp("", "scalebench-oldnew-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var traceMu sync.Mutex
	var traceOut *os.File
	if trace != "" {
		if traceOut, err = os.Create(trace); err != nil {
			return err
		}
		defer traceOut.Close()
	}
	var servers []*server
	defer func() {
		for _, s := range servers {
			s.Stop()
		}
	}()
	var targets []*target
	start := func(name, bin, dir string, env ...string) error {
		s, err := startServer(ctx, bin, dir, nil, env...)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		servers = append(servers, s)
		log.Printf("%s (%s, pid %d, %s): ready after %s", name, bin, s.Cmd.Process.Pid, dir, s.Ready.Round(time.Millisecond))
		t, err := newTarget(name, s.Base)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if traceOut != nil {
			t.c.trace = func(method, path string, began time.Time, d time.Duration, code int) {
				traceMu.Lock()
				defer traceMu.Unlock()
				fmt.Fprintf(traceOut, "%s\t%s\t%s\t%d\t%d\t%d\n", strings.ReplaceAll(name, " ", "_"), method, path, began.UnixMicro(), d.Microseconds(), code)
			}
		}
		targets = append(targets, t)
		return nil
	}
	bins := []struct{ name, bin string }{{"old", oldBin}, {"new", newBin}}
	for _, b := range bins {
		if err := start("demo set "+b.name, b.bin, filepath.Join(tmp, "demo-"+b.name), "SEED_DEMO=true"); err != nil {
			return err
		}
	}
	if city != "" {
		for _, b := range bins {
			dir := filepath.Join(tmp, "city-"+b.name)
			if err := benchrun.CopyDir(city, dir); err != nil {
				return err
			}
			if err := start("city "+b.name, b.bin, dir, "SEED_DEMO=false"); err != nil {
				return err
			}
		}
	}
	for _, t := range targets {
		if logins > 0 {
			t.signIns(logins)
		}
		t.writes(nw)
	}
	before, measuring := benchrun.LoadAvg(), time.Now()
	if err := measureCalls(targets); err != nil {
		return err
	}
	fmt.Printf("\n%d servers; 1-minute load average %s → %s over %s of calls\n\n", len(targets), before, benchrun.LoadAvg(), time.Since(measuring).Round(time.Second))
	fmt.Println("| call | server | old p50 | old p99 | new p50 | new p99 | new/old p50 | new/old p99 |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for i := 0; i+1 < len(targets); i += 2 {
		o, n := targets[i].rows(), targets[i+1].rows()
		where := strings.TrimSuffix(targets[i].name, " old")
		for k, s := range o {
			name := s.name
			if s.failed > 0 || n[k].failed > 0 {
				name += fmt.Sprintf(" — %d, %d failed calls", s.failed, n[k].failed)
			}
			if s.cut || n[k].cut {
				name += fmt.Sprintf(" — stopped at the %s budget after %d calls", callBudget, len(s.ds))
			}
			fmt.Printf("| %s | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s |\n", name, where,
				s.pct(.5), s.pct(.99), n[k].pct(.5), n[k].pct(.99), ratioOf(s.pct(.5), n[k].pct(.5)), ratioOf(s.pct(.99), n[k].pct(.99)))
		}
	}
	return nil
}

func ratioOf(old, new float64) string {
	if old <= 0 || new <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", new/old)
}
