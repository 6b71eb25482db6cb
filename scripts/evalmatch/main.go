// Command evalmatch measures how well the matching package predicts real
// investments. It reads the CrunchBase October 2013 export, derives each
// investor's thesis from their deals before a cut-off date, hides their
// later deals, ranks the companies funded after the cut-off with matching,
// and reports recall@k and NDCG@k against random and popularity baselines,
// for the default weights and for variants that each drop one factor.
//
//	go run ./scripts/evalmatch -data ../shared/data/crunchbase2013
//
// docs/MATCHING.md records the protocol and the figures.
// Data: CrunchBase (October 2013 export), via github.com/datahoarder/crunchbase-october-2013.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/matching"
)

// sectorOf maps CrunchBase category codes onto the platform's sectors
// (server/taxonomy/shaoxing.json); unmapped categories stay their own
// sector in a family of their own.
var sectorOf = map[string]string{
	"software": "enterprise-software", "enterprise": "enterprise-software", "security": "enterprise-software",
	"network_hosting": "enterprise-software", "consulting": "enterprise-software", "legal": "enterprise-software",
	"web": "digital-economy", "mobile": "digital-economy", "social": "digital-economy", "messaging": "digital-economy",
	"search": "digital-economy", "advertising": "digital-economy", "public_relations": "digital-economy", "finance": "digital-economy",
	"analytics": "ai", "ecommerce": "ecommerce", "local": "ecommerce", "pets": "ecommerce",
	"biotech": "biomedicine", "medical": "medical-devices", "health": "health-services",
	"semiconductor": "ic", "hardware": "electronics",
	"cleantech": "new-energy", "nanotech": "new-materials", "manufacturing": "high-end-equipment",
	"automotive": "auto-parts", "transportation": "auto-parts",
	"games_video": "cultural-creative", "music": "cultural-creative", "news": "cultural-creative",
	"photo_video": "cultural-creative", "design": "cultural-creative", "education": "cultural-creative", "sports": "cultural-creative",
	"travel": "tourism", "hospitality": "tourism", "real_estate": "tourism", "fashion": "fashion",
}

// familyOf mirrors the platform taxonomy's families for the mapped sectors.
var familyOf = map[string]string{
	"enterprise-software": "digital", "digital-economy": "digital", "ai": "digital", "ecommerce": "digital",
	"biomedicine": "health", "medical-devices": "health", "health-services": "health",
	"ic": "electronics", "electronics": "electronics",
	"new-energy": "energy", "new-materials": "materials", "high-end-equipment": "manufacturing", "auto-parts": "manufacturing",
	"cultural-creative": "culture", "tourism": "culture", "fashion": "textiles",
}

// stageOf maps CrunchBase round types onto the platform's stage indices
// (0 idea, 1 seed, 2 angel, 3 pre-A, 4 A, 5 B, 6 C+, 7 pre-IPO). CrunchBase
// has no seed type; seed rounds are recorded as angel.
var stageOf = map[string]int{
	"angel": 2, "crowdfunding": 1, "other": 3, "series-a": 4, "venture": 4,
	"series-b": 5, "series-c+": 6, "private-equity": 7, "post-ipo": 7,
}

// usdToWan converts US dollars to 万元 at the 2013 rate (6.1 CNY per USD).
const usdToWan = 6.1 / 10000

type deal struct {
	investor, company, sector, region string
	stage                             int
	roundWan                          float64
	at                                time.Time
}

func main() {
	data := flag.String("data", "../shared/data/crunchbase2013", "folder with crunchbase-investments.csv.gz")
	cut := flag.String("cutoff", "2012-01-01", "deals before this date build the thesis; later ones are hidden")
	minTrain := flag.Int("min-train", 3, "investors need at least this many companies before the cut-off")
	grid := flag.Bool("grid", false, "also search a grid of weights and print the best by NDCG@10")
	flag.Parse()
	cutoff, err := time.Parse("2006-01-02", *cut)
	if err != nil {
		fail(err)
	}
	deals, err := load(filepath.Join(*data, "crunchbase-investments.csv.gz"))
	if err != nil {
		fail(err)
	}
	ev := build(deals, cutoff, *minTrain)
	fmt.Printf("deals %d · investors evaluated %d · candidate companies %d · hidden deals %d · cut-off %s\n\n",
		len(deals), len(ev.investors), len(ev.candidates), ev.hidden, *cut)
	fmt.Println("| ranking | recall@10 | recall@50 | recall@100 | NDCG@10 | NDCG@50 | NDCG@100 |")
	fmt.Println("|---|---|---|---|---|---|---|")
	report := func(name string, rank func(inv *investor) []int) {
		var m metrics
		for _, inv := range ev.investors {
			m.add(rank(inv), inv.truth)
		}
		m.print(name, len(ev.investors))
	}
	rng := rand.New(rand.NewPCG(42, 42))
	report("random", func(*investor) []int { return rng.Perm(len(ev.candidates))[:100] })
	bySize := ev.orderBy(func(c *candidate) float64 { return c.roundWan })
	report("popularity: round size (known at decision time)", func(*investor) []int { return bySize })
	byCount := ev.orderBy(func(c *candidate) float64 { return float64(c.investors) })
	report("popularity: investors in the hidden period (leaks the future)", func(*investor) []int { return byCount })

	variants := []struct {
		name string
		w    func(*matching.Weights)
	}{
		{"matching, default weights", func(*matching.Weights) {}},
		{"  without neighbouring-stage credit", func(w *matching.Weights) { w.StageNear, w.StageFar = 0, 0 }},
		{"  without cheque fit", func(w *matching.Weights) { w.ChequeIn, w.ChequeNear = 0, 0 }},
		{"  without district", func(w *matching.Weights) { w.District, w.OpenDistrict = 0, 0 }},
		{"  without related-sector credit", func(w *matching.Weights) { w.FamilySector = 0 }},
		{"  weights before this evaluation (family 7, stage 5/2, cheque 4/2, district 2/1)", func(w *matching.Weights) {
			w.FamilySector, w.StageNear, w.StageFar, w.ChequeIn, w.ChequeNear, w.District, w.OpenDistrict = 7, 5, 2, 4, 2, 2, 1
		}},
	}
	for _, v := range variants {
		w := matching.DefaultWeights
		v.w(&w)
		report(v.name, ev.ranker(w))
	}
	if *grid {
		ev.search()
	}
}

// ranker returns the matching ranking under w.
func (ev *eval) ranker(w matching.Weights) func(*investor) []int {
	idx := ev.index(w)
	return func(inv *investor) []int {
		r := idx.Rank(matching.Query{Thesis: inv.thesis, Limit: 100, Now: ev.now})
		out := make([]int, len(r.Results))
		for i, res := range r.Results {
			n, _ := strconv.ParseInt(res.ID, 16, 64)
			out[i] = int(n)
		}
		return out
	}
}

// search tries a grid over the four within-tier weights the data can
// measure (district, cheque, stage steps, related sector) and prints the
// five best by NDCG@10.
func (ev *eval) search() {
	type row struct {
		w    matching.Weights
		ndcg float64
		rec  float64
	}
	var rows []row
	for _, d := range []float64{2, 4, 6, 8} {
		for _, c := range []float64{2, 4, 6} {
			for _, st := range []float64{0, 2, 4} {
				for _, f := range []float64{0, 2, 4} {
					w := matching.DefaultWeights
					w.District, w.OpenDistrict, w.ChequeIn, w.ChequeNear, w.StageNear, w.StageFar, w.FamilySector = d, d/2, c, c/2, st, st/2, f
					if !w.Valid() {
						continue
					}
					rank := ev.ranker(w)
					var m metrics
					for _, inv := range ev.investors {
						m.add(rank(inv), inv.truth)
					}
					n := float64(len(ev.investors))
					rows = append(rows, row{w, m.ndcg[0] / n, m.recall[2] / n})
				}
			}
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ndcg > rows[j].ndcg })
	fmt.Println("\n| district | cheque | stage near | related sector | NDCG@10 | recall@100 |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows[:min(8, len(rows))] {
		fmt.Printf("| %.0f | %.0f | %.0f | %.0f | %.4f | %.4f |\n", r.w.District, r.w.ChequeIn, r.w.StageNear, r.w.FamilySector, r.ndcg, r.rec)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "evalmatch:", err)
	os.Exit(1)
}

// load reads the investments file: Mac Roman text with CR line ends.
func load(path string) ([]deal, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(gz)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(bytes.ReplaceAll(raw, []byte("\r"), []byte("\n"))))
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	var out []deal
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil || len(rec) != len(head) {
			continue // the one record split by an embedded newline
		}
		at, err := time.Parse("2006-01-02", rec[col["funded_at"]])
		if err != nil {
			continue
		}
		stage, ok := stageOf[rec[col["funding_round_type"]]]
		if !ok {
			continue
		}
		cat := rec[col["company_category_code"]]
		sector := sectorOf[cat]
		if sector == "" {
			sector = "cb:" + cat
		}
		usd, _ := strconv.ParseFloat(rec[col["raised_amount_usd"]], 64)
		out = append(out, deal{investor: rec[col["investor_permalink"]], company: rec[col["company_permalink"]], sector: sector,
			region: rec[col["company_region"]], stage: stage, roundWan: usd * usdToWan, at: at})
	}
	return out, nil
}

type candidate struct {
	id        int
	company   string
	sector    string
	region    string
	stage     int
	roundWan  float64
	investors int
}

type investor struct {
	thesis matching.Thesis
	truth  map[int]bool
}

type eval struct {
	candidates []*candidate
	investors  []*investor
	hidden     int
	now        time.Time
}

// build splits the deals at cutoff: theses from before, truth from after.
func build(deals []deal, cutoff time.Time, minTrain int) *eval {
	sort.Slice(deals, func(i, j int) bool { return deals[i].at.Before(deals[j].at) })
	ev := &eval{now: cutoff}
	byCompany := map[string]*candidate{}
	seen := map[[2]string]bool{}
	for _, d := range deals {
		if d.at.Before(cutoff) {
			continue
		}
		c := byCompany[d.company]
		if c == nil { // a company is judged as at its first round after the cut-off
			c = &candidate{id: len(ev.candidates), company: d.company, sector: d.sector, region: d.region, stage: d.stage, roundWan: d.roundWan}
			byCompany[d.company] = c
			ev.candidates = append(ev.candidates, c)
		}
		if !seen[[2]string{d.investor, d.company}] {
			seen[[2]string{d.investor, d.company}] = true
			c.investors++
		}
	}
	// The index keys districts by a byte; keep the 250 busiest regions and
	// leave the long tail without a district.
	regionN := map[string]int{}
	for _, d := range deals {
		regionN[d.region]++
	}
	regions := make([]string, 0, len(regionN))
	for r := range regionN {
		regions = append(regions, r)
	}
	sort.Slice(regions, func(i, j int) bool {
		return regionN[regions[i]] > regionN[regions[j]] || regionN[regions[i]] == regionN[regions[j]] && regions[i] < regions[j]
	})
	keep := map[string]bool{}
	for _, r := range regions[:min(250, len(regions))] {
		keep[r] = true
	}
	for i := range deals {
		if !keep[deals[i].region] {
			deals[i].region = ""
		}
	}
	for _, c := range ev.candidates {
		if !keep[c.region] {
			c.region = ""
		}
	}
	train := map[string][]deal{}
	test := map[string]map[int]bool{}
	backed := map[[2]string]bool{}
	for _, d := range deals {
		if d.at.Before(cutoff) {
			train[d.investor] = append(train[d.investor], d)
			backed[[2]string{d.investor, d.company}] = true
		}
	}
	for _, d := range deals {
		if !d.at.Before(cutoff) && !backed[[2]string{d.investor, d.company}] {
			if test[d.investor] == nil {
				test[d.investor] = map[int]bool{}
			}
			test[d.investor][byCompany[d.company].id] = true
		}
	}
	names := make([]string, 0, len(train))
	for n := range train {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		ds := train[name]
		companies := map[string]bool{}
		for _, d := range ds {
			companies[d.company] = true
		}
		if len(companies) < minTrain || len(test[name]) == 0 {
			continue
		}
		ev.investors = append(ev.investors, &investor{thesis: deriveThesis(ds), truth: test[name]})
		ev.hidden += len(test[name])
	}
	return ev
}

// deriveThesis states what an investor's earlier deals say they look for:
// sectors and stages that make up at least a fifth of their deals (at most
// three sectors), the 10th–90th percentile of their round sizes, and the
// regions where they did at least two deals.
func deriveThesis(ds []deal) matching.Thesis {
	var t matching.Thesis
	count := func(key func(deal) string) []string {
		n := map[string]int{}
		for _, d := range ds {
			n[key(d)]++
		}
		var keys []string
		for k := range n {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return n[keys[i]] > n[keys[j]] || n[keys[i]] == n[keys[j]] && keys[i] < keys[j] })
		var out []string
		for _, k := range keys {
			if float64(n[k]) >= 0.2*float64(len(ds)) {
				out = append(out, k)
			}
		}
		if len(out) == 0 && len(keys) > 0 {
			out = keys[:1]
		}
		return out
	}
	t.Sectors = count(func(d deal) string { return d.sector })
	if len(t.Sectors) > 3 {
		t.Sectors = t.Sectors[:3]
	}
	for _, s := range count(func(d deal) string { return strconv.Itoa(d.stage) }) {
		n, _ := strconv.Atoi(s)
		t.Stages = append(t.Stages, n)
	}
	var sizes []float64
	for _, d := range ds {
		if d.roundWan > 0 {
			sizes = append(sizes, d.roundWan)
		}
	}
	if len(sizes) > 0 {
		sort.Float64s(sizes)
		t.ChequeMin, t.ChequeMax = sizes[len(sizes)/10], sizes[len(sizes)*9/10]
	}
	regions := map[string]int{}
	for _, d := range ds {
		regions[d.region]++
	}
	for r, n := range regions {
		if n >= 2 && r != "" && r != "unknown" {
			t.Districts = append(t.Districts, r)
		}
	}
	sort.Strings(t.Districts)
	return t
}

func (ev *eval) index(w matching.Weights) *matching.Index {
	fams := map[string]string{}
	for s, f := range familyOf {
		fams[s] = f
	}
	idx, err := matching.NewIndex(w, fams)
	if err != nil {
		fail(err)
	}
	for _, c := range ev.candidates {
		err := idx.Upsert(matching.Startup{ID: fmt.Sprintf("%024x", c.id), Sector: c.sector, Stage: c.stage, AskWan: c.roundWan,
			District: c.region, Completeness: 1, UpdatedAt: ev.now})
		if err != nil {
			fail(err)
		}
	}
	return idx
}

// orderBy ranks all candidates by key, largest first; the same list for everyone.
func (ev *eval) orderBy(key func(*candidate) float64) []int {
	ids := make([]int, len(ev.candidates))
	for i := range ids {
		ids[i] = i
	}
	sort.SliceStable(ids, func(i, j int) bool { return key(ev.candidates[ids[i]]) > key(ev.candidates[ids[j]]) })
	return ids[:100]
}

type metrics struct{ recall, ndcg [3]float64 }

var ks = [3]int{10, 50, 100}

func (m *metrics) add(ranked []int, truth map[int]bool) {
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
		m.recall[i] += hits / float64(len(truth))
		m.ndcg[i] += dcg / idcg
	}
}

func (m *metrics) print(name string, n int) {
	f := func(x float64) string { return fmt.Sprintf("%.4f", x/float64(n)) }
	fmt.Printf("| %s | %s | %s | %s | %s | %s | %s |\n", name, f(m.recall[0]), f(m.recall[1]), f(m.recall[2]), f(m.ndcg[0]), f(m.ndcg[1]), f(m.ndcg[2]))
}
