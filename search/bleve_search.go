package search

import (
	"context"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

var facetField = map[string]string{"sector": "sectors", "stage": "stages", "district": "districts"}

func (b *Bleve) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	idx, done, err := b.index("search")
	if err != nil {
		return nil, err
	}
	defer done()
	words := analyze(b.voc, q.Text)
	out, err := b.searchIn(ctx, idx, q, words)
	if err != nil {
		return nil, err
	}
	if out.Total == 0 && len(words) > 0 {
		count := func(ctx context.Context, text string) (int, error) {
			fixed := q
			fixed.Text, fixed.Offset, fixed.Limit = text, 0, 0
			r, err := b.searchIn(ctx, idx, fixed, analyze(b.voc, text))
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

// searchIn runs q, read as words, on the open index.
func (b *Bleve) searchIn(ctx context.Context, idx bleve.Index, q Query, words []word) (*Result, error) {
	conj := []query.Query{textQuery(words)}
	if q.Kind != "" {
		conj = append(conj, term("kind", string(q.Kind)))
	}
	for field, v := range map[string]string{"sectors": q.Sector, "stages": q.Stage, "districts": q.District} {
		if v != "" {
			conj = append(conj, term(field, v))
		}
	}
	if q.AskMin != nil || q.AskMax != nil {
		yes := true
		r := bleve.NewNumericRangeInclusiveQuery(q.AskMin, q.AskMax, &yes, &yes)
		r.SetField("askWan")
		conj = append(conj, r)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(conj...), q.Limit, q.Offset, false)
	req.Fields = []string{"public", "kind", fieldHl}
	for _, f := range Facets {
		req.AddFacet(f, bleve.NewFacetRequest(facetField[f], 100))
	}
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
		counts := map[string]int{}
		if fr, ok := res.Facets[f]; ok && fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				counts[t.Term] = t.Count
			}
		}
		out.Facets[f] = counts
	}
	return out, nil
}
