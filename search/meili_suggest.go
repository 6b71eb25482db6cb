package search

import (
	"context"
	"fmt"

	"github.com/meilisearch/meilisearch-go"
)

// meiliSuggestRequest asks for names whose words or pinyin start with what
// has been typed: Meilisearch matches the last query word as a prefix.
func meiliSuggestRequest(q SuggestQuery, limit int) *meilisearch.SearchRequest {
	req := &meilisearch.SearchRequest{Limit: int64(3 * limit), AttributesToSearchOn: []string{"name", "pinyin"},
		AttributesToRetrieve: []string{"id", "kind", "name"}, MatchingStrategy: meilisearch.All, Locales: []string{"cmn", "eng"}}
	if q.Kind != "" {
		req.Filter = meiliFilter(Query{Kind: q.Kind})
	}
	return req
}

// Suggest completes a prefix to names of profiles and of sectors and districts.
func (m *Meili) Suggest(ctx context.Context, q SuggestQuery) ([]Suggestion, error) {
	prefix := suggestPrefix(q.Text)
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSuggest
	}
	out := []Suggestion{}
	if prefix == "" {
		return out, nil
	}
	out = append(out, m.voc.suggest(prefix, min(maxVocabSuggest, limit))...)
	res, err := m.index.Search(ctx, prefix, meiliSuggestRequest(q, limit))
	if err != nil {
		return nil, unavailable("suggest", err)
	}
	var hits []meiliHit
	if err := res.Hits.DecodeInto(&hits); err != nil {
		return nil, fmt.Errorf("search: decode suggestions: %w", err)
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == limit {
			break
		}
		if h.Name == "" || seen[string(h.Kind)+h.Name] {
			continue
		}
		seen[string(h.Kind)+h.Name] = true
		out = append(out, Suggestion{Text: h.Name, Kind: string(h.Kind), ID: h.ID})
	}
	return out, nil
}
