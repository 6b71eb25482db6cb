// Command scalebench measures the platform at the size of a whole city
// against the demo set, through HTTP, on the embedded default (FerretDB and
// bleve in a temporary DATA_DIR).
//
// It builds, in bulk through the store, a small city and a full-size one
// (3,000 published and 3,000 draft startups, 2,000 investors, 150 spaces,
// 50,000 accounts, 1,000,000 notifications, 300 ended roadshows with 2,000
// room events each) and their search indexes with the binary's reindex
// command. Then it starts the real server binary on the demo set and on
// each city, one after the other, and measures every main call on the
// three side by side: each round of a call on every server before the next
// round on any, so that a ratio between two compares the same moments of
// the machine. The small city is the full one's shape at the demo set's
// size (-small): the demo set's answers may hold less than the city's
// (fewer notifications per account, smaller rooms), so only a city of the
// same shape tells what size alone costs. It prints p50 and p99 of each
// call in the three, the full city's ratios to the other two, the start
// times and memory, and writes the table to
// docs/bench/scalebench.md.
//
//	make scalebench
//	go run ./scripts/scalebench -bin bin/yuechuang [-n 300] [-w 100]
//
// To measure again without building again, keep a run's city (-keep), copy
// it, and give the copy with -city: a run changes the city it measures.
//
//	cp -a /tmp/scalebench-N/city /tmp/city-copy
//	go run ./scripts/scalebench -city /tmp/city-copy -out ""
//
// To compare two binaries (before and after a change), give the second
// with -vs and a second copy of the city with -vscity: both get their own
// servers, measured in the same rounds. -gctrace sets the collector's work
// beside the calls, -profiles takes each server's heap profile, and
// -warmrooms makes the calls meet servers holding their rooms
// (docs/bench/heap.md). -n 0 measures the sign-ups, sign-ins and writes
// only, and -trace writes every call's start and time to a file
// (docs/bench/checkpoint.md).
//
//	go run ./scripts/scalebench -bin NEW -vs OLD -city COPY1 -vscity COPY2 -small 0 -out "" -gctrace
//	go run ./scripts/scalebench -bin NEW -vs OLD -city COPY1 -vscity COPY2 -small 0 -out "" -n 0 -trace /tmp/calls.tsv
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchdoc"
	"github.com/yuechuang/yuechuang/scripts/benchrun"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
	"github.com/yuechuang/yuechuang/server/seed"
)

func main() {
	if kdfproc.IsChild() { // this tool's hashing child (benchrun.ReferenceHasher)
		os.Exit(kdfproc.ServeChild())
	}
	bin := flag.String("bin", "bin/yuechuang", "the server binary")
	out := flag.String("out", "docs/bench/scalebench.md", "where the table goes (empty: stdout only)")
	n := flag.Int("n", 3000, "samples per read call (a p99 of 3,000 is the 31st slowest; of 1,000 it was the 11th, and the p99s of the calls under a few milliseconds moved from run to run by more than their city/demo ratio's margin); 0 for none: the sign-ups, sign-ins and writes only")
	nw := flag.Int("w", 300, "samples per write call")
	logins := flag.Int("logins", 300, "rounds of a hash, a sign-up and a sign-in (argon2 each)")
	notes := flag.Int("notifications", fullCity.Notifications, "notifications in the full-size city")
	keep := flag.Bool("keep", false, "keep the temporary data directories")
	kept := flag.String("city", "", "measure this city, built and kept (-keep) by an earlier run, instead of building one; the run changes it, so give it a copy")
	scale := flag.Float64("scale", 1, "size of the city relative to the full one (a quick try: 0.05)")
	smallShare := flag.Float64("small", 0.05, "size of the small city relative to the full one: the full city's shape (notifications per account, events per room, startups per space) at the demo set's size; 0 for none")
	budget := flag.Duration("budget", 25*time.Minute, "give up after this long")
	vs := flag.String("vs", "", "also measure this binary (say, the one before a change) beside -bin, each call's rounds alternating over all the servers: its own demo set and its own copies of the cities; the tables go to stdout only")
	vsCity := flag.String("vscity", "", "with -city and -vs: the -vs binary's copy of the kept city")
	warm := flag.Bool("warmrooms", false, "read every roadshow's record once on each server before the calls, so that the calls meet a server holding its rooms, as one that has run a while does (the record's first-read row then has no samples)")
	gctrace := flag.Bool("gctrace", false, "run every server with GODEBUG=gctrace=1 and print the collector's work during the reads")
	profiles := flag.String("profiles", "", "serve pprof on each server (YC_PPROF_ADDR) and write its heap profile, taken after a collection once the calls are done, to this directory")
	flag.DurationVar(&callBudget, "calltime", callBudget, "most time spent measuring one call")
	trace := flag.String("trace", "", "write every call's start and time to this file (trace.go)")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *budget)
	defer cancel()
	began := time.Now()
	size := fullCity
	size.Notifications = *notes
	if *scale != 1 {
		size = size.scaled(*scale)
	}

	tmp, err := os.MkdirTemp("", "scalebench-")
	if err != nil {
		log.Fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(tmp)
	}
	var smallSize citySize
	var smallSteps []string
	if *smallShare > 0 {
		smallSize = size.scaled(*smallShare)
		smallSteps = build(ctx, *bin, "small city", filepath.Join(tmp, "small"), smallSize)
	}
	cityDir := filepath.Join(tmp, "city")
	steps, buildTook := []string{}, time.Duration(0)
	if *kept != "" {
		cityDir = *kept
		steps = append(steps, "not in this run: the city kept at "+cityDir+" by an earlier one, with whatever that run and any since changed in it")
	} else {
		buildStart := time.Now()
		steps = build(ctx, *bin, "full-size city", cityDir, size)
		buildTook = time.Since(buildStart)
	}

	// The servers start one at a time, each start timed alone, and stay up
	// until every call has been measured on all of them in turn.
	f := &fleet{ctx: ctx, gctrace: *gctrace, profiles: *profiles}
	if *trace != "" {
		if f.trace, err = newCallTrace(*trace); err != nil {
			log.Fatal(err)
		}
		defer f.trace.close()
	}
	smallDir := ""
	if *smallShare > 0 {
		smallDir = filepath.Join(tmp, "small")
	}
	runs := []*binRun{f.startBin(*bin, map[bool]string{true: "-bin"}[*vs != ""], tmp, smallDir, cityDir)}
	if *vs != "" {
		vsSmall, vsCity := "", *vsCity
		if smallDir != "" {
			vsSmall = smallDir + "-vs"
			if err := benchrun.CopyDir(smallDir, vsSmall); err != nil {
				log.Fatal(err)
			}
		}
		if vsCity == "" {
			if *kept != "" {
				log.Fatal("-vs with -city needs -vscity, a second copy of the city")
			}
			vsCity = cityDir + "-vs"
			if err := benchrun.CopyDir(cityDir, vsCity); err != nil {
				log.Fatal(err)
			}
		}
		runs = append(runs, f.startBin(*vs, "-vs", tmp, vsSmall, vsCity))
	}
	if *gctrace {
		onCall = func(name string, write bool) {
			for _, w := range f.watches {
				w.setPhase(name, write)
			}
		}
	}
	if *warm {
		for _, t := range f.targets {
			if err := t.readRooms(); err != nil {
				f.fail("%s: %v", t.name, err)
			}
		}
	}
	hasher, closeHasher, err := benchrun.ReferenceHasher()
	if err != nil {
		f.fail("%v", err)
	}
	defer closeHasher()
	before := benchrun.LoadAvg()
	measuring := time.Now()
	if err := measureAll(f.targets, *n, *nw, *logins, hasher); err != nil {
		f.fail("%v", err)
	}
	loads := fmt.Sprintf("%s → %s over %s of calls", before, benchrun.LoadAvg(), time.Since(measuring).Round(time.Second))
	calls, collected := 0, 0
	for _, t := range f.targets {
		calls, collected = calls+t.c.calls, collected+t.c.collected
	}
	toolGC := fmt.Sprintf("the tool's own collector runs between rounds, its pacer off (toolgc.go); timed HTTP calls during which one of its collections ended: %d of %d", collected, calls)
	log.Print(toolGC)
	scans, gcTable := f.finish()
	log.Printf("scans on the embedded engine once ready: %s", strings.Join(scans, "; "))

	demo, small, city := runs[0].demo, runs[0].small, runs[0].city
	if len(runs) > 1 {
		fmt.Printf("-bin %s, its servers:\n\n%s\n", *bin, report(demo, small, city))
		fmt.Printf("-vs %s, its servers:\n\n%s\n", *vs, report(runs[1].demo, runs[1].small, runs[1].city))
		fmt.Printf("-vs → -bin:\n\n%s\n", compare(runs[1], runs[0]))
	}
	if gcTable != "" {
		fmt.Printf("The collector during the reads (GODEBUG=gctrace=1):\n\n%s\n", gcTable)
	}
	if len(runs) > 1 {
		return // the two binaries' tables are for the reader, not for docs/bench/scalebench.md
	}
	table := report(demo, small, city)
	fmt.Println(table)
	if *out == "" {
		return
	}
	commit := benchdoc.Commit(".")
	var b strings.Builder
	fmt.Fprintf(&b, "# scalebench: the whole city on one machine\n\n")
	fmt.Fprintf(&b, "Measured at commit `%s` on %s; 1-minute load average %s at the end.\n\n", commit, time.Now().UTC().Format("2006-01-02 15:04 UTC"), benchrun.LoadAvg())
	fmt.Fprintf(&b, "- commit `%s`, %s\n", commit, time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- command: %s\n", commandLine(flag.CommandLine))
	fmt.Fprintf(&b, "- city: %s\n", size)
	if small != nil {
		fmt.Fprintf(&b, "- small city: the same generator at %g of the city's size, so with the city's notifications per account, events per roadshow and startups per space (the demo set has %d startups and %d investors), built in this run: %s\n",
			*smallShare, seed.DefaultSizes.Startups, seed.DefaultSizes.Investors, smallSize)
		for _, s := range smallSteps {
			fmt.Fprintf(&b, "  - %s\n", s)
		}
	}
	fmt.Fprintf(&b, "- machine: 2 cores; 1-minute load average %s. Other work on the machine makes the absolute figures noisy\n", loads)
	fmt.Fprintf(&b, "- embedded default (FerretDB v1 on SQLite, bleve), no `MONGODB_URI`; calls one at a time from one client on loopback, each as one of many users with varied inputs (ids, filters, pages, queries drawn at random from what the API lists)\n")
	fmt.Fprintf(&b, "- %s\n", toolGC)
	fmt.Fprintf(&b, "- scans on the embedded engine once ready (the servers' log lines \"%s\", server/mongo/scanwatch.go): %s\n", scanLine, strings.Join(scans, "; "))
	fmt.Fprintf(&b, "- the servers run side by side and each call is measured on all of them in turn (a read's round i on each before round i+1 on any, the first of each round rotating; writes in turns of %d back-to-back rounds on one server, then a %s pause before the next server's turn, so that one server's background writes do not land on another's), so that every ratio compares the same moments of the machine; each server's start is timed alone, before any call; the sign-ups, sign-ins and writes come first, then the reads, which so meet the publishes' match alerts waiting as fan-out drops in their recipients' lists, as in a live city\n", writeTurn, writeSettle)
	if *kept != "" {
		fmt.Fprintf(&b, "- full-size city (the size above is what this run would build; a kept city has the size its run built):\n")
	} else {
		fmt.Fprintf(&b, "- full-size city built in %s (not part of the start time):\n", buildTook.Round(time.Second))
	}
	for _, s := range steps {
		fmt.Fprintf(&b, "  - %s\n", s)
	}
	fmt.Fprintf(&b, "- whole run: %s\n\n", time.Since(began).Round(time.Second))
	b.WriteString(table)
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s", *out)
}

// half is one server's measured calls, start time and memory.
type half struct {
	samples   []*sample
	start     time.Duration
	rss, peak float64
}

func (h *half) byName() map[string]*sample {
	m := map[string]*sample{}
	if h != nil {
		for _, s := range h.samples {
			m[s.name] = s
		}
	}
	return m
}

// report renders the table: each call's p50 and p99 on the demo set, the
// small city (when measured) and the full city, the full city's ratios to
// each, and the target from issue 12.
func report(demo, small, city *half) string {
	var b strings.Builder
	b.WriteString("| call | demo p50 | demo p99 |")
	if small != nil {
		b.WriteString(" small city p50 | small city p99 |")
	}
	b.WriteString(" city p50 | city p99 | city/demo p50 | city/demo p99 |")
	if small != nil {
		b.WriteString(" city/small p50 | city/small p99 |")
	}
	b.WriteString(" target (city p99) |\n|---|---|---|")
	if small != nil {
		b.WriteString("---|---|---|---|")
	}
	b.WriteString("---|---|---|---|---|\n")
	demoBy, smallBy := demo.byName(), small.byName()
	argon2 := 0.0
	for _, c := range city.samples {
		if c.name == argon2Row {
			argon2 = c.pct(0.99)
		}
	}
	ratio := func(c, d *sample, p float64) string {
		if d == nil || d.pct(p) <= 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f", c.pct(p)/d.pct(p))
	}
	ms := func(s *sample, p float64) string {
		if s == nil {
			return "–"
		}
		return fmt.Sprintf("%.1f ms", s.pct(p))
	}
	for _, c := range city.samples {
		d, sm := demoBy[c.name], smallBy[c.name]
		target := "≤ 20 ms"
		switch {
		case c.name == argon2Row:
			target = "(the floor of the two rows below)"
		case c.diagnostic:
			target = "(a diagnostic: no target of its own)"
		case c.name == "sign-in" || c.name == "sign-up":
			target = fmt.Sprintf("argon2 + ≤ 10 ms: ≤ %.1f ms", argon2+10)
		case c.write:
			target = "≤ 50 ms"
		}
		name := c.name
		if c.note != "" {
			name += " (" + c.note + ")"
		}
		if c.held != "" && d != nil {
			if sm != nil {
				name += fmt.Sprintf(" (demo: %s; small city: %s; city: %s)", d.held, sm.held, c.held)
			} else {
				name += fmt.Sprintf(" (demo: %s; city: %s)", d.held, c.held)
			}
		}
		var failed []string
		for _, h := range []struct {
			name string
			s    *sample
		}{{"demo", d}, {"small city", sm}, {"city", c}} {
			if h.s != nil && h.s.failed > 0 {
				failed = append(failed, fmt.Sprintf("%d failed calls on the %s", h.s.failed, h.name))
			}
			if h.s != nil && h.s.cut {
				failed = append(failed, fmt.Sprintf("stopped at the %s budget after %d calls on the %s", callBudget, len(h.s.ds), h.name))
			}
		}
		if len(failed) > 0 {
			name += " — " + strings.Join(failed, ", ")
		}
		fmt.Fprintf(&b, "| %s | %s | %s |", name, ms(d, 0.5), ms(d, 0.99))
		if small != nil {
			fmt.Fprintf(&b, " %s | %s |", ms(sm, 0.5), ms(sm, 0.99))
		}
		fmt.Fprintf(&b, " %s | %s | %s | %s |", ms(c, 0.5), ms(c, 0.99), ratio(c, d, 0.5), ratio(c, d, 0.99))
		if small != nil {
			fmt.Fprintf(&b, " %s | %s |", ratio(c, sm, 0.5), ratio(c, sm, 0.99))
		}
		fmt.Fprintf(&b, " %s |\n", target)
	}
	row := func(cells ...string) { fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | ")) }
	secs := func(h *half) string { return fmt.Sprintf("%.1f s", h.start.Seconds()) }
	mib := func(h *half) string { return fmt.Sprintf("%.0f MiB (%.0f)", h.rss, h.peak) }
	for _, r := range []struct {
		name, target string
		cell         func(*half) string
		value        func(*half) float64
	}{
		{"start (exec → /readyz 200)", "≤ 20 s", secs, func(h *half) float64 { return h.start.Seconds() }},
		{"RSS after the calls (peak)", "≤ 1.5 GiB", mib, func(h *half) float64 { return h.rss }},
	} {
		cells := []string{r.name, r.cell(demo), ""}
		if small != nil {
			cells = append(cells, r.cell(small), "")
		}
		cells = append(cells, r.cell(city), "", fmt.Sprintf("%.2f", r.value(city)/r.value(demo)), "")
		if small != nil {
			cells = append(cells, fmt.Sprintf("%.2f", r.value(city)/r.value(small)), "")
		}
		row(append(cells, r.target)...)
	}
	return b.String()
}

// build makes a full-size city in dir in bulk through the store and builds
// its search index with the binary's reindex command; it returns the steps
// with their counts and times.
func build(ctx context.Context, bin, name, dir string, size citySize) []string {
	var steps []string
	log.Printf("%s: building in %s", name, dir)
	err := buildCity(ctx, dir, size, func(step string, count int, took time.Duration) {
		line := fmt.Sprintf("%s: %d in %s", step, count, took.Round(time.Millisecond))
		log.Print("  " + line)
		steps = append(steps, line)
	})
	if err != nil {
		log.Fatalf("build: %v", err)
	}
	reindexStart := time.Now()
	cmd := exec.CommandContext(ctx, bin, "reindex")
	cmd.Env = append(os.Environ(), "DATA_DIR="+dir, "SEED_DEMO=false", "LOG_LEVEL=warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Fatalf("reindex: %v", err)
	}
	return append(steps, fmt.Sprintf("search index (`yuechuang reindex`): %s", time.Since(reindexStart).Round(time.Millisecond)))
}

// commandLine says how this run was started: `make scalebench` only when
// no flag but the binary, the output and -keep (which keeps the city
// afterwards) was given (a kept city, fewer samples or another size is
// not what the make target measures), and the flags given either way.
func commandLine(fs *flag.FlagSet) string {
	given := []string{"go run ./scripts/scalebench"}
	byMake := true
	fs.Visit(func(f *flag.Flag) {
		given = append(given, "-"+f.Name+" "+f.Value.String())
		if f.Name != "bin" && f.Name != "out" && f.Name != "keep" {
			byMake = false
		}
	})
	cmd := "`" + strings.Join(given, " ") + "`"
	if byMake {
		return "`make scalebench` (" + cmd + ", every other flag at its default)"
	}
	return cmd + " (not `make scalebench`'s flags: every flag not shown at its default)"
}
