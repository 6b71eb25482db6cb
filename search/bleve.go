package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Analyzer names. "std" splits Latin text into words and Han text into
// single characters (Unicode word rules); "zh_bi" turns runs of Han
// characters into overlapping bigrams. Every text field is indexed both
// ways: single-character queries hit the first; longer Chinese queries
// require every bigram of the query in the second, so "集成电路" matches
// text containing that word, not every text with 集 or 路 in it.
const (
	analyzerStd = "std"
	analyzerBi  = "zh_bi"
)

// textFields are the searchable fields with their boosts: the name and
// everything else the profile says in one field. The vocabulary's terms for
// its sectors and districts weigh least (boostTax): a profile's own words
// rank above its sector's. They are not in the index: see vocab_match.go.
var textFields = []struct {
	name  string
	boost float64
}{{"name", 3}, {"text", 1}}

// Derived term fields, each a list of terms indexed as they are: py holds
// the pinyin of the name, summary and tags (syllables, adjacent pairs,
// initials pairs; see pinyinTerms), kw the Han key phrases (name, tags)
// whole, for near matches.
const (
	fieldPy  = "py"
	fieldKw  = "kw"
	fieldSug = "sug" // name prefixes, as typed and in pinyin (suggest.go)
	fieldHl  = "hl"  // stored only: what highlights are cut from
)

// schemaVersion names the index layout; an index on disk with another
// version (or built with another vocabulary) is rebuilt empty and refilled
// by the platform's reindex on start.
const schemaVersion = "6"

var schemaKey = []byte("yc:schema")

// Bleve is the embedded engine: a bleve scorch index on disk. It is safe
// for concurrent use.
type Bleve struct {
	path  string
	voc   *vocab
	plain bool // PlainLayout
	mu    sync.RWMutex
	idx   bleve.Index // nil while stopped
}

// OpenBleve opens the index at path, creating it if needed.
func OpenBleve(path string, opts ...Option) (*Bleve, error) {
	o := buildOptions(opts)
	b := &Bleve{path: path, voc: o.vocab, plain: o.plain}
	if err := b.Start(); err != nil {
		return nil, err
	}
	return b, nil
}

// Filter and facet fields. fc holds a profile's sectors, stages and
// districts as "s:ic", "t:seed", "d:keqiao", with doc values: the three
// facets are one doc-value visit per match instead of three, and the
// shorter the terms the fewer bytes every query decompresses to count
// them. kfc holds the kind ("startup") and the same terms prefixed by it
// ("startup|s:ic"), so a kind and a filter are one term to intersect
// rather than two (every profile of a kind matches the kind alone:
// advancing it costs as much as the text).
const (
	fieldFacets     = "fc"
	fieldKindFacets = "kfc"
)

// facetPrefix is each facet's prefix in fc.
var facetPrefix = map[string]string{"sector": "s", "stage": "t", "district": "d"}

// facetTerm is a facet value's term in fc.
func facetTerm(facet, value string) string { return facetPrefix[facet] + ":" + value }

func newMapping(plain bool) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(analyzerStd, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(analyzerBi, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []any{cjk.WidthName, lowercase.Name, cjk.BigramName},
	}); err != nil {
		return nil, err
	}
	m.DefaultMapping = docMapping(plain)
	m.DefaultAnalyzer = keyword.Name
	return m, nil
}

// docMapping is the document mapping. Nothing is read back from the
// index but the stored fields: highlights are cut in Go (highlight.go) and
// no query needs positions, so no field keeps term vectors, and no field
// feeds bleve's catch-all "_all" field, which no query reads. The plain
// layout is the mapping as it was before (vectors, "_all", one doc-value
// field per facet), kept as the baseline it stands for.
func docMapping(plain bool) *mapping.DocumentMapping {
	lean := func(f *mapping.FieldMapping) *mapping.FieldMapping {
		if !plain {
			f.IncludeTermVectors, f.IncludeInAll = false, false
		}
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range textFields {
		std := lean(bleve.NewTextFieldMapping())
		std.Analyzer = analyzerStd
		std.Store = false
		bi := lean(bleve.NewTextFieldMapping())
		bi.Name, bi.Analyzer, bi.Store = f.name+"_bi", analyzerBi, false
		doc.AddFieldMappingsAt(f.name, std, bi)
	}
	for _, f := range []string{fieldPy, fieldKw, fieldSug} {
		t := bleve.NewTextFieldMapping()
		t.Analyzer = keyword.Name
		t.Store, t.IncludeTermVectors, t.IncludeInAll, t.DocValues = false, false, false, false
		doc.AddFieldMappingsAt(f, t)
	}
	if plain {
		for _, f := range []string{"kind", "sectors", "stages", "districts"} {
			kw := bleve.NewKeywordFieldMapping()
			kw.Store, kw.DocValues = f == "kind", true
			doc.AddFieldMappingsAt(f, kw)
		}
	} else {
		kind := lean(bleve.NewKeywordFieldMapping())
		kind.Index, kind.DocValues = false, false
		doc.AddFieldMappingsAt("kind", kind)
		fc := lean(bleve.NewKeywordFieldMapping())
		fc.Store = false
		doc.AddFieldMappingsAt(fieldFacets, fc)
		kfc := lean(bleve.NewKeywordFieldMapping())
		kfc.Store, kfc.DocValues = false, false
		doc.AddFieldMappingsAt(fieldKindFacets, kfc)
	}
	for _, f := range []string{"askWan", "updatedAt"} {
		num := lean(bleve.NewNumericFieldMapping())
		num.Store, num.DocValues = false, true
		doc.AddFieldMappingsAt(f, num)
	}
	for _, f := range []string{"public", fieldHl} {
		pub := bleve.NewTextFieldMapping()
		pub.Index, pub.Store, pub.IncludeInAll, pub.DocValues = false, true, false, false
		doc.AddFieldMappingsAt(f, pub)
	}
	return doc
}

// Start opens the index; the engine answers again after Stop.
func (b *Bleve) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.idx != nil {
		return nil
	}
	idx, err := bleve.Open(b.path)
	if err == nil {
		if v, _ := idx.GetInternal(schemaKey); string(v) != b.schema() {
			// Another layout or vocabulary: start empty, to be refilled.
			_ = idx.Close()
			if err := os.RemoveAll(b.path); err != nil {
				return fmt.Errorf("search: %w", err)
			}
			err = bleve.ErrorIndexPathDoesNotExist
		}
	}
	if errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		m, merr := newMapping(b.plain)
		if merr != nil {
			return fmt.Errorf("search: mapping: %w", merr)
		}
		if err := os.MkdirAll(b.path, 0o750); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		_ = os.Remove(b.path) // bleve wants to create the folder itself
		if idx, err = bleve.New(b.path, m); err == nil {
			err = idx.SetInternal(schemaKey, []byte(b.schema()))
		}
	}
	if err != nil {
		return fmt.Errorf("search: open %s: %w", b.path, err)
	}
	b.idx = idx
	return nil
}

func (b *Bleve) schema() string {
	if b.plain {
		return schemaVersion + ":plain"
	}
	return schemaVersion + ":" + b.voc.version
}

// Stop closes the index: until Start, every call fails with ErrUnavailable,
// as a remote engine's would while it is down.
func (b *Bleve) Stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.idx == nil {
		return nil
	}
	err := b.idx.Close()
	b.idx = nil
	return err
}

// Close closes the index.
func (b *Bleve) Close() error { return b.Stop() }

// index returns the open index with the read lock held; call the returned
// function when done.
func (b *Bleve) index(op string) (bleve.Index, func(), error) {
	b.mu.RLock()
	if b.idx == nil {
		b.mu.RUnlock()
		return nil, nil, unavailable(op, errors.New("embedded index is stopped"))
	}
	return b.idx, b.mu.RUnlock, nil
}

func (b *Bleve) Ping(ctx context.Context) error {
	idx, done, err := b.index("ping")
	if err != nil {
		return err
	}
	defer done()
	if _, err := idx.DocCount(); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

func (b *Bleve) fields(d Document) map[string]any {
	nz := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	tags := strings.Join(d.Tags, " ")
	text := d.Summary + "\n" + tags + "\n" + d.Body
	if b.plain {
		return map[string]any{
			"kind": string(d.Kind), "name": d.Name, "text": text,
			"sectors": nz(d.Sectors), "stages": nz(d.Stages), "districts": nz(d.Districts),
			"askWan": d.AskWan, "updatedAt": float64(d.UpdatedAt.Unix()), "public": string(d.Public),
		}
	}
	var fc []string
	for _, f := range []struct {
		facet  string
		values []string
	}{{"sector", d.Sectors}, {"stage", d.Stages}, {"district", d.Districts}} {
		for _, v := range f.values {
			fc = append(fc, facetTerm(f.facet, v))
		}
	}
	kfc := []string{string(d.Kind)}
	for _, t := range fc {
		kfc = append(kfc, string(d.Kind)+"|"+t)
	}
	if fc == nil {
		fc = []string{}
	}
	var py pinyinTerms
	py.add(d.Name, pyName)
	py.add(tags, pyPhrase)
	py.add(d.Summary, pyFull)
	var kw []string
	for _, t := range append([]string{d.Name}, d.Tags...) {
		kw = append(kw, hanRuns(t)...)
	}
	return map[string]any{
		"kind": string(d.Kind), "name": d.Name, "text": text,
		fieldPy: sorted(append(py.full, py.initials...)),
		fieldKw: sorted(kw), fieldSug: suggestTerms(d.Name), fieldHl: highlightSource(d),
		fieldFacets: fc, fieldKindFacets: kfc,
		"askWan": d.AskWan, "updatedAt": float64(d.UpdatedAt.Unix()), "public": string(d.Public),
	}
}

// hanRuns returns the runs of two or more Han characters in s.
func hanRuns(s string) []string {
	var out []string
	for _, r := range splitRuns(s) {
		if r.han && len([]rune(r.text)) >= 2 {
			out = append(out, r.text)
		}
	}
	return out
}

// batchSize bounds one bleve batch.
const batchSize = 500

func (b *Bleve) Upsert(ctx context.Context, docs []Document) error {
	idx, done, err := b.index("upsert")
	if err != nil {
		return err
	}
	defer done()
	for start := 0; start < len(docs); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := idx.NewBatch()
		for _, d := range docs[start:min(len(docs), start+batchSize)] {
			if err := batch.Index(d.ID, b.fields(d)); err != nil {
				return fmt.Errorf("search: index %s: %w", d.ID, err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			return unavailable("upsert", err)
		}
	}
	return nil
}

func (b *Bleve) Delete(ctx context.Context, ids []string) error {
	idx, done, err := b.index("delete")
	if err != nil {
		return err
	}
	defer done()
	batch := idx.NewBatch()
	for _, id := range ids {
		batch.Delete(id)
	}
	if err := idx.Batch(batch); err != nil {
		return unavailable("delete", err)
	}
	return nil
}

func (b *Bleve) Clear(ctx context.Context, kind Kind) error {
	for {
		res, err := b.Search(ctx, Query{Kind: kind, Limit: 1000})
		if err != nil {
			return err
		}
		if len(res.Hits) == 0 {
			return nil
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		if err := b.Delete(ctx, ids); err != nil {
			return err
		}
	}
}

func (b *Bleve) Count(ctx context.Context, kind Kind) (int, error) {
	res, err := b.Search(ctx, Query{Kind: kind, Limit: 0})
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

func term(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}
