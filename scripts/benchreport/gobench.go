package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"github.com/yuechuang/yuechuang/scripts/benchdoc"
)

// goBench is one group of Go benchmarks written as docs/bench/<file>.
type goBench struct {
	file, title string
	runs        [][]string // go test arguments, one run each
	note        string     // what the figures mean; the numbers come from the run
}

var goBenches = []goBench{
	{
		file: "matching.md", title: "Matching index at 1,000,000 startups (go test ./matching)",
		runs: [][]string{
			{"-run", "^$", "-bench", "Rank1M", "-benchtime", "20x", "./matching/"},
			{"-run", "^$", "-bench", "IndexMemory", "-benchtime", "1x", "./matching/"},
			{"-run", "^$", "-bench", "RankSmall", "-benchmem", "./matching/"},
		},
		note: `Top 50 of 1,000,000 synthetic startups (22 sectors, 7 districts, stages weighted to early rounds).
*typical*: two sectors, two stages, a cheque range, one district, one space, three pieces of feedback
(target ≤ 5 ms). *broad*: no sectors, one stage. *open*: a thesis that names nothing, which the API
allows: every bucket has the same bound, so nothing is pruned and every startup is scanned; this is
the worst case, and its bound is one pass over the index. Each *pruned* run sits beside its
*exhaustive-baseline* of the same run (every startup scored the slow way, no bound, no early
dismissal). Index memory is the live heap per startup after GC (target ≤ 64 bytes). RankSmall: a
deal-flow page (the top 20) at the demo set's size (300) and a city's (3,000), typical and open
theses, pruned beside scoring every startup in the same run.`,
	},
	{
		file: "app.md", title: "Deal flow page and match alerts (go test ./server/app)",
		runs: [][]string{
			{"-run", "^$", "-bench", "DealFlow", "-benchmem", "./server/app/"},
			// 40 fan-outs, so that the absorbs every 16th alert to a user
			// costs are in the figure; the baselines take 25-90 s each.
			{"-run", "^$", "-bench", "FanOut5000/drops", "-benchtime", "40x", "./server/app/"},
			{"-run", "^$", "-bench", "FanOut5000/.*baseline", "-benchtime", "3x", "./server/app/"},
		},
		note: `DealFlow: one deal-flow page in the service layer, no HTTP (300 published startups): *handler*
is what the handler runs (DealFlowJSON: ranking, reasons, cards and the JSON, in working memory
reused between answers); *values+go-json-baseline* ranks into fresh values and encodes them with
the reflection encoder the other routes use.
FanOut5000: one publish scored against 5,000 investors in memory and the notifications of the 1,250
that fit (each with 20 earlier notifications) stored as drops (docs/STORAGE.md), beside two
baselines run separately on a fresh set-up: each log appended to, four at a time (the fan-out
before drops), and one write per investor; notified/op is what each run reports it notified.`,
	},
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)

type benchRow struct {
	name    string
	iters   int
	nsPerOp float64
	extra   []string // other "value unit" pairs
}

// runGo runs one group and writes its docs/bench file.
func runGo(g goBench) error {
	load := benchdoc.Load()
	var rows []benchRow
	var cmds []string
	for _, args := range g.runs {
		cmds = append(cmds, "go test "+strings.Join(quoteArgs(args), " "))
		cmd := exec.Command("go", append([]string{"test", "-count=1"}, args...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		if err := cmd.Run(); err != nil {
			os.Stderr.Write(out.Bytes())
			return fmt.Errorf("go test %s: %w", strings.Join(args, " "), err)
		}
		os.Stdout.Write(out.Bytes())
		rows = append(rows, parseBench(out.Bytes())...)
	}
	if len(rows) == 0 {
		return fmt.Errorf("%s: no benchmark results", g.file)
	}
	body := g.note + "\n\n" + benchTable(rows)
	return benchdoc.Write("docs/bench/"+g.file, benchdoc.Doc{Title: g.title, Command: strings.Join(cmds, "\n"), Load: load, Body: body})
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$*|") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}

func parseBench(out []byte) []benchRow {
	var rows []benchRow
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		r := benchRow{name: m[1]}
		r.iters, _ = strconv.Atoi(m[3])
		f := strings.Fields(m[4])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			if f[i+1] == "ns/op" {
				r.nsPerOp = v
			} else {
				r.extra = append(r.extra, f[i]+" "+f[i+1])
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// benchTable writes one row per benchmark; a benchmark with a sibling whose
// name says "baseline" gets its time as a share of that baseline's, both
// from the same run.
func benchTable(rows []benchRow) string {
	var b strings.Builder
	b.WriteString("| benchmark | runs | time/op | vs baseline of the same run | other measures |\n|---|---|---|---|---|\n")
	parent := func(n string) string {
		if i := strings.LastIndex(n, "/"); i >= 0 {
			return n[:i]
		}
		return n
	}
	for _, r := range rows {
		ratio := ""
		if !strings.Contains(r.name, "baseline") {
			for _, o := range rows {
				if o.name != r.name && parent(o.name) == parent(r.name) && strings.Contains(o.name, "baseline") && o.nsPerOp > 0 && r.nsPerOp > 0 {
					ratio = fmt.Sprintf("%.2f× (%.1f× faster)", r.nsPerOp/o.nsPerOp, o.nsPerOp/r.nsPerOp)
				}
			}
		}
		t := "—"
		if r.nsPerOp > 0 {
			t = duration(r.nsPerOp)
		}
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s |\n", strings.TrimPrefix(r.name, "Benchmark"), r.iters, t, ratio, strings.Join(r.extra, " · "))
	}
	return b.String()
}

func duration(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}
