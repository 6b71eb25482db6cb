package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gcWatch reads a server's garbage collector trace (GODEBUG=gctrace=1 and
// gcpacertrace=1, -gctrace) from its log and sums it by the call being measured when each
// cycle ended, so that a tail can be set beside the collector's work at
// the same moments.
type gcWatch struct {
	mu      sync.Mutex
	partial []byte
	phase   string
	by      map[string]*gcSum
	began   map[string]time.Time
	took    map[string]time.Duration
	writes  map[string]bool
	order   []string
}

// gcSum is the collector's work over one phase.
type gcSum struct {
	cycles            int
	markWall, markCPU float64 // ms: the concurrent mark's wall clock; its CPU (assists, dedicated and idle workers)
	live, goal        float64 // MB after the phase's last cycle, and its heap goal
	maxMark           float64 // ms: the longest mark
	scanned           float64 // MB of heap scan work, over the cycles the pacer reported (scans)
	scans             int
}

// gcLine is one cycle of the trace: `gc N @Ts P%: a+b+c ms clock,
// d+e/f/g+h ms cpu, A->B->C MB, D MB goal, ...`.
var gcLine = regexp.MustCompile(`gc \d+ @[\d.]+s \d+%: [\d.]+\+([\d.]+)\+[\d.]+ ms clock, [\d.]+\+([\d.]+)/([\d.]+)/([\d.]+)\+[\d.]+ ms cpu, \d+->\d+->(\d+) MB, (\d+) MB goal`)

// pacerLine is the pacer's report of a cycle's scan work
// (GODEBUG=gcpacertrace=1): `pacer: P% CPU (25 exp.) for H+S+G B work`,
// H the heap's.
var pacerLine = regexp.MustCompile(`pacer: \d+% CPU \(\d+ exp\.\) for (\d+)\+\d+\+\d+ B work`)

func newGCWatch() *gcWatch {
	return &gcWatch{by: map[string]*gcSum{}, began: map[string]time.Time{}, took: map[string]time.Duration{}, writes: map[string]bool{}, phase: "start"}
}

// setPhase names the call measured from now on (write: a write's or a
// sign-in's call).
func (g *gcWatch) setPhase(name string, write bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closePhase()
	g.phase = name
	g.began[name] = time.Now()
	g.writes[name] = write
}

// closePhase ends the current phase's clock (under mu).
func (g *gcWatch) closePhase() {
	if t, ok := g.began[g.phase]; ok {
		g.took[g.phase] += time.Since(t)
		delete(g.began, g.phase)
	}
}

func (g *gcWatch) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.partial = append(g.partial, p...)
	for {
		i := bytes.IndexByte(g.partial, '\n')
		if i < 0 {
			break
		}
		line := g.partial[:i]
		if m := pacerLine.FindSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			s := g.sum()
			s.scanned += v / 1e6
			s.scans++
		}
		if m := gcLine.FindSubmatch(line); m != nil {
			f := func(k int) float64 { v, _ := strconv.ParseFloat(string(m[k]), 64); return v }
			s := g.sum()
			s.cycles++
			s.markWall += f(1)
			s.maxMark = max(s.maxMark, f(1))
			s.markCPU += f(2) + f(3) + f(4)
			s.live, s.goal = f(5), f(6)
		}
		g.partial = g.partial[i+1:]
	}
	return len(p), nil
}

// sum is the current phase's (under mu).
func (g *gcWatch) sum() *gcSum {
	s := g.by[g.phase]
	if s == nil {
		s = &gcSum{}
		g.by[g.phase] = s
		g.order = append(g.order, g.phase)
	}
	return s
}

// reads sums the phases of reads, and how long they took.
func (g *gcWatch) reads() (gcSum, time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closePhase()
	var out gcSum
	var took time.Duration
	for name, d := range g.took {
		if !g.writes[name] && name != "start" {
			took += d
		}
	}
	for _, name := range g.order {
		s := g.by[name]
		if g.writes[name] || name == "start" {
			continue
		}
		out.cycles += s.cycles
		out.markWall += s.markWall
		out.markCPU += s.markCPU
		out.maxMark = max(out.maxMark, s.maxMark)
		out.scanned += s.scanned
		out.scans += s.scans
		out.live, out.goal = s.live, s.goal
	}
	return out, took
}

// gcReport is a table of each server's collector work over the reads.
func gcReport(names []string, watches []*gcWatch) string {
	var b strings.Builder
	b.WriteString("| server | GC cycles during the reads | mark wall clock, sum (longest) | mark CPU | share of the reads' time in a mark | heap scan work per cycle | live heap after the last cycle | its heap goal |\n|---|---|---|---|---|---|---|---|\n")
	for i, g := range watches {
		if g == nil {
			continue
		}
		s, took := g.reads()
		share := 0.0
		if took > 0 {
			share = s.markWall / float64(took.Milliseconds()) * 100
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f ms (%.0f) | %.0f ms | %.1f %% | %.1f MB | %.0f MB | %.0f MB |\n",
			names[i], s.cycles, s.markWall, s.maxMark, s.markCPU, share, s.scanned/float64(max(s.scans, 1)), s.live, s.goal)
	}
	return b.String()
}

// gcByCall is a table of each server's collector work during each call:
// cycles, the marks' wall clock (and the share of the call's time), the
// live heap after the call's last cycle.
func gcByCall(names []string, watches []*gcWatch) string {
	var b strings.Builder
	b.WriteString("| call |")
	for i, g := range watches {
		if g != nil {
			fmt.Fprintf(&b, " %s |", names[i])
		}
	}
	b.WriteString("\n|---|")
	for _, g := range watches {
		if g != nil {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	var calls []string
	seen := map[string]bool{}
	for _, g := range watches {
		if g == nil {
			continue
		}
		g.mu.Lock()
		for _, name := range g.order {
			if !seen[name] {
				seen[name] = true
				calls = append(calls, name)
			}
		}
		g.mu.Unlock()
	}
	for _, name := range calls {
		fmt.Fprintf(&b, "| %s |", name)
		for _, g := range watches {
			if g == nil {
				continue
			}
			g.mu.Lock()
			s, took := g.by[name], g.took[name]
			g.mu.Unlock()
			if s == nil {
				b.WriteString(" – |")
				continue
			}
			share := 0.0
			if took > 0 {
				share = s.markWall / float64(took.Milliseconds()) * 100
			}
			fmt.Fprintf(&b, " %d cycles, mark %.0f ms (%.0f %%, longest %.0f), scan %.1f MB a cycle, live %.0f MB |", s.cycles, s.markWall, share, s.maxMark, s.scanned/float64(max(s.scans, 1)), s.live)
		}
		b.WriteString("\n")
	}
	return b.String()
}
