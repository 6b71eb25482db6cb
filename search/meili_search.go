package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// meiliRequest builds the search request for q.
func meiliRequest(q Query) *meilisearch.SearchRequest {
	limit := int64(q.Limit)
	req := &meilisearch.SearchRequest{
		Offset: int64(q.Offset), Limit: limit, Facets: []string{"sectors", "stages", "districts"},
		AttributesToRetrieve: meiliRetrieve, ShowRankingScore: true,
		MatchingStrategy: meilisearch.All, Locales: []string{"cmn", "eng"},
	}
	if limit == 0 {
		// Meilisearch treats 0 as "default"; ask for one hit and drop it.
		req.Limit = 1
	}
	if f := meiliFilter(q); f != "" {
		req.Filter = f
	}
	switch q.Sort {
	case SortNewest:
		req.Sort = []string{"updatedAt:desc"}
	case SortAskAsc:
		req.Sort = []string{"askWan:asc"}
	case SortAskDesc:
		req.Sort = []string{"askWan:desc"}
	}
	return req
}

// meiliRetrieve are the attributes a hit brings back: the public view, and
// what highlights are cut from.
var meiliRetrieve = []string{"id", "kind", "public", "name", "summary", "tags", "sectors", "districts"}

// meiliTexts returns the query strings to send: the words as typed (the
// server applies synonyms and typo tolerance itself) and, when the query
// has Chinese words of two or more characters, the same query with those
// words in pinyin, which finds a same-sound wrong character (芯偏 → xinpian
// → 芯片) through the pinyin attribute.
func meiliTexts(words []word) []string {
	typed := make([]string, len(words))
	spoken := make([]string, len(words))
	differ := false
	for i, w := range words {
		typed[i] = w.text()
		spoken[i] = typed[i]
		if w.han() && len(w.spellings) > 0 {
			spoken[i] = strings.Join(w.spellings[0], "")
			differ = true
		}
	}
	out := []string{strings.Join(typed, " ")}
	if differ {
		out = append(out, strings.Join(spoken, " "))
	}
	return out
}

// meiliPinyinWeight is the federated weight of the pinyin form of a query.
const meiliPinyinWeight = 0.5

// meiliMulti builds a federated search of several query strings: one list
// of hits merged by ranking score, facets merged.
func (m *Meili) meiliMulti(q Query, texts []string) *meilisearch.MultiSearchRequest {
	req := &meilisearch.MultiSearchRequest{Federation: &meilisearch.MultiSearchFederation{
		Offset: int64(q.Offset), Limit: int64(max(q.Limit, 1)),
		FacetsByIndex: map[string][]string{m.uid: {"sectors", "stages", "districts"}},
		MergeFacets:   &meilisearch.MultiSearchFederationMergeFacets{MaxValuesPerFacet: 100},
	}}
	for i, t := range texts {
		one := &meilisearch.SearchRequest{IndexUID: m.uid, Query: t, AttributesToRetrieve: meiliRetrieve, ShowRankingScore: true,
			MatchingStrategy: meilisearch.All, Locales: []string{"cmn", "eng"}, FederationOptions: &meilisearch.SearchFederationOptions{Weight: 1}}
		if i > 0 {
			one.FederationOptions.Weight = meiliPinyinWeight
		}
		if f := meiliFilter(q); f != "" {
			one.Filter = f
		}
		req.Queries = append(req.Queries, one)
	}
	return req
}

// meiliHit is a hit as Meilisearch returns it.
type meiliHit struct {
	ID        string          `json:"id"`
	Kind      Kind            `json:"kind"`
	Public    json.RawMessage `json:"public"`
	Score     float64         `json:"_rankingScore"`
	Name      string          `json:"name"`
	Summary   string          `json:"summary"`
	Tags      []string        `json:"tags"`
	Sectors   []string        `json:"sectors"`
	Districts []string        `json:"districts"`
}

func (m *Meili) Search(ctx context.Context, q Query) (*Result, error) { return m.search(ctx, q, true) }

// search runs q; correct asks for "did you mean" when nothing matches.
func (m *Meili) search(ctx context.Context, q Query, correct bool) (*Result, error) {
	start := time.Now()
	words := analyze(m.voc, q.Text)
	texts := meiliTexts(words)
	var (
		rawHits meilisearch.Hits
		total   int
		facets  json.RawMessage
	)
	if len(texts) == 1 || q.Sort != "" && q.Sort != SortRelevance {
		res, err := m.index.Search(ctx, texts[0], meiliRequest(q))
		if err != nil {
			return nil, unavailable("search", err)
		}
		rawHits, total, facets = res.Hits, int(res.EstimatedTotalHits), res.FacetDistribution
		if res.TotalHits > 0 {
			total = int(res.TotalHits)
		}
	} else {
		res, err := m.client.MultiSearch(ctx, m.meiliMulti(q, texts))
		if err != nil {
			return nil, unavailable("search", err)
		}
		rawHits, total = res.Hits, int(res.EstimatedTotalHits)
		if facets, err = json.Marshal(res.FacetDistribution); err != nil {
			return nil, fmt.Errorf("search: facets: %w", err)
		}
	}
	out := &Result{Hits: []Hit{}, Total: total}
	var hits []meiliHit
	if err := rawHits.DecodeInto(&hits); err != nil {
		return nil, fmt.Errorf("search: decode hits: %w", err)
	}
	if q.Limit > 0 {
		for _, h := range hits {
			src := hlSource{Name: h.Name, Summary: h.Summary, Tags: h.Tags, Sectors: h.Sectors, Districts: h.Districts}
			out.Hits = append(out.Hits, Hit{ID: h.ID, Kind: h.Kind, Score: h.Score, Public: h.Public, Highlights: highlights(words, m.voc, src)})
		}
	}
	f, err := decodeFacets(facets)
	if err != nil {
		return nil, err
	}
	out.Facets = f
	if correct && out.Total == 0 && len(words) > 0 {
		count := func(ctx context.Context, text string) (int, error) {
			fixed := q
			fixed.Text, fixed.Offset, fixed.Limit = text, 0, 0
			r, err := m.search(ctx, fixed, false)
			if err != nil {
				return 0, err
			}
			return r.Total, nil
		}
		// Only the vocabulary's terms are candidates: Meilisearch has no
		// term dictionary to read.
		if out.DidYouMean, err = didYouMean(ctx, words, m.voc, nil, count); err != nil {
			return nil, err
		}
	}
	out.Took = time.Since(start)
	return out, nil
}
