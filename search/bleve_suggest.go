package search

import (
	"context"
	"encoding/json"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// defaultSuggest is how many suggestions a query without a limit gets.
const defaultSuggest = 8

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
		qq = bleve.NewConjunctionQuery(qq, term("kind", string(q.Kind)))
	}
	// Several profiles may share a name: ask for more and keep one of each.
	req := bleve.NewSearchRequestOptions(qq, 3*limit, 0, false)
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
	seen := map[string]bool{}
	for _, h := range res.Hits {
		if len(out) == limit {
			break
		}
		src := storedSource(h.Fields)
		kind, _ := h.Fields["kind"].(string)
		if src.Name == "" || seen[kind+src.Name] {
			continue
		}
		seen[kind+src.Name] = true
		out = append(out, Suggestion{Text: src.Name, Kind: kind, ID: h.ID})
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
		fields := []string{"name", "text", "tax"}
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
