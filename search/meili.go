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
}

// NewMeili connects to the server at url, creates the index uid if needed
// and applies the settings the platform relies on.
func NewMeili(ctx context.Context, url, apiKey, uid string) (*Meili, error) {
	var opts []meilisearch.Option
	if apiKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(apiKey))
	}
	c := meilisearch.New(url, opts...)
	m := &Meili{client: c, index: c.Index(uid), uid: uid}
	task, err := c.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
	if err != nil {
		return nil, unavailable("create index", err)
	}
	if err := m.wait(ctx, "create index", task); err != nil && !strings.Contains(err.Error(), "index_already_exists") {
		return nil, err
	}
	task, err = m.index.UpdateSettings(ctx, meiliSettings())
	if err != nil {
		return nil, unavailable("settings", err)
	}
	if err := m.wait(ctx, "settings", task); err != nil {
		return nil, err
	}
	return m, nil
}

// meiliSettings are the index settings: what is searched (in order of
// importance), filtered, sorted, and that the text fields are Chinese
// first, so Meilisearch segments them as Mandarin.
func meiliSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		SearchableAttributes: []string{"name", "summary", "tags", "body"},
		FilterableAttributes: []string{"kind", "sectors", "stages", "districts", "askWan"},
		SortableAttributes:   []string{"updatedAt", "askWan"},
		DisplayedAttributes:  []string{"id", "kind", "public"},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{
			{AttributePatterns: []string{"name", "summary", "tags", "body"}, Locales: []string{"cmn", "eng"}},
		},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: 100},
		Pagination: &meilisearch.Pagination{MaxTotalHits: 100000},
	}
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
}

func toMeili(docs []Document) []meiliDoc {
	out := make([]meiliDoc, len(docs))
	for i, d := range docs {
		out[i] = meiliDoc{ID: d.ID, Kind: d.Kind, Name: d.Name, Summary: d.Summary, Body: d.Body, Tags: d.Tags,
			Sectors: d.Sectors, Stages: d.Stages, Districts: d.Districts, AskWan: d.AskWan, UpdatedAt: d.UpdatedAt.Unix(), Public: d.Public}
	}
	return out
}

func (m *Meili) Upsert(ctx context.Context, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	pk := "id"
	tasks, err := m.index.AddDocumentsInBatches(ctx, toMeili(docs), meiliBatch, &meilisearch.DocumentOptions{PrimaryKey: &pk})
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

// meiliRequest builds the search request for q.
func meiliRequest(q Query) *meilisearch.SearchRequest {
	limit := int64(q.Limit)
	req := &meilisearch.SearchRequest{
		Offset: int64(q.Offset), Limit: limit, Facets: []string{"sectors", "stages", "districts"},
		AttributesToRetrieve: []string{"id", "kind", "public"}, ShowRankingScore: true,
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

func (m *Meili) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	text := strings.Join(runTexts(splitRuns(q.Text)), " ")
	res, err := m.index.Search(ctx, text, meiliRequest(q))
	if err != nil {
		return nil, unavailable("search", err)
	}
	out := &Result{Hits: []Hit{}, Total: int(res.EstimatedTotalHits), Facets: map[string]map[string]int{}}
	if res.TotalHits > 0 {
		out.Total = int(res.TotalHits)
	}
	var hits []struct {
		ID     string          `json:"id"`
		Kind   Kind            `json:"kind"`
		Public json.RawMessage `json:"public"`
		Score  float64         `json:"_rankingScore"`
	}
	if err := res.Hits.DecodeInto(&hits); err != nil {
		return nil, fmt.Errorf("search: decode hits: %w", err)
	}
	if q.Limit > 0 {
		for _, h := range hits {
			out.Hits = append(out.Hits, Hit{ID: h.ID, Kind: h.Kind, Score: h.Score, Public: h.Public})
		}
	}
	facets, err := decodeFacets(res.FacetDistribution)
	if err != nil {
		return nil, err
	}
	out.Facets = facets
	out.Took = time.Since(start)
	return out, nil
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

func runTexts(rs []run) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.text
	}
	return out
}
