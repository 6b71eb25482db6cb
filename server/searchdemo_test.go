package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"testing"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/seed"
)

// searchDemoFile is the demo set as the search engine sees it. The search
// package's relevance test (search/relevance_test.go) runs over it, since
// search may not import the server to build the demo set itself.
const searchDemoFile = "../search/testdata/demo_docs.jsonl"

// capture is an Engine that keeps what it is given.
type capture struct{ docs []search.Document }

func (c *capture) Upsert(_ context.Context, d []search.Document) error {
	c.docs = append(c.docs, d...)
	return nil
}
func (c *capture) Delete(context.Context, []string) error          { return nil }
func (c *capture) Clear(context.Context, search.Kind) error        { return nil }
func (c *capture) Count(context.Context, search.Kind) (int, error) { return 0, nil }
func (c *capture) Search(context.Context, search.Query) (*search.Result, error) {
	return &search.Result{}, nil
}
func (c *capture) Suggest(context.Context, search.SuggestQuery) ([]search.Suggestion, error) {
	return nil, nil
}
func (c *capture) Ping(context.Context) error { return nil }
func (c *capture) Close() error               { return nil }

// demoSearchDocs renders the documents in a stable form: ids and times are
// the database's, so documents are sorted by content and numbered.
func demoSearchDocs(docs []search.Document) []byte {
	type row struct {
		ID        string   `json:"id"`
		Kind      string   `json:"kind"`
		Name      string   `json:"name"`
		Summary   string   `json:"summary"`
		Body      string   `json:"body"`
		Tags      []string `json:"tags,omitempty"`
		Sectors   []string `json:"sectors,omitempty"`
		Stages    []string `json:"stages,omitempty"`
		Districts []string `json:"districts,omitempty"`
		AskWan    float64  `json:"askWan,omitempty"`
	}
	rows := make([]row, len(docs))
	for i, d := range docs {
		rows[i] = row{Kind: string(d.Kind), Name: d.Name, Summary: d.Summary, Body: d.Body, Tags: d.Tags,
			Sectors: d.Sectors, Stages: d.Stages, Districts: d.Districts, AskWan: d.AskWan}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Summary, b.Summary), cmp.Compare(a.Body, b.Body))
	})
	var buf bytes.Buffer
	for i, r := range rows {
		r.ID = fmt.Sprintf("%s-%03d", r.Kind[:2], i)
		b, _ := json.Marshal(r)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// TestSearchDemoSnapshot loads the full demo set as `make run` does and
// checks that search/testdata/demo_docs.jsonl still holds what the indexer
// would write for it; UPDATE_SEARCH_DEMO=1 rewrites the file.
func TestSearchDemoSnapshot(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SeedDemo = true
	m := NewMain(cfg, slog.New(slog.DiscardHandler))
	m.HashParams = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}
	m.SeedSizes = seed.DefaultSizes
	if err := m.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer m.Close()
	// Open no longer loads the demo set: the start-up work (prepare) does,
	// behind /readyz. Without it the index held nothing to compare.
	if err := m.prepare(t.Context()); err != nil {
		t.Fatalf("prepare: %v", err)
	}
	var c capture
	ix := app.NewIndexer(m.db, &c, nil, slog.New(slog.DiscardHandler))
	if err := ix.Reindex(t.Context(), func(string, int) {}); err != nil {
		t.Fatal(err)
	}
	if len(c.docs) == 0 {
		t.Fatal("the demo set gave the indexer no document")
	}
	got := demoSearchDocs(c.docs)
	if os.Getenv("UPDATE_SEARCH_DEMO") != "" {
		if err := os.WriteFile(searchDemoFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s: %d documents", searchDemoFile, len(c.docs))
		return
	}
	want, err := os.ReadFile(searchDemoFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not the demo set any more (the seed changed?): regenerate it with "+
			"UPDATE_SEARCH_DEMO=1 go test ./server -run TestSearchDemoSnapshot, then re-read the relevance set "+
			"(search/testdata/relevance.json) against it", searchDemoFile)
	}
}
