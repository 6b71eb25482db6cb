package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

// fleet is the servers of a run: for each binary (-bin, and -vs when
// given) one on the demo set, one on the small city (when measured) and
// one on the full city, all measured side by side.
type fleet struct {
	ctx      context.Context
	gctrace  bool       // GODEBUG=gctrace=1 on every server, summed by call
	profiles string     // where each server's heap profile goes after the calls ("" for none)
	trace    *callTrace // every call's start and time (-trace), or nil
	servers  []*server
	targets  []*target
	halves   []*half
	watches  []*gcWatch
	pprof    []string // each server's pprof address ("" for none)
}

// binRun is one binary's three halves.
type binRun struct {
	label             string
	demo, small, city *half
}

func (f *fleet) stopAll() {
	for _, s := range f.servers {
		s.Stop()
	}
}

func (f *fleet) fail(format string, args ...any) {
	f.stopAll()
	log.Fatalf(format, args...)
}

// start runs bin on dir as name and finds what to act on through its API.
func (f *fleet) start(bin, name, dir string, env ...string) *half {
	log.Printf("%s: starting the server", name)
	var w *gcWatch
	var logTo io.Writer
	if f.gctrace {
		w = newGCWatch()
		logTo = io.MultiWriter(os.Stderr, w)
		env = append(env, "GODEBUG=gctrace=1,gcpacertrace=1")
	}
	addr := ""
	if f.profiles != "" {
		a, err := benchrun.FreeAddr()
		if err != nil {
			f.fail("%s: %v", name, err)
		}
		addr = a
		env = append(env, "YC_PPROF_ADDR="+addr)
	}
	s, err := startServer(f.ctx, bin, dir, logTo, env...)
	if err != nil {
		f.fail("%s: %v", name, err)
	}
	f.servers = append(f.servers, s)
	log.Printf("%s: ready after %s (pid %d, pprof %q)", name, s.Ready.Round(time.Millisecond), s.Cmd.Process.Pid, addr)
	t, err := newTarget(name, s.Base)
	if err != nil {
		f.fail("%s: %v", name, err)
	}
	if f.trace != nil {
		t.c.trace = f.trace.writer(name)
	}
	f.targets = append(f.targets, t)
	f.watches = append(f.watches, w)
	f.pprof = append(f.pprof, addr)
	h := &half{start: s.Ready}
	f.halves = append(f.halves, h)
	return h
}

// startBin starts one binary's servers: its own demo set in tmp, and the
// cities at smallDir ("" for none) and cityDir.
func (f *fleet) startBin(bin, label, tmp, smallDir, cityDir string) *binRun {
	suffix := ""
	if label != "" {
		suffix = ", " + label
	}
	r := &binRun{label: label}
	r.demo = f.start(bin, "demo set"+suffix, filepath.Join(tmp, "demo"+strings.TrimPrefix(label, "-")), "SEED_DEMO=true")
	if smallDir != "" {
		r.small = f.start(bin, "small city"+suffix, smallDir, "SEED_DEMO=false")
	}
	r.city = f.start(bin, "full-size city"+suffix, cityDir, "SEED_DEMO=false")
	return r
}

// finish reads each server's rows, memory and scans once the calls are
// done, writes the heap profiles (-profiles) and stops the servers; it
// returns the scans line and the collector's table ("" without -gctrace).
func (f *fleet) finish() (scans []string, gc string) {
	var names []string
	for i, h := range f.halves {
		t, s := f.targets[i], f.servers[i]
		h.samples = t.rows()
		h.rss, h.peak = s.RSS()
		scans = append(scans, fmt.Sprintf("%s %d", t.name, s.scans.count()))
		names = append(names, t.name)
		if f.pprof[i] != "" {
			f.heapProfile(t.name, f.pprof[i])
		}
	}
	if f.gctrace {
		gc = gcReport(names, f.watches) + "\nBy call (each during the call's rounds on all the servers):\n\n" + gcByCall(names, f.watches)
	}
	f.stopAll()
	return scans, gc
}

// heapProfile writes a server's heap profile, taken after a collection
// (so its in-use figures are the live heap), to the profiles directory.
func (f *fleet) heapProfile(name, addr string) {
	if err := os.MkdirAll(f.profiles, 0o755); err != nil {
		log.Printf("profiles: %v", err)
		return
	}
	res, err := http.Get("http://" + addr + "/debug/pprof/heap?gc=1")
	if err != nil {
		log.Printf("%s: heap profile: %v", name, err)
		return
	}
	defer res.Body.Close()
	file := filepath.Join(f.profiles, strings.NewReplacer(" ", "-", ",", "").Replace(name)+".heap")
	out, err := os.Create(file)
	if err == nil {
		_, err = io.Copy(out, res.Body)
		out.Close()
	}
	if err != nil {
		log.Printf("%s: heap profile: %v", name, err)
		return
	}
	log.Printf("%s: heap profile in %s", name, file)
}

// compare is a table of each call's p50 and p99 on the two binaries'
// servers, and the city's ratios to the demo set (and the small city) on
// each: before → after.
func compare(was, now *binRun) string {
	var b strings.Builder
	b.WriteString("| call | demo p99 | city p50 | city p99 | city/demo p50 | city/demo p99 |")
	if now.small != nil {
		b.WriteString(" city/small p99 |")
	}
	b.WriteString("\n|---|---|---|---|---|---|")
	if now.small != nil {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	pair := func(a, c *sample, p float64) string {
		if a == nil || c == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f → %.1f ms", a.pct(p), c.pct(p))
	}
	ratio := func(c, d *sample, p float64) float64 {
		if c == nil || d == nil || d.pct(p) <= 0 {
			return 0
		}
		return c.pct(p) / d.pct(p)
	}
	ratios := func(wc, wd, nc, nd *sample, p float64) string {
		return fmt.Sprintf("%.2f → %.2f", ratio(wc, wd, p), ratio(nc, nd, p))
	}
	wDemo, wSmall, wCity := was.demo.byName(), was.small.byName(), was.city.byName()
	nDemo, nSmall := now.demo.byName(), now.small.byName()
	for _, c := range now.city.samples {
		wc := wCity[c.name]
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |", c.name, pair(wDemo[c.name], nDemo[c.name], 0.99), pair(wc, c, 0.5), pair(wc, c, 0.99),
			ratios(wc, wDemo[c.name], c, nDemo[c.name], 0.5), ratios(wc, wDemo[c.name], c, nDemo[c.name], 0.99))
		if now.small != nil {
			fmt.Fprintf(&b, " %s |", ratios(wc, wSmall[c.name], c, nSmall[c.name], 0.99))
		}
		b.WriteString("\n")
	}
	mib := func(h *half) string { return fmt.Sprintf("%.0f MiB (peak %.0f)", h.rss, h.peak) }
	fmt.Fprintf(&b, "| RSS after the calls | %s → %s | | %s → %s | | |\n", mib(was.demo), mib(now.demo), mib(was.city), mib(now.city))
	return b.String()
}

// readRooms reads every roadshow's record once (-warmrooms).
func (t *target) readRooms() error {
	began := time.Now()
	for _, room := range t.w.roadshows {
		if code, body, _ := t.c.do("GET", "/api/v1/roadshows/"+room+"/record", t.c.token(t.w.admin), nil); code != 200 {
			return fmt.Errorf("record of %s: %d %.200s", room, code, body)
		}
	}
	log.Printf("%s: read %d rooms' records in %s", t.name, len(t.w.roadshows), time.Since(began).Round(time.Millisecond))
	return nil
}
