// Command scalebench measures the platform at the size of a whole city
// against the demo set, through HTTP, on the embedded default (FerretDB and
// bleve in a temporary DATA_DIR).
//
// It starts the real server binary on the demo set and measures every main
// call, then builds a full-size city in bulk through the store (3,000
// published and 3,000 draft startups, 2,000 investors, 150 spaces, 50,000
// accounts, 1,000,000 notifications, 300 ended roadshows with 2,000 room
// events each), builds its search index with the binary's reindex command,
// starts the binary on it and measures the same calls. It prints p50 and
// p99 of each beside the demo set's and the ratio, with the start time and
// memory, and writes the table to docs/bench/scalebench.md.
//
//	make scalebench
//	go run ./scripts/scalebench -bin bin/yuechuang [-n 300] [-w 100]
//
// To measure again without building again, keep a run's city (-keep), copy
// it, and give the copy with -city: a run changes the city it measures.
//
//	cp -a /tmp/scalebench-N/city /tmp/city-copy
//	go run ./scripts/scalebench -city /tmp/city-copy -out ""
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
)

func main() {
	bin := flag.String("bin", "bin/yuechuang", "the server binary")
	out := flag.String("out", "docs/bench/scalebench.md", "where the table goes (empty: stdout only)")
	n := flag.Int("n", 300, "samples per read call")
	nw := flag.Int("w", 100, "samples per write call")
	logins := flag.Int("logins", 100, "rounds of a hash, a sign-up and a sign-in (argon2 each)")
	notes := flag.Int("notifications", fullCity.Notifications, "notifications in the full-size city")
	keep := flag.Bool("keep", false, "keep the temporary data directories")
	kept := flag.String("city", "", "measure this city, built and kept (-keep) by an earlier run, instead of building one; the run changes it, so give it a copy")
	scale := flag.Float64("scale", 1, "size of the city relative to the full one (a quick try: 0.05)")
	budget := flag.Duration("budget", 25*time.Minute, "give up after this long")
	flag.DurationVar(&callBudget, "calltime", callBudget, "most time spent measuring one call")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *budget)
	defer cancel()
	began := time.Now()
	size := fullCity
	size.Notifications = *notes
	if *scale != 1 {
		f := func(n int) int { return max(1, int(float64(n)**scale)) }
		size = citySize{Startups: f(size.Startups), Investors: f(size.Investors), Spaces: max(10, f(size.Spaces)), PublishShare: size.PublishShare,
			Accounts: f(size.Accounts), Notifications: f(size.Notifications), Roadshows: f(size.Roadshows), EventsPerShow: size.EventsPerShow}
	}

	tmp, err := os.MkdirTemp("", "scalebench-")
	if err != nil {
		log.Fatal(err)
	}
	if !*keep {
		defer os.RemoveAll(tmp)
	}
	var loads []string
	run := func(name, dir string, env ...string) ([]*sample, *server) {
		before := loadavg()
		defer func() { loads = append(loads, fmt.Sprintf("%s %s → %s", name, before, loadavg())) }()
		log.Printf("%s: starting the server", name)
		s, err := startServer(ctx, *bin, dir, env...)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		log.Printf("%s: ready after %s; measuring", name, s.start.Round(time.Millisecond))
		res, err := measure(s.base, name, *n, *nw, *logins)
		if err != nil {
			s.stop()
			log.Fatalf("%s: %v", name, err)
		}
		return res, s
	}

	demoDir := filepath.Join(tmp, "demo")
	demo, ds := run("demo set", demoDir, "SEED_DEMO=true")
	demoRSS, demoPeak := ds.rss()
	ds.stop()

	cityDir := filepath.Join(tmp, "city")
	steps, buildTook := []string{}, time.Duration(0)
	if *kept != "" {
		cityDir = *kept
		steps = append(steps, "not in this run: the city kept at "+cityDir+" by an earlier one, with whatever that run and any since changed in it")
	} else {
		buildStart := time.Now()
		steps = build(ctx, *bin, cityDir, size)
		buildTook = time.Since(buildStart)
	}
	city, cs := run("full-size city", cityDir, "SEED_DEMO=false")
	cityRSS, cityPeak := cs.rss()
	cs.stop()

	table := report(demo, city, ds.start, cs.start, demoRSS, demoPeak, cityRSS, cityPeak)
	fmt.Println(table)
	if *out == "" {
		return
	}
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	var b strings.Builder
	fmt.Fprintf(&b, "# scalebench: the whole city on one machine\n\n")
	fmt.Fprintf(&b, "Measured at commit `%s` on %s; 1-minute load average %s at the end.\n\n", strings.TrimSpace(string(commit)), time.Now().UTC().Format("2006-01-02 15:04 UTC"), loadavg())
	fmt.Fprintf(&b, "- commit `%s`, %s\n", strings.TrimSpace(string(commit)), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- command: `make scalebench` (`go run ./scripts/scalebench -bin bin/yuechuang -n %d -w %d -logins %d -notifications %d -scale %g%s`)\n", *n, *nw, *logins, *notes, *scale, map[bool]string{true: " -city " + *kept}[*kept != ""])
	fmt.Fprintf(&b, "- city: %d startups (%.0f%% published), %d investors, %d spaces, %d accounts, %d notifications, %d ended roadshows × %d room events\n",
		size.Startups, size.PublishShare*100, size.Investors, size.Spaces, size.Accounts, size.Notifications, size.Roadshows, size.EventsPerShow)
	fmt.Fprintf(&b, "- machine: 2 cores; 1-minute load average before → after each half: %s. Other work on the machine makes the figures noisy; the ratios, from one run, say more than the absolute values\n", strings.Join(loads, "; "))
	fmt.Fprintf(&b, "- embedded default (FerretDB v1 on SQLite, bleve), no `MONGODB_URI`; calls one at a time from one client on loopback, each as one of many users with varied inputs (ids, filters, pages, queries drawn at random from what the API lists)\n")
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

// report renders the table: each call's p50 and p99 on the demo set and the
// full city, the ratio of p99s, and the target from issue 12.
func report(demo, city []*sample, demoStart, cityStart time.Duration, demoRSS, demoPeak, cityRSS, cityPeak float64) string {
	var b strings.Builder
	b.WriteString("| call | demo p50 | demo p99 | city p50 | city p99 | city/demo p50 | city/demo p99 | target (city p99) |\n|---|---|---|---|---|---|---|---|\n")
	byName := map[string]*sample{}
	for _, s := range demo {
		byName[s.name] = s
	}
	argon2 := 0.0
	for _, c := range city {
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
	for _, c := range city {
		d := byName[c.name]
		target := "≤ 20 ms"
		switch {
		case c.name == argon2Row:
			target = "(the floor of the two rows below)"
		case strings.HasPrefix(c.name, excessPrefix):
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
			name += fmt.Sprintf(" (demo: %s; city: %s)", d.held, c.held)
		}
		failed := ""
		if c.failed > 0 || d != nil && d.failed > 0 {
			failed = fmt.Sprintf(" — failed calls: demo %d, city %d", d.failed, c.failed)
		}
		if c.cut || d != nil && d.cut {
			failed += fmt.Sprintf(" — stopped at the %s budget after %d demo / %d city calls", callBudget, len(d.ds), len(c.ds))
		}
		fmt.Fprintf(&b, "| %s%s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s | %s |\n", name, failed, d.pct(0.5), d.pct(0.99), c.pct(0.5), c.pct(0.99),
			ratio(c, d, 0.5), ratio(c, d, 0.99), target)
	}
	fmt.Fprintf(&b, "| start (exec → /readyz 200) | %.1f s | | %.1f s | | %.2f | | ≤ 20 s |\n", demoStart.Seconds(), cityStart.Seconds(), cityStart.Seconds()/demoStart.Seconds())
	fmt.Fprintf(&b, "| RSS after the calls (peak) | %.0f MiB (%.0f) | | %.0f MiB (%.0f) | | %.2f | | ≤ 1.5 GiB |\n", demoRSS, demoPeak, cityRSS, cityPeak, cityRSS/demoRSS)
	return b.String()
}

// build makes a full-size city in dir in bulk through the store and builds
// its search index with the binary's reindex command; it returns the steps
// with their counts and times.
func build(ctx context.Context, bin, dir string, size citySize) []string {
	var steps []string
	log.Printf("full-size city: building in %s", dir)
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

// loadavg is the machine's 1-minute load average, as /proc/loadavg says.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
