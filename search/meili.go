package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Meilisearch timing and sizes.
const (
	meiliBatch        = 1000
	meiliTaskPoll     = 50 * time.Millisecond
	meiliTaskDeadline = 2 * time.Minute
)

// Meili is the engine backed by a Meilisearch server. It is safe for
// concurrent use. No type of the Meilisearch client leaves this file.
type Meili struct {
	client meilisearch.ServiceManager
	index  meilisearch.IndexManager
	uid    string
	voc    *vocab
}

// NewMeili connects to the server at url, creates the index uid if needed
// and applies the settings the platform relies on.
func NewMeili(ctx context.Context, url, apiKey, uid string, opts ...Option) (*Meili, error) {
	var copts []meilisearch.Option
	if apiKey != "" {
		copts = append(copts, meilisearch.WithAPIKey(apiKey))
	}
	c := meilisearch.New(url, copts...)
	m := &Meili{client: c, index: c.Index(uid), uid: uid, voc: buildOptions(opts).vocab}
	task, err := c.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
	if err != nil {
		return nil, unavailable("create index", err)
	}
	if err := m.wait(ctx, "create index", task); err != nil && !strings.Contains(err.Error(), "index_already_exists") {
		return nil, err
	}
	task, err = m.index.UpdateSettings(ctx, meiliSettings(m.voc))
	if err != nil {
		return nil, unavailable("settings", err)
	}
	if err := m.wait(ctx, "settings", task); err != nil {
		return nil, err
	}
	return m, nil
}

// meiliSettings are the index settings: what is searched (in order of
// importance), filtered, sorted; that the text fields are Chinese first, so
// Meilisearch segments them as Mandarin; the vocabulary's synonyms; and
// typo tolerance as the embedded engine has it, but never on pinyin, where
// one letter off is another word.
func meiliSettings(v *vocab) *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: meiliSearchable,
		FilterableAttributes: []string{"kind", "sectors", "stages", "districts", "askWan"},
		SortableAttributes:   []string{"updatedAt", "askWan"},
		DisplayedAttributes:  []string{"id", "kind", "public", "name", "summary", "tags", "sectors", "districts"},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{
			{AttributePatterns: meiliText, Locales: []string{"cmn", "eng"}},
		},
		Synonyms: meiliSynonyms(v),
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnAttributes: []string{"pinyin", "taxPinyin"},
		},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: 100},
		Pagination: &meilisearch.Pagination{MaxTotalHits: 100000},
	}
}

// meiliText are the text attributes; meiliSearchable adds the derived ones.
var (
	meiliText       = []string{"name", "summary", "tags", "body", "tax"}
	meiliSearchable = []string{"name", "summary", "tags", "body", "pinyin", "tax", "taxPinyin"}
)

// meiliSynonyms maps every vocabulary term to the rest of its groups, in
// lower case as Meilisearch compares them.
func meiliSynonyms(v *vocab) map[string][]string {
	out := map[string][]string{}
	for _, g := range v.groups {
		for _, t := range g {
			k := strings.ToLower(t)
			for _, o := range g {
				if o != t && !contains(out[k], strings.ToLower(o)) {
					out[k] = append(out[k], strings.ToLower(o))
				}
			}
		}
	}
	return out
}

// wait waits for a task; a failed task is an error even though the client
// returns it with a nil error.
func (m *Meili) wait(ctx context.Context, op string, info *meilisearch.TaskInfo) error {
	ctx, cancel := context.WithTimeout(ctx, meiliTaskDeadline)
	defer cancel()
	t, err := m.index.WaitForTask(ctx, info.TaskUID, meiliTaskPoll)
	if err != nil {
		return unavailable(op+" wait", err)
	}
	return taskError(op, t)
}

func taskError(op string, t *meilisearch.Task) error {
	switch t.Status {
	case meilisearch.TaskStatusSucceeded:
		return nil
	case meilisearch.TaskStatusFailed:
		return fmt.Errorf("search: %s: task %d failed: %s: %s", op, t.UID, t.Error.Code, t.Error.Message)
	}
	return fmt.Errorf("search: %s: task %d ended %s", op, t.UID, t.Status)
}

// meiliDoc is a Document as stored in Meilisearch.
type meiliDoc struct {
	ID        string          `json:"id"`
	Kind      Kind            `json:"kind"`
	Name      string          `json:"name"`
	Summary   string          `json:"summary"`
	Body      string          `json:"body"`
	Tags      []string        `json:"tags"`
	Sectors   []string        `json:"sectors"`
	Stages    []string        `json:"stages"`
	Districts []string        `json:"districts"`
	AskWan    float64         `json:"askWan"`
	UpdatedAt int64           `json:"updatedAt"`
	Public    json.RawMessage `json:"public"`
	// Derived, as in the embedded engine: the vocabulary's terms for the
	// profile's sectors and districts, and pinyin (meiliPinyin).
	Tax       []string `json:"tax"`
	Pinyin    []string `json:"pinyin"`
	TaxPinyin []string `json:"taxPinyin"`
}

func toMeili(v *vocab, docs []Document) []meiliDoc {
	out := make([]meiliDoc, len(docs))
	for i, d := range docs {
		tax := v.docTerms(d)
		var taxpy []string
		for _, t := range tax {
			taxpy = append(taxpy, meiliPinyin(t, false)...)
		}
		name := meiliPinyin(d.Name, true)
		for _, t := range append([]string{d.Summary}, d.Tags...) {
			name = append(name, meiliPinyin(t, false)...)
		}
		out[i] = meiliDoc{ID: d.ID, Kind: d.Kind, Name: d.Name, Summary: d.Summary, Body: d.Body, Tags: d.Tags,
			Sectors: d.Sectors, Stages: d.Stages, Districts: d.Districts, AskWan: d.AskWan, UpdatedAt: d.UpdatedAt.Unix(), Public: d.Public,
			Tax: tax, Pinyin: sorted(name), TaxPinyin: sorted(taxpy)}
	}
	return out
}

// meiliPinyin returns the pinyin words Meilisearch indexes for a text:
// each Han run written whole ("jianhuziben", and its initials "jhzb"), so a
// query word matches it exactly or as a prefix, and every two adjacent
// syllables ("huangjiu"), so a word inside a longer run is found too. For
// names every combination of polyphone readings is kept (at most
// maxSpellings); for other text the most common reading.
func meiliPinyin(text string, name bool) []string {
	limit := 1
	if name {
		limit = maxSpellings
	}
	var out []string
	for _, r := range splitRuns(text) {
		if !r.han {
			continue
		}
		for _, sp := range hanReadings(r.text, limit) {
			ini := make([]byte, len(sp))
			for i, s := range sp {
				ini[i] = initial(s)
			}
			out = append(out, strings.Join(sp, ""), string(ini))
			if len(sp) > 2 {
				out = append(out, pairs(sp)...)
			}
		}
	}
	return out
}

func (m *Meili) Upsert(ctx context.Context, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	pk := "id"
	tasks, err := m.index.AddDocumentsInBatches(ctx, toMeili(m.voc, docs), meiliBatch, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return unavailable("add documents", err)
	}
	for i := range tasks {
		if err := m.wait(ctx, "add documents", &tasks[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *Meili) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	task, err := m.index.DeleteDocuments(ctx, ids, nil)
	if err != nil {
		return unavailable("delete documents", err)
	}
	return m.wait(ctx, "delete documents", task)
}

func (m *Meili) Clear(ctx context.Context, kind Kind) error {
	task, err := m.index.DeleteDocumentsByFilter(ctx, meiliFilter(Query{Kind: kind}), nil)
	if err != nil {
		return unavailable("clear", err)
	}
	return m.wait(ctx, "clear", task)
}

func (m *Meili) Count(ctx context.Context, kind Kind) (int, error) {
	r, err := m.Search(ctx, Query{Kind: kind, Limit: 0})
	if err != nil {
		return 0, err
	}
	return r.Total, nil
}

func (m *Meili) Ping(ctx context.Context) error {
	if _, err := m.client.Health(ctx); err != nil {
		return unavailable("health", err)
	}
	return nil
}

// Close releases nothing: the client holds no connection of its own.
func (m *Meili) Close() error { return nil }

// quote makes a Meilisearch filter string literal.
func quote(s string) string { return strconv.Quote(s) }

// meiliFilter turns a query's filters into Meilisearch filter syntax.
func meiliFilter(q Query) string {
	var parts []string
	if q.Kind != "" {
		parts = append(parts, "kind = "+quote(string(q.Kind)))
	}
	if q.Sector != "" {
		parts = append(parts, "sectors = "+quote(q.Sector))
	}
	if q.Stage != "" {
		parts = append(parts, "stages = "+quote(q.Stage))
	}
	if q.District != "" {
		parts = append(parts, "districts = "+quote(q.District))
	}
	if q.AskMin != nil {
		parts = append(parts, "askWan >= "+strconv.FormatFloat(*q.AskMin, 'f', -1, 64))
	}
	if q.AskMax != nil {
		parts = append(parts, "askWan <= "+strconv.FormatFloat(*q.AskMax, 'f', -1, 64))
	}
	return strings.Join(parts, " AND ")
}

// decodeFacets maps Meilisearch's facet distribution onto the platform's
// facet names.
func decodeFacets(raw json.RawMessage) (map[string]map[string]int, error) {
	out := map[string]map[string]int{"sector": {}, "stage": {}, "district": {}}
	if len(raw) == 0 {
		return out, nil
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(raw, &dist); err != nil {
		return nil, errors.New("search: decode facets: " + err.Error())
	}
	for name, field := range map[string]string{"sector": "sectors", "stage": "stages", "district": "districts"} {
		for k, v := range dist[field] {
			out[name][k] = v
		}
	}
	return out, nil
}
