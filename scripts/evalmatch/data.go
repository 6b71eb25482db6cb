package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"slices"
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
	company   string
	sector    string
	region    string
	stage     int
	roundWan  float64
	investors int
}

type investor struct {
	thesis matching.Thesis
	truth  map[int]bool // candidate positions
}

// window is one evaluation: theses from the deals before from, truth from
// the deals in [from, to). Candidates are kept in date order of their
// first round in the window; the ids the ranker sees are a seeded
// permutation of that order (eval.ids), so that no id says when a company
// was funded.
type window struct {
	name       string
	from, to   time.Time
	last       time.Time // the last hidden deal's date
	candidates []*candidate
	investors  []*investor
	hidden     int
}

// build makes the window [from, to) out of deals, which it does not change.
func build(all []deal, name string, from, to time.Time, minTrain int) *window {
	deals := slices.Clone(all)
	sort.SliceStable(deals, func(i, j int) bool { return deals[i].at.Before(deals[j].at) })
	ev := &window{name: name, from: from, to: to}
	inWindow := func(d deal) bool { return !d.at.Before(from) && d.at.Before(to) }
	// The index keys districts by a byte; keep the 250 busiest regions of
	// the deals before the window (not counting the window's own deals)
	// and leave the long tail without a district.
	regionN := map[string]int{}
	for _, d := range deals {
		if d.at.Before(from) {
			regionN[d.region]++
		}
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
	byCompany := map[string]int{}
	seen := map[[2]string]bool{}
	for _, d := range deals {
		if !inWindow(d) {
			continue
		}
		pos, ok := byCompany[d.company]
		if !ok { // a company is judged as at its first round in the window
			pos = len(ev.candidates)
			byCompany[d.company] = pos
			ev.candidates = append(ev.candidates, &candidate{company: d.company, sector: d.sector, region: d.region, stage: d.stage, roundWan: d.roundWan})
		}
		if !seen[[2]string{d.investor, d.company}] {
			seen[[2]string{d.investor, d.company}] = true
			ev.candidates[pos].investors++
		}
		if d.at.After(ev.last) {
			ev.last = d.at
		}
	}
	train := map[string][]deal{}
	test := map[string]map[int]bool{}
	backed := map[[2]string]bool{}
	for _, d := range deals {
		if d.at.Before(from) {
			train[d.investor] = append(train[d.investor], d)
			backed[[2]string{d.investor, d.company}] = true
		}
	}
	for _, d := range deals {
		if inWindow(d) && !backed[[2]string{d.investor, d.company}] {
			if test[d.investor] == nil {
				test[d.investor] = map[int]bool{}
			}
			test[d.investor][byCompany[d.company]] = true
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
