package search

import (
	"context"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func (b *Bleve) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	idx, done, err := b.index("search")
	if err != nil {
		return nil, err
	}
	defer done()
	all := analyze(b.voc, q.Text)
	words, more := firstPass(all)
	out, err := b.searchIn(ctx, idx, q, words, false)
	if err != nil {
		return nil, err
	}
	if more && out.Total < fallbackBelow {
		words = all
		if out, err = b.searchIn(ctx, idx, q, words, false); err != nil {
			return nil, err
		}
	}
	if out.Total == 0 && len(words) > 0 {
		// Whether the correction finds anything: the first match will do.
		count := func(ctx context.Context, text string) (int, error) {
			fixed := q
			fixed.Text = text
			r, err := b.searchIn(ctx, idx, fixed, analyze(b.voc, text), true) // both passes at once
			if err != nil {
				return 0, err
			}
			return r.Total, nil
		}
		if out.DidYouMean, err = didYouMean(ctx, words, b.voc, b.candidates(idx), count); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// searchIn runs q, read as words, on the open index. With exists, it only
// finds out whether anything matches: Total is 0 or 1, and nothing else is set.
func (b *Bleve) searchIn(ctx context.Context, idx bleve.Index, q Query, words []word, exists bool) (*Result, error) {
	var conj []query.Query
	if t := textQuery(words, b.voc); t != nil {
		conj = append(conj, t)
	}
	var filters []string
	for _, f := range []struct{ facet, value string }{{"sector", q.Sector}, {"stage", q.Stage}, {"district", q.District}} {
		if f.value != "" {
			filters = append(filters, facetTerm(f.facet, f.value))
		}
	}
	switch {
	case q.Kind != "" && len(filters) > 0:
		conj = append(conj, term(fieldKindFacets, string(q.Kind)+"|"+filters[0]))
		filters = filters[1:]
	case q.Kind != "":
		conj = append(conj, term(fieldKindFacets, string(q.Kind)))
	}
	for _, f := range filters {
		conj = append(conj, term(fieldFacets, f))
	}
	if q.AskMin != nil || q.AskMax != nil {
		yes := true
		r := bleve.NewNumericRangeInclusiveQuery(q.AskMin, q.AskMax, &yes, &yes)
		r.SetField("askWan")
		conj = append(conj, r)
	}
	var qq query.Query
	switch len(conj) {
	case 0: // no words, no filter: every profile
		qq = bleve.NewMatchAllQuery()
	case 1:
		qq = conj[0]
	default:
		qq = bleve.NewConjunctionQuery(conj...)
	}
	if exists {
		// Unscored, no facets, one hit: bleve stops at the first match.
		req := bleve.NewSearchRequestOptions(qq, 1, 0, false)
		req.Score = bleve.ScoreNone
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, unavailable("search", err)
		}
		return &Result{Total: len(res.Hits)}, nil
	}
	req := bleve.NewSearchRequestOptions(qq, q.Limit, q.Offset, false)
	req.Fields = []string{"public", "kind", fieldHl}
	req.AddFacet(fieldFacets, bleve.NewFacetRequest(fieldFacets, maxFacetTerms))
	switch q.Sort {
	case SortNewest:
		req.SortBy([]string{"-updatedAt"})
	case SortAskAsc:
		req.SortBy([]string{"askWan"})
	case SortAskDesc:
		req.SortBy([]string{"-askWan"})
	default:
		req.SortBy([]string{"-_score"})
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, unavailable("search", err)
	}
	out := &Result{Hits: make([]Hit, 0, len(res.Hits)), Total: int(res.Total), Facets: map[string]map[string]int{}}
	for _, h := range res.Hits {
		pub, _ := h.Fields["public"].(string)
		kind, _ := h.Fields["kind"].(string)
		out.Hits = append(out.Hits, Hit{ID: h.ID, Kind: Kind(kind), Score: h.Score, Public: []byte(pub),
			Highlights: highlights(words, b.voc, storedSource(h.Fields))})
	}
	for _, f := range Facets {
		out.Facets[f] = map[string]int{}
	}
	if fr, ok := res.Facets[fieldFacets]; ok && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			prefix, value, _ := strings.Cut(t.Term, ":")
			if facet := facetOfPrefix[prefix]; facet != "" {
				out.Facets[facet][value] = t.Count
			}
		}
	}
	return out, nil
}

var facetOfPrefix = map[string]string{"s": "sector", "t": "stage", "d": "district"}

// maxFacetTerms bounds the facet values counted, over the three facets.
const maxFacetTerms = 1000

// fallbackBelow is how few matches of the words as written (and their
// synonyms, pinyin and initials) make a query try them again with their
// same-sound and one-character-off readings: those readings are there for
// words that find little as typed, and on a word that finds plenty they
// add only noise and cost (every homophone pair and fuzzy key phrase is
// another list to merge over thousands of matches).
const fallbackBelow = 20

// firstPass returns words without their second-pass readings (the pinyin
// of Chinese words and near misses), and whether any word had some.
func firstPass(words []word) ([]word, bool) {
	out := make([]word, len(words))
	more := false
	for i, w := range words {
		if w.han() && (len(w.spellings) > 0 || w.nearHan) {
			w.spellings, w.nearHan = nil, false
			more = true
		}
		out[i] = w
	}
	return out, more
}
