// Command startbench times the real server's start (exec → /readyz 200)
// on copies of one data directory, for several binaries in turn, so that
// their figures compare the same moments of a shared machine
// (docs/bench/start.md). Each start gets a fresh copy of the directory
// (a start changes the data it opens: it dispatches what the last run
// left, sweeps, settles), made before the clock starts; the binaries take
// turns, the first of each round rotating. Each start's log is kept, and
// its ready line (the phases, from this release on) is printed with it.
//
//	go run ./scripts/startbench -dir /tmp/city-kept -n 5 old=/tmp/yc-base new=bin/yuechuang
//	go run ./scripts/startbench -dir /tmp/city-kept -n 3 -again old=/tmp/yc-base new=bin/yuechuang
//	go run ./scripts/startbench -demo -n 5 old=/tmp/yc-base new=bin/yuechuang
//
// With -demo each start is a first start with the demo set (SEED_DEMO=true)
// on an empty directory, as `make run` makes it. With -again each binary
// starts a second time on its copy after its first start's graceful stop
// (SIGINT), as a restart does; those starts are reported as "name again".
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

type binary struct{ name, path string }

type run struct {
	took  time.Duration
	stop  time.Duration // SIGINT → exit
	load  string        // 1-minute load average when it started
	ready string        // the server's ready line, as logged
}

func main() {
	dir := flag.String("dir", "", "the data directory to copy for each start (never started on itself)")
	demo := flag.Bool("demo", false, "a first start with the demo set on an empty directory instead")
	n := flag.Int("n", 5, "starts per binary")
	logs := flag.String("logs", "", "where to keep each start's log (default: a temporary directory)")
	again := flag.Bool("again", false, "start each copy a second time after a graceful stop")
	flag.Parse()
	var bins []binary
	for _, a := range flag.Args() {
		name, path, ok := strings.Cut(a, "=")
		if !ok {
			log.Fatalf("%q: give binaries as name=path", a)
		}
		bins = append(bins, binary{name, path})
	}
	if len(bins) == 0 || (*dir == "") == !*demo {
		log.Fatal("usage: startbench (-dir DIR | -demo) [-n N] name=binary...")
	}
	tmp, err := os.MkdirTemp("", "startbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if *logs == "" {
		*logs = filepath.Join(tmp, "logs")
	}
	if err := os.MkdirAll(*logs, 0o755); err != nil {
		log.Fatal(err)
	}
	runs := map[string][]run{}
	var names []string
	for _, b := range bins {
		names = append(names, b.name)
		if *again {
			names = append(names, b.name+" again")
		}
	}
	for round := range *n {
		for i := range bins {
			b := bins[(round+i)%len(bins)]
			data := filepath.Join(tmp, "data")
			if *demo {
				err = os.MkdirAll(data, 0o750)
			} else {
				err = benchrun.CopyDir(*dir, data)
			}
			if err != nil {
				log.Fatalf("copy %s: %v", *dir, err)
			}
			starts := []string{b.name}
			if *again {
				starts = append(starts, b.name+" again")
			}
			for k, name := range starts {
				logFile := filepath.Join(*logs, fmt.Sprintf("%s-%d-%d.log", b.name, round+1, k+1))
				r, err := start(b.path, data, logFile, *demo)
				if err != nil {
					log.Fatalf("%s, round %d: %v (log: %s)", name, round+1, err, logFile)
				}
				runs[name] = append(runs[name], r)
				fmt.Printf("%-10s round %d: %6.2f s at load %s, stopped in %.2f s  %s\n", name, round+1, r.took.Seconds(), r.load, r.stop.Seconds(), r.ready)
			}
			if err := os.RemoveAll(data); err != nil {
				log.Fatal(err)
			}
		}
	}
	fmt.Println()
	fmt.Println("| binary | starts | median | min | max | load at the starts |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, name := range names {
		rs := runs[name]
		ds := make([]float64, len(rs))
		var loads []string
		for i, r := range rs {
			ds[i] = r.took.Seconds()
			loads = append(loads, r.load)
		}
		slices.Sort(ds)
		fmt.Printf("| %s | %d | %.2f s | %.2f s | %.2f s | %s |\n", name, len(ds), median(ds), ds[0], ds[len(ds)-1], strings.Join(loads, ", "))
	}
}

func median(sorted []float64) float64 {
	m := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[m]
	}
	return (sorted[m-1] + sorted[m]) / 2
}

// start runs bin on data until /readyz says 200, then stops it (SIGINT)
// and waits for it to exit.
func start(bin, data, logFile string, demo bool) (r run, err error) {
	out, err := os.Create(logFile)
	if err != nil {
		return run{}, err
	}
	defer out.Close()
	r.load = benchrun.LoadAvg()
	s, err := benchrun.Start(context.Background(), bin, data, benchrun.Options{
		Env: []string{"LOG_LEVEL=info", "SEED_DEMO=" + fmt.Sprint(demo), "JWT_SECRET=startbench-startbench-startbench-startbench-startbench-startbench"},
		Log: out,
	})
	if err != nil {
		return r, err
	}
	r.took = s.Ready
	r.stop = s.Stop()
	r.ready = readyLine(logFile)
	return r, nil
}

// readyLine returns the server's ready line from its log, without the
// time and level.
func readyLine(logFile string) string {
	f, err := os.Open(logFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.Contains(l, "ready 就绪") {
			if i := strings.Index(l, "took="); i >= 0 {
				return l[i:]
			}
			return l
		}
	}
	return ""
}
