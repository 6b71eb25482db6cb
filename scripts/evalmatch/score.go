package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/yuechuang/yuechuang/matching"
)

// ks are the cut-offs of recall@k and NDCG@k.
var ks = [3]int{10, 50, 100}

// perInvestor holds one investor's recall@k then NDCG@k.
type perInvestor [6]float64

// measure scores one ranked list (candidate positions, best first).
func measure(ranked []int, truth map[int]bool) perInvestor {
	var m perInvestor
	for i, k := range ks {
		hits, dcg, idcg := 0.0, 0.0, 0.0
		for pos := 0; pos < k && pos < len(ranked); pos++ {
			if truth[ranked[pos]] {
				hits++
				dcg += 1 / math.Log2(float64(pos)+2)
			}
		}
		for pos := 0; pos < k && pos < len(truth); pos++ {
			idcg += 1 / math.Log2(float64(pos)+2)
		}
		m[i] = hits / float64(len(truth))
		m[3+i] = dcg / idcg
	}
	return m
}

// trial is one seed's view of a window: the ids the ranker sees (a
// permutation of the candidates' date order, so ties fall at random) and a
// resample of the investors with replacement, for the confidence interval.
type trial struct {
	w      *window
	ids    []int // candidate position → id shown to the ranker
	pos    []int // id → candidate position
	sample []int // investor indices, drawn with replacement
}

func newTrial(w *window, seed uint64) *trial {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	t := &trial{w: w, ids: rng.Perm(len(w.candidates)), pos: make([]int, len(w.candidates))}
	for p, id := range t.ids {
		t.pos[id] = p
	}
	t.sample = make([]int, len(w.investors))
	for i := range t.sample {
		t.sample[i] = rng.IntN(len(w.investors))
	}
	return t
}

// ranker ranks the candidates for one investor: candidate positions, best first.
type ranker func(inv *investor) []int

// matcher ranks with the matching package under weights w.
func (t *trial) matcher(w matching.Weights) ranker {
	fams := map[string]string{}
	for s, f := range familyOf {
		fams[s] = f
	}
	idx, err := matching.NewIndex(w, fams)
	if err != nil {
		fail(err)
	}
	for p, c := range t.w.candidates {
		err := idx.Upsert(matching.Startup{ID: fmt.Sprintf("%024x", t.ids[p]), Sector: c.sector, Stage: c.stage, AskWan: c.roundWan,
			District: c.region, Completeness: 1, UpdatedAt: t.w.from})
		if err != nil {
			fail(err)
		}
	}
	return func(inv *investor) []int {
		r := idx.Rank(matching.Query{Thesis: inv.thesis, Limit: 100, Now: t.w.from})
		out := make([]int, len(r.Results))
		for i, res := range r.Results {
			id, _ := strconv.ParseInt(res.ID.String(), 16, 64)
			out[i] = t.pos[id]
		}
		return out
	}
}

// expectedRandom is what random order scores in expectation, computed
// exactly rather than drawn (a drawn random ranking of ~5,000 candidates
// hits so rarely that its own noise would swamp any ratio to it): a
// hidden deal lands in the top k with probability k/N, and at each
// position with probability 1/N.
func expectedRandom(n int, truth map[int]bool) perInvestor {
	var m perInvestor
	for i, k := range ks {
		dcg, idcg := 0.0, 0.0
		for pos := 0; pos < k && pos < n; pos++ {
			dcg += float64(len(truth)) / float64(n) / math.Log2(float64(pos)+2)
		}
		for pos := 0; pos < k && pos < len(truth); pos++ {
			idcg += 1 / math.Log2(float64(pos)+2)
		}
		m[i] = float64(min(k, n)) / float64(n)
		m[3+i] = dcg / idcg
	}
	return m
}

// popular orders every candidate by key, largest first, ties by the
// trial's ids (so at random); the same list for everyone.
func (t *trial) popular(key func(*candidate) float64) ranker {
	order := make([]int, len(t.w.candidates))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := key(t.w.candidates[order[i]]), key(t.w.candidates[order[j]])
		return a > b || a == b && t.ids[order[i]] < t.ids[order[j]]
	})
	order = order[:min(100, len(order))]
	return func(*investor) []int { return order }
}

// result is one ranking's figures in one trial: the mean over all
// investors, and over the trial's resample.
type result struct{ full, boot perInvestor }

// run scores rank in t; a nil rank is random order in expectation.
func (t *trial) run(rank ranker) result {
	per := make([]perInvestor, len(t.w.investors))
	var r result
	for i, inv := range t.w.investors {
		if rank == nil {
			per[i] = expectedRandom(len(t.w.candidates), inv.truth)
		} else {
			per[i] = measure(rank(inv), inv.truth)
		}
		for j := range r.full {
			r.full[j] += per[i][j]
		}
	}
	for _, i := range t.sample {
		for j := range r.boot {
			r.boot[j] += per[i][j]
		}
	}
	for j := range r.full {
		r.full[j] /= float64(len(per))
		r.boot[j] /= float64(len(t.sample))
	}
	return r
}

// estimate is a figure over seeds: the mean of the full-sample figures,
// and a 95 % interval of ±1.96 standard deviations of the resampled ones,
// which vary with both the id shuffle and the investors drawn.
type estimate struct{ mean, half float64 }

func summarise(xs, boots []float64) estimate {
	m, bm := 0.0, 0.0
	for i := range xs {
		m += xs[i]
		bm += boots[i]
	}
	m /= float64(len(xs))
	bm /= float64(len(boots))
	v := 0.0
	for _, b := range boots {
		v += (b - bm) * (b - bm)
	}
	if len(boots) > 1 {
		v /= float64(len(boots) - 1)
	}
	return estimate{m, 1.96 * math.Sqrt(v)}
}

func (e estimate) String() string {
	if e.half < 0.00005 {
		return fmt.Sprintf("%.4f", e.mean)
	}
	return fmt.Sprintf("%.4f ± %.4f", e.mean, e.half)
}

// row is one ranking's figures over all seeds, and its NDCG@10 as a
// multiple of random order's expectation for the same investors (paired by
// seed and resample).
type row struct {
	name    string
	metrics [6]estimate
	ratio   estimate
}

// table runs each named ranking in every trial and summarises.
func table(trials []*trial, names []string, rankerFor func(t *trial, i int) ranker) []row {
	full := make([][][6]float64, len(names))
	boot := make([][][6]float64, len(names))
	var rndFull, rndBoot [][6]float64
	for _, t := range trials {
		r := t.run(nil)
		rndFull, rndBoot = append(rndFull, r.full), append(rndBoot, r.boot)
		for i := range names {
			r := t.run(rankerFor(t, i))
			full[i], boot[i] = append(full[i], r.full), append(boot[i], r.boot)
		}
	}
	rows := make([]row, len(names))
	for i, name := range names {
		rows[i].name = name
		for j := 0; j < 6; j++ {
			var xs, bs []float64
			for s := range trials {
				xs, bs = append(xs, full[i][s][j]), append(bs, boot[i][s][j])
			}
			rows[i].metrics[j] = summarise(xs, bs)
		}
		var xs, bs []float64
		for s := range trials {
			xs, bs = append(xs, full[i][s][3]/rndFull[s][3]), append(bs, boot[i][s][3]/rndBoot[s][3])
		}
		rows[i].ratio = summarise(xs, bs)
	}
	return rows
}

func markdown(rows []row) string {
	var b strings.Builder
	b.WriteString("| ranking | recall@10 | recall@50 | recall@100 | NDCG@10 | NDCG@50 | NDCG@100 | NDCG@10 ÷ random |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.name)
		for _, m := range r.metrics {
			fmt.Fprintf(&b, " %s |", m)
		}
		fmt.Fprintf(&b, " %.1f ± %.1f |\n", r.ratio.mean, r.ratio.half)
	}
	return b.String()
}
