// Command evalmatch measures how well the matching package predicts real
// investments, on the CrunchBase October 2013 export, without letting ids,
// order or tuning see the test data:
//
//   - Two windows in time. Validation: theses from the deals before
//     2011-01-01, truth from the deals of 2011. Test: theses from the deals
//     before 2012-01-01, truth from the deals from 2012 to the export's end.
//
//   - The weights are chosen by a grid on the validation window only, then
//     frozen and scored once on the test window (with the weights the
//     product ships, when they differ).
//
//   - The ids the ranker sees are a seeded permutation of the candidates,
//     so equal scores fall in random order instead of by funding date.
//
//   - Every figure is a mean over seeds; each seed also draws the investors
//     with replacement, and the ± is 1.96 standard deviations of those
//     resampled means (a 95 % interval for shuffle and sample together).
//
//     go run ./scripts/evalmatch -data ../shared/data/crunchbase2013 -out docs/bench/evalmatch.md
//
// docs/MATCHING.md describes the protocol; make bench-report copies the
// figures into it.
// Data: CrunchBase (October 2013 export), via github.com/datahoarder/crunchbase-october-2013.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/scripts/benchdoc"
)

func main() {
	data := flag.String("data", "../shared/data/crunchbase2013", "folder with crunchbase-investments.csv.gz")
	validFrom := flag.String("valid-from", "2011-01-01", "start of the validation window (weights are chosen here)")
	testFrom := flag.String("test-from", "2012-01-01", "end of the validation window and start of the test window")
	testTo := flag.String("test-to", "2014-01-01", "end of the test window (the export ends in October 2013)")
	minTrain := flag.Int("min-train", 3, "investors need at least this many companies before a window")
	seeds := flag.Int("seeds", 10, "seeds (id shuffles and investor resamples) per reported figure")
	gridSeeds := flag.Int("grid-seeds", 3, "seeds per weight set in the validation grid")
	out := flag.String("out", "", "also write the figures as this markdown file (docs/bench/evalmatch.md)")
	flag.Parse()
	day := func(s string) time.Time {
		t, err := time.Parse("2006-01-02", s)
		if err != nil {
			fail(err)
		}
		return t
	}
	deals, err := load(filepath.Join(*data, "crunchbase-investments.csv.gz"))
	if err != nil {
		fail(err)
	}
	val := build(deals, "validation", day(*validFrom), day(*testFrom), *minTrain)
	test := build(deals, "test", day(*testFrom), day(*testTo), *minTrain)
	machine := benchdoc.Load()

	var doc strings.Builder
	p := func(format string, a ...any) {
		fmt.Printf(format, a...)
		fmt.Fprintf(&doc, format, a...)
	}
	p("%d usable investor-in-round rows. Seeds per figure: %d (grid: %d per weight set).\n\n", len(deals), *seeds, *gridSeeds)
	p("| window | theses from deals before | hidden deals from | investors evaluated | hidden deals | candidate companies |\n|---|---|---|---|---|---|\n")
	for _, w := range []*window{val, test} {
		p("| %s | %s | %s to %s | %d | %d | %d |\n", w.name, w.from.Format("2006-01-02"), w.from.Format("2006-01-02"),
			w.last.Format("2006-01-02"), len(w.investors), w.hidden, len(w.candidates))
	}

	chosen, grid := choose(val, *gridSeeds)
	p("\n**Weights chosen on the validation window** (grid over district, cheque, stage steps and related sector; best mean NDCG@10, then recall@100, over %d seeds; the test window played no part):\n\n", *gridSeeds)
	p("| district | cheque in/near | stage near/far | related sector | validation NDCG@10 | validation recall@100 |\n|---|---|---|---|---|---|\n")
	for _, g := range grid[:min(8, len(grid))] {
		p("| %g | %g/%g | %g/%g | %g | %.4f | %.4f |\n", g.w.District, g.w.ChequeIn, g.w.ChequeNear, g.w.StageNear, g.w.StageFar, g.w.FamilySector, g.ndcg10, g.recall100)
	}
	for i, g := range grid {
		if g.w == matching.DefaultWeights {
			p("\n`matching.DefaultWeights` rank %d of %d in this grid (validation NDCG@10 %.4f, recall@100 %.4f).\n", i+1, len(grid), g.ndcg10, g.recall100)
		}
	}
	same := chosen == matching.DefaultWeights
	if same {
		p("\nThe chosen weights are `matching.DefaultWeights`, the weights the product ships.\n")
	} else {
		p("\nThe chosen weights differ from `matching.DefaultWeights` (district %g, cheque %g, stage %g, related sector %g): both are scored below.\n",
			matching.DefaultWeights.District, matching.DefaultWeights.ChequeIn, matching.DefaultWeights.StageNear, matching.DefaultWeights.FamilySector)
	}

	type variant struct {
		name string
		rank func(t *trial) ranker
	}
	baselines := []variant{
		{"random order (expectation, exact)", func(*trial) ranker { return nil }},
		{"popularity: round size (known at decision time)", func(t *trial) ranker {
			return t.popular(func(c *candidate) float64 { return c.roundWan })
		}},
		{"popularity: investors in the hidden window (leaks the future; a reference only)", func(t *trial) ranker {
			return t.popular(func(c *candidate) float64 { return float64(c.investors) })
		}},
	}
	weights := func(name string, w matching.Weights) variant {
		return variant{name, func(t *trial) ranker { return t.matcher(w) }}
	}
	headline := []variant{weights("**matching, weights chosen on validation (frozen)**", chosen)}
	if !same {
		headline = append(headline, weights("matching, `DefaultWeights` (shipped)", matching.DefaultWeights))
	}
	ablate := func(name string, f func(*matching.Weights)) variant {
		w := chosen
		f(&w)
		return weights("  "+name, w)
	}
	ablations := []variant{
		ablate("without neighbouring-stage credit", func(w *matching.Weights) { w.StageNear, w.StageFar = 0, 0 }),
		ablate("without cheque fit", func(w *matching.Weights) { w.ChequeIn, w.ChequeNear = 0, 0 }),
		ablate("without district", func(w *matching.Weights) { w.District, w.OpenDistrict = 0, 0 }),
		ablate("without related-sector credit", func(w *matching.Weights) { w.FamilySector = 0 }),
	}
	for _, win := range []struct {
		w     *window
		seed0 uint64
		rows  []variant
	}{
		{val, 1, append(append([]variant{}, baselines...), headline...)},
		{test, 1001, append(append(append([]variant{}, baselines...), headline...), ablations...)},
	} {
		trials := make([]*trial, *seeds)
		for i := range trials {
			trials[i] = newTrial(win.w, win.seed0+uint64(i))
		}
		names := make([]string, len(win.rows))
		for i, v := range win.rows {
			names[i] = v.name
		}
		rows := table(trials, names, func(t *trial, i int) ranker { return win.rows[i].rank(t) })
		p("\n**%s window** (%s to %s; %d investors, %d hidden deals):\n\n%s", strings.ToUpper(win.w.name[:1])+win.w.name[1:],
			win.w.from.Format("2006-01-02"), win.w.last.Format("2006-01-02"), len(win.w.investors), win.w.hidden, markdown(rows))
	}
	if *out != "" {
		err := benchdoc.Write(*out, benchdoc.Doc{Title: "Matching quality on CrunchBase 2013 (scripts/evalmatch)", Load: machine,
			Command: "go run ./scripts/evalmatch -data ../shared/data/crunchbase2013 -out docs/bench/evalmatch.md   # or: make evalmatch",
			Body:    doc.String()})
		if err != nil {
			fail(err)
		}
	}
}

// graded is one weight set of the validation grid.
type graded struct {
	w                 matching.Weights
	ndcg10, recall100 float64
}

// choose searches a grid over the four within-tier weights the data can
// measure (district, cheque, stage steps, related sector) on the
// validation window and returns the best by mean NDCG@10 (then recall@100,
// since weights that only reorder below the top 10 tie on NDCG@10), with
// the grid sorted best first; exact ties keep the grid's order, which
// starts from the smallest weights.
func choose(val *window, seeds int) (matching.Weights, []graded) {
	trials := make([]*trial, seeds)
	for i := range trials {
		trials[i] = newTrial(val, 500+uint64(i))
	}
	var rows []graded
	for _, d := range []float64{2, 4, 6, 8} {
		for _, c := range []float64{2, 4, 6} {
			for _, st := range []float64{0, 2, 4} {
				for _, f := range []float64{0, 2, 4} {
					w := matching.DefaultWeights
					w.District, w.OpenDistrict, w.ChequeIn, w.ChequeNear, w.StageNear, w.StageFar, w.FamilySector = d, d/2, c, c/2, st, st/2, f
					if !w.Valid() {
						continue
					}
					g := graded{w: w}
					for _, t := range trials {
						r := t.run(t.matcher(w))
						g.ndcg10 += r.full[3] / float64(seeds)
						g.recall100 += r.full[2] / float64(seeds)
					}
					rows = append(rows, g)
				}
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		return rows[i].ndcg10 > rows[j].ndcg10 || rows[i].ndcg10 == rows[j].ndcg10 && rows[i].recall100 > rows[j].recall100
	})
	return rows[0].w, rows
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "evalmatch:", err)
	os.Exit(1)
}
