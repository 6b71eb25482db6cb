package search

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The relevance set (testdata/relevance.json) over the demo set as the
// indexer writes it (testdata/demo_docs.jsonl, regenerated from the seed by
// `UPDATE_SEARCH_DEMO=1 go test ./server -run TestSearchDemoSnapshot`), with the
// vocabulary of the default taxonomy file.

type relevanceSet struct {
	Queries []relevanceQuery `json:"queries"`
}

type relevanceQuery struct {
	Class string     `json:"class"`
	Q     string     `json:"q"`
	All   [][]string `json:"all"`
}

// relevant reports whether d is what q means: every clause holds, a clause
// when any of its items does.
func (q relevanceQuery) relevant(d Document) bool {
	hay := strings.ToLower(d.Name + "\n" + d.Summary + "\n" + strings.Join(d.Tags, "\n") + "\n" + d.Body)
	for _, clause := range q.All {
		ok := false
		for _, item := range clause {
			switch {
			case strings.HasPrefix(item, "sector:"):
				ok = ok || slices.Contains(d.Sectors, strings.TrimPrefix(item, "sector:"))
			case strings.HasPrefix(item, "district:"):
				ok = ok || slices.Contains(d.Districts, strings.TrimPrefix(item, "district:"))
			default:
				ok = ok || strings.Contains(hay, strings.ToLower(item))
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func loadDemoDocs(t testing.TB) []Document {
	t.Helper()
	f, err := os.Open("testdata/demo_docs.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []Document
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d Document
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		d.Public, _ = json.Marshal(map[string]string{"id": d.ID, "name": d.Name})
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return docs
}

// defaultVocabulary reads the default taxonomy file, whose shape a
// Vocabulary decodes (the search package does not import the server).
func defaultVocabulary(t testing.TB) Vocabulary {
	t.Helper()
	b, err := os.ReadFile("../server/taxonomy/shaoxing.json")
	if err != nil {
		t.Fatal(err)
	}
	var v Vocabulary
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// relevance targets (issue 16).
const (
	targetRecall      = 0.9
	targetClassRecall = 0.8
)

func TestRelevance(t *testing.T) {
	var set relevanceSet
	b, err := os.ReadFile("testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Queries) < 60 {
		t.Fatalf("%d queries; the set needs at least 60", len(set.Queries))
	}
	docs := loadDemoDocs(t)
	e, err := OpenBleve(filepath.Join(t.TempDir(), "idx"), WithVocabulary(defaultVocabulary(t)))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	if err := e.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	byID := map[string]Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	type sums struct {
		p5, r10 float64
		n       int
	}
	classes := map[string]*sums{}
	var all sums
	var report []string
	for _, q := range set.Queries {
		rel := 0
		for _, d := range docs {
			if q.relevant(d) {
				rel++
			}
		}
		if rel == 0 {
			t.Errorf("%q: no demo profile is relevant; the set is wrong", q.Q)
			continue
		}
		res, err := e.Search(ctx, Query{Text: q.Q, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		hit5, hit10 := 0, 0
		var missed []string
		for i, h := range res.Hits {
			if q.relevant(byID[h.ID]) {
				hit10++
				if i < 5 {
					hit5++
				}
			} else if i < 5 {
				missed = append(missed, byID[h.ID].Name)
			}
		}
		p5 := float64(hit5) / float64(min(5, rel))
		if rel < 5 {
			// Fewer relevant profiles than places: precision over what
			// could be relevant, so a perfect answer scores 1.
			p5 = float64(hit5) / float64(rel)
		}
		r10 := float64(hit10) / float64(min(10, rel))
		if q.Class == "exact" && p5 < 1 {
			t.Errorf("exact-word query %q changed: precision@5 %.2f (not relevant in the top 5: %v)", q.Q, p5, missed)
		}
		c := classes[q.Class]
		if c == nil {
			c = &sums{}
			classes[q.Class] = c
		}
		for _, s := range []*sums{c, &all} {
			s.p5 += p5
			s.r10 += r10
			s.n++
		}
		if r10 < 1 || p5 < 1 {
			report = append(report, fmt.Sprintf("  %-16s %-24q relevant %3d  p@5 %.2f  r@10 %.2f  total %d  top-5 not relevant: %v",
				q.Class, q.Q, rel, p5, r10, res.Total, missed))
		}
	}
	names := make([]string, 0, len(classes))
	for c := range classes {
		names = append(names, c)
	}
	sort.Strings(names)
	t.Logf("relevance over %d demo profiles, %d queries (bleve):", len(docs), all.n)
	t.Logf("  %-16s %7s %12s %10s", "class", "queries", "precision@5", "recall@10")
	for _, name := range names {
		c := classes[name]
		t.Logf("  %-16s %7d %12.3f %10.3f", name, c.n, c.p5/float64(c.n), c.r10/float64(c.n))
		if r := c.r10 / float64(c.n); r < targetClassRecall {
			t.Errorf("class %s: recall@10 %.3f < %.1f", name, r, targetClassRecall)
		}
	}
	t.Logf("  %-16s %7d %12.3f %10.3f", "all", all.n, all.p5/float64(all.n), all.r10/float64(all.n))
	if r := all.r10 / float64(all.n); r < targetRecall {
		t.Errorf("recall@10 %.3f < %.1f", r, targetRecall)
	}
	if len(report) > 0 {
		t.Logf("queries below 1:\n%s", strings.Join(report, "\n"))
	}
}
