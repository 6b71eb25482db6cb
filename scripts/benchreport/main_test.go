package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAssemble keeps the hand-written part, lists every section with its
// commit, names the known sections that are missing, and copies the
// evaluation into the matching doc between its markers.
func TestAssemble(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "bench"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "BENCHMARKS.md"), []byte("# Benchmarks\n\nhow we measure\n\n"+marker+"\nstale figure 42 ms\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "MATCHING.md"), []byte("intro\n<!-- bench:evalmatch -->\nold table\n<!-- /bench:evalmatch -->\nlimits\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "bench", "evalmatch.md"), []byte("## Quality\n\nMeasured at commit `abc1234` on 2026-11-28 03:00 UTC; load.\n\n| a |\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "bench", "zeta.md"), []byte("## Zeta tool\n\nMeasured at commit `def5678+changes` on 2026-11-28 04:00 UTC; load.\n"), 0o644))
	must(assemble(dir))
	b, _ := os.ReadFile(filepath.Join(dir, "BENCHMARKS.md"))
	got := string(b)
	for _, want := range []string{"how we measure", "| [Quality](bench/evalmatch.md) | `abc1234` | 2026-11-28 03:00 UTC |",
		"[Zeta tool](bench/zeta.md)", "live roadshow room (`docs/bench/wsload.md`)", "## Quality"} {
		if !strings.Contains(got, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "stale figure") {
		t.Error("the old generated part survived")
	}
	if strings.Index(got, "## Quality") > strings.Index(got, "## Zeta tool") {
		t.Error("known sections should come before others")
	}
	m, _ := os.ReadFile(filepath.Join(dir, "MATCHING.md"))
	if s := string(m); !strings.Contains(s, "### Quality") || strings.Contains(s, "old table") || !strings.HasSuffix(s, "limits\n") || !strings.HasPrefix(s, "intro\n") {
		t.Errorf("MATCHING.md: %q", s)
	}
}

func TestBenchTableRatios(t *testing.T) {
	rows := parseBench([]byte("BenchmarkRank1M/open/pruned-2   10  20000000 ns/op\nBenchmarkRank1M/open/exhaustive-baseline-2  10  40000000 ns/op\nBenchmarkIndexMemory-2 1 123 ns/op 45.20 bytes/startup\n"))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	tab := benchTable(rows)
	if !strings.Contains(tab, "| `Rank1M/open/pruned` | 10 | 20.00 ms | 0.50× (2.0× faster) |") || !strings.Contains(tab, "45.20 bytes/startup") {
		t.Fatal(tab)
	}
}
