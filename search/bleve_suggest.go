package search

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// defaultSuggest is how many suggestions a query without a limit gets.
const defaultSuggest = 8

// suggestWindow is how many profiles per suggestion asked for are read.
const suggestWindow = 4

// Suggest completes a prefix to names of profiles (of q.Kind, or any) and
// of sectors and districts: one term lookup in the sug field.
func (b *Bleve) Suggest(ctx context.Context, q SuggestQuery) ([]Suggestion, error) {
	prefix := suggestPrefix(q.Text)
	limit := q.Limit
	if limit <= 0 {
		limit = defaultSuggest
	}
	out := []Suggestion{}
	if prefix == "" {
		return out, nil
	}
	out = append(out, b.voc.suggest(prefix, min(maxVocabSuggest, limit))...)
	var qq query.Query = term(fieldSug, prefix)
	if q.Kind != "" {
		qq = bleve.NewConjunctionQuery(qq, term(fieldKindFacets, string(q.Kind)))
	}
	// Several profiles may share a name: ask for more and keep one of each.
	// Unscored, so the engine stops at the first ones found instead of
	// ranking every name with a one-letter prefix; the shortest names
	// (closest to what was typed) are offered first.
	req := bleve.NewSearchRequestOptions(qq, suggestWindow*limit, 0, false)
	req.Score = bleve.ScoreNone
	req.Fields = []string{fieldHl, "kind"}
	idx, done, err := b.index("suggest")
	if err != nil {
		return nil, err
	}
	defer done()
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, unavailable("suggest", err)
	}
	type named struct {
		id, kind, name string
	}
	hits := make([]named, 0, len(res.Hits))
	for _, h := range res.Hits {
		kind, _ := h.Fields["kind"].(string)
		hits = append(hits, named{h.ID, kind, storedSource(h.Fields).Name})
	}
	sort.SliceStable(hits, func(i, j int) bool { return len(hits[i].name) < len(hits[j].name) })
	seen := map[string]bool{}
	for _, h := range hits {
		if len(out) == limit {
			break
		}
		if h.name == "" || seen[h.kind+h.name] {
			continue
		}
		seen[h.kind+h.name] = true
		out = append(out, Suggestion{Text: h.name, Kind: h.kind, ID: h.id})
	}
	return out, nil
}

func storedSource(fields map[string]any) hlSource {
	var src hlSource
	if s, ok := fields[fieldHl].(string); ok {
		_ = json.Unmarshal([]byte(s), &src)
	}
	return src
}

// Dictionary scans for "did you mean" stop after this many terms.
const maxDictScan = 20000

// candidates returns the index's terms that may be what w meant: key
// phrases starting with the same character for Chinese, words starting
// with the same letter for Latin.
func (b *Bleve) candidates(idx bleve.Index) candidateSource {
	return func(w word) []string {
		r := w.runs[0]
		first := string([]rune(r.text)[:1])
		fields := []string{"name", "text"}
		if r.han {
			fields = []string{fieldKw}
		}
		var out []string
		for _, f := range fields {
			d, err := idx.FieldDictPrefix(f, []byte(first))
			if err != nil {
				continue
			}
			for n := 0; n < maxDictScan; n++ {
				e, err := d.Next()
				if err != nil || e == nil {
					break
				}
				out = append(out, e.Term)
			}
			_ = d.Close()
		}
		return out
	}
}
