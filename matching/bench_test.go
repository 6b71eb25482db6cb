package matching

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// benchSectors mirrors the Shaoxing taxonomy's 22 sectors in 9 families.
var benchSectors = func() map[string]string {
	m := map[string]string{}
	fams := []int{2, 3, 3, 3, 2, 4, 2, 3, 1}
	n := 0
	for f, k := range fams {
		for i := 0; i < k; i++ {
			m[fmt.Sprintf("s%02d", n)] = fmt.Sprintf("f%d", f)
			n++
		}
	}
	return m
}()

// stageWeights favour early stages, as in a maker-space program.
var benchStageWeights = []int{10, 25, 30, 18, 10, 4, 2, 1}

func benchIndex(b *testing.B, n int) *Index {
	b.Helper()
	x, err := NewIndex(DefaultWeights, benchSectors)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	names := make([]string, 0, len(benchSectors))
	for s := range benchSectors {
		names = append(names, s)
	}
	slices.Sort(names) // the same index on every run
	districts := []string{"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang", "binhai"}
	for i := 0; i < n; i++ {
		st, r := 0, rng.IntN(100)
		for st < NumStages-1 && r >= benchStageWeights[st] {
			r -= benchStageWeights[st]
			st++
		}
		err := x.Upsert(Startup{
			ID: fmt.Sprintf("%024x", i), Sector: names[rng.IntN(len(names))], Stage: st,
			AskWan: float64(20 + rng.IntN(5000)), District: districts[rng.IntN(len(districts))],
			SpaceID: fmt.Sprint(rng.IntN(500)), Completeness: rng.Float64(), UpdatedAt: now.AddDate(0, 0, -rng.IntN(400)),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return x
}

// BenchmarkRank1M ranks the top 50 of 1,000,000 startups for three theses,
// each with bucket pruning and, as the baseline in the same run, scoring
// every startup the slow way (no bucket bound, no early dismissal).
// Typical is an angel's thesis (two sectors, two stages, a cheque range,
// one district, one space) with some feedback; target ≤ 5 ms. Broad names
// no sectors and one stage, so buckets tie on sector and the bound prunes
// by stage alone. Open names nothing, which the API allows: every bucket
// has the same bound, nothing is pruned and every startup is scanned. That
// is the worst case, and its bound is one pass over the index.
//
//	go test -run '^$' -bench 'Rank1M' -benchtime 20x ./matching/
func BenchmarkRank1M(b *testing.B) {
	x := benchIndex(b, 1_000_000)
	for _, c := range []struct {
		name string
		q    Query
	}{
		{"typical", Query{Thesis: Thesis{Sectors: []string{"s00", "s13"}, Stages: []int{1, 2}, ChequeMin: 50, ChequeMax: 500, Districts: []string{"keqiao"}, Spaces: []string{"3"}},
			Feedback: []Signal{{fmt.Sprintf("%024x", 10), Interested}, {fmt.Sprintf("%024x", 11), Pass}, {fmt.Sprintf("%024x", 12), Save}}}},
		{"broad", Query{Thesis: Thesis{Stages: []int{2}, ChequeMin: 50, ChequeMax: 500}}},
		{"open", Query{}},
	} {
		for _, mode := range []struct {
			name       string
			exhaustive bool
		}{{"pruned", false}, {"exhaustive-baseline", true}} {
			b.Run(c.name+"/"+mode.name, func(b *testing.B) {
				q := c.q
				q.Limit, q.Now, q.exhaustive = 50, now, mode.exhaustive
				for b.Loop() {
					if r := x.Rank(q); len(r.Results) != 50 {
						b.Fatalf("%d results", len(r.Results))
					}
				}
			})
		}
	}
}

// BenchmarkIndexMemory reports the live heap per startup of a 1,000,000
// startup index. Target: ≤ 64 bytes.
func BenchmarkIndexMemory(b *testing.B) {
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		x := benchIndex(b, 1_000_000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "bytes/startup")
		runtime.KeepAlive(x)
	}
}

// BenchmarkRankSmall ranks a deal-flow page (the top 20) at the demo set's
// size and at a city's: pruned, and scoring every startup as the same
// run's baseline.
//
//	go test -run '^$' -bench 'RankSmall' -benchmem ./matching/
func BenchmarkRankSmall(b *testing.B) {
	for _, n := range []int{300, 3000} {
		x := benchIndex(b, n)
		for _, th := range []struct {
			name string
			t    Thesis
		}{
			{"typical", Thesis{Sectors: []string{"s00", "s13"}, Stages: []int{1, 2}, ChequeMin: 50, ChequeMax: 500, Districts: []string{"keqiao"}, Spaces: []string{"3"}}},
			{"open", Thesis{}},
		} {
			for _, mode := range []struct {
				name       string
				exhaustive bool
			}{{"pruned", false}, {"exhaustive-baseline", true}} {
				b.Run(fmt.Sprintf("n=%d/%s/%s", n, th.name, mode.name), func(b *testing.B) {
					q := Query{Thesis: th.t, Limit: 20, Now: now, exhaustive: mode.exhaustive}
					b.ReportAllocs()
					for b.Loop() {
						if r := x.Rank(q); len(r.Results) != 20 {
							b.Fatalf("%d results", len(r.Results))
						}
					}
				})
			}
		}
	}
}

// BenchmarkRankMix ranks deal-flow pages as scripts/loadtest asks for
// them, over the demo set's 300 startups: 200 theses drawn as the load
// test draws them (1–3 sectors, 1–3 stages, a cheque range, half of them
// 1–2 districts) and its query mix (half the first page unfiltered, 20 %
// pages 2–3, 10 % each filtered by sector, stage or district).
//
//	go test -run '^$' -bench 'RankMix' -benchmem ./matching/
func BenchmarkRankMix(b *testing.B) {
	x := benchIndex(b, 300)
	rng := rand.New(rand.NewPCG(20, 20))
	names := make([]string, 0, len(benchSectors))
	for s := range benchSectors {
		names = append(names, s)
	}
	slices.Sort(names)
	districts := []string{"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang", "binhai"}
	pick := func(xs []string, n int) []string {
		var out []string
		for _, i := range rng.Perm(len(xs))[:min(n, len(xs))] {
			out = append(out, xs[i])
		}
		return out
	}
	theses := make([]Thesis, 200)
	for i := range theses {
		lo := float64(50 * (1 + rng.IntN(10)))
		t := Thesis{Sectors: pick(names, 1+rng.IntN(3)), ChequeMin: lo, ChequeMax: lo * float64(2+rng.IntN(8))}
		for _, st := range rng.Perm(NumStages)[:1+rng.IntN(3)] {
			t.Stages = append(t.Stages, st)
		}
		if rng.IntN(2) == 0 {
			t.Districts = pick(districts, 1+rng.IntN(2))
		}
		theses[i] = t
	}
	qs := make([]Query, 4096)
	for i := range qs {
		q := Query{Thesis: theses[rng.IntN(len(theses))], Limit: 20, Now: now}
		switch r := rng.IntN(10); {
		case r < 5:
		case r < 7:
			q.Offset = 20 * (1 + rng.IntN(2))
		case r < 8:
			q.Sector = names[rng.IntN(len(names))]
		case r < 9:
			q.OnlyStage = 1 + rng.IntN(NumStages)
		default:
			q.District = districts[rng.IntN(len(districts))]
		}
		qs[i] = q
	}
	buf := make([]Result, 0, 20)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := qs[i%len(qs)]
		i++
		q.Buf = buf
		if r := x.Rank(q); len(r.Results) > 20 {
			b.Fatalf("%d results", len(r.Results))
		}
	}
}
