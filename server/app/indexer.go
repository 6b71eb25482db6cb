package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// IndexStore is what the indexer reads from the database to rebuild.
type IndexStore interface {
	EachStartup(ctx context.Context, fn func(domain.Startup) error) error
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
	EachSpace(ctx context.Context, fn func(domain.Space) error) error
}

// Search index sizes.
const (
	indexBatch    = 200
	searchMaxText = 100
)

// Indexer writes profiles' public views to the search engine and answers
// searches. Changes reach it only through the Dispatcher, which applies the
// outbox's marks. It is safe for concurrent use.
type Indexer struct {
	store  IndexStore
	engine search.Engine
	tax    *domain.Taxonomy
	log    *slog.Logger
}

// NewIndexer returns an Indexer over engine; store feeds Reindex.
func NewIndexer(store IndexStore, engine search.Engine, tax *domain.Taxonomy, log *slog.Logger) *Indexer {
	return &Indexer{store: store, engine: engine, tax: tax, log: log}
}

// apply writes docs to the engine and removes the documents gone.
func (ix *Indexer) apply(ctx context.Context, docs []search.Document, gone []string) error {
	if len(docs) > 0 {
		if err := ix.engine.Upsert(ctx, docs); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		return ix.engine.Delete(ctx, gone)
	}
	return nil
}

// document returns the public search document of a changed profile, or
// ok=false if it must not be in the index (deleted, or a draft).
func document(ch Change) (search.Document, bool) {
	switch {
	case ch.Startup != nil:
		return startupDoc(ch.Startup)
	case ch.Investor != nil:
		return investorDoc(ch.Investor), true
	case ch.Space != nil:
		return spaceDoc(ch.Space), true
	}
	return search.Document{}, false
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs are passed
	}
	return b
}

// startupDoc is a published startup's public view. Drafts and the
// investors-only part never reach the index.
func startupDoc(s *domain.Startup) (search.Document, bool) {
	if s.Status != domain.StatusPublished {
		return search.Document{}, false
	}
	return search.Document{ID: s.ID, Kind: search.KindStartup, Name: s.Name, Summary: s.OneLiner,
		Body: s.Description + "\n" + s.Traction, Tags: s.Tags, Sectors: []string{s.Sector}, Stages: []string{s.Stage},
		Districts: []string{s.District}, AskWan: s.AskWan, UpdatedAt: s.UpdatedAt, Public: mustJSON(s.Card())}, true
}

func investorDoc(inv *domain.Investor) search.Document {
	return search.Document{ID: inv.ID, Kind: search.KindInvestor, Name: inv.Name, Summary: inv.Organization + " " + inv.Title,
		Body: inv.Bio, Sectors: inv.Sectors, Stages: inv.Stages, Districts: inv.Districts, UpdatedAt: inv.UpdatedAt, Public: mustJSON(inv)}
}

func spaceDoc(sp *domain.Space) search.Document {
	return search.Document{ID: sp.ID, Kind: search.KindSpace, Name: sp.Name, Summary: sp.Address, Body: sp.Description,
		Districts: append([]string{sp.District}, sp.Districts...), UpdatedAt: sp.UpdatedAt, Public: mustJSON(sp)}
}

// Reindex rebuilds the engine's documents from the database, kind by kind,
// reporting progress through report.
func (ix *Indexer) Reindex(ctx context.Context, report func(kind string, n int)) error {
	flush := func(kind string, docs []search.Document) error {
		if err := ix.engine.Upsert(ctx, docs); err != nil {
			return err
		}
		report(kind, len(docs))
		return nil
	}
	for _, kind := range []search.Kind{search.KindStartup, search.KindInvestor, search.KindSpace} {
		if err := ix.engine.Clear(ctx, kind); err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
		var batch []search.Document
		add := func(d search.Document) error {
			batch = append(batch, d)
			if len(batch) == indexBatch {
				err := flush(string(kind), batch)
				batch = batch[:0]
				return err
			}
			return nil
		}
		var err error
		switch kind {
		case search.KindStartup:
			err = ix.store.EachStartup(ctx, func(s domain.Startup) error {
				if d, ok := startupDoc(&s); ok {
					return add(d)
				}
				return nil
			})
		case search.KindInvestor:
			err = ix.store.EachInvestor(ctx, func(inv domain.Investor) error { return add(investorDoc(&inv)) })
		case search.KindSpace:
			err = ix.store.EachSpace(ctx, func(sp domain.Space) error { return add(spaceDoc(&sp)) })
		}
		if err == nil {
			err = flush(string(kind), batch)
		}
		if err != nil {
			return fmt.Errorf("reindex %s: %w", kind, err)
		}
	}
	return nil
}

// Empty reports whether the engine holds no documents at all, as after a
// first start on an existing database or a deleted index folder.
func (ix *Indexer) Empty(ctx context.Context) (bool, error) {
	for _, k := range []search.Kind{search.KindStartup, search.KindInvestor, search.KindSpace} {
		n, err := ix.engine.Count(ctx, k)
		if err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

// Ping reports whether the engine answers.
func (ix *Indexer) Ping(ctx context.Context) error { return ix.engine.Ping(ctx) }

// SearchQuery is a search request as the API receives it.
type SearchQuery struct {
	Text, Type, Sector, Stage, District, Sort string
	AskMin, AskMax                            *float64
	Page                                      domain.Page
}

// SearchResult is a page of hits with facet counts.
type SearchResult struct {
	Hits   []search.Hit              `json:"hits"`
	Total  int                       `json:"total"`
	Facets map[string]map[string]int `json:"facets"`
	TookMs float64                   `json:"tookMs"`
	// DidYouMean is a corrected query that finds something, when q found nothing.
	DidYouMean string `json:"didYouMean,omitempty"`
	Page       int    `json:"page"`
	PageSize   int    `json:"pageSize"`
}

var errSearchDown = &domain.Error{Kind: domain.KindUnavailable, Code: "search_unavailable",
	Detail: "search is unavailable, retry later; saving profiles is not affected"}

// Search runs q against the engine. Only public views are indexed, so
// everyone, signed in or not, sees the same results.
func (ix *Indexer) Search(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	if q.Type == "" {
		q.Type = string(search.KindStartup)
	}
	q.Text = strings.TrimSpace(q.Text)
	var v domain.Validator
	v.CheckCode(search.Kind(q.Type).Valid(), "type", "invalid_choice", "must be startup, investor or space")
	v.CheckCode(runes(q.Text) <= searchMaxText, "q", "too_long", "query too long, at most 100 characters")
	v.CheckCode(q.Sector == "" || ix.tax.HasSector(q.Sector), "sector", "invalid_choice", "unknown sector")
	v.CheckCode(q.Stage == "" || ix.tax.HasStage(q.Stage), "stage", "invalid_choice", "unknown stage")
	v.CheckCode(q.District == "" || ix.tax.HasDistrict(q.District), "district", "invalid_choice", "unknown district")
	v.CheckCode(q.AskMin == nil || *q.AskMin >= 0, "askMin", "out_of_range", "must not be negative")
	v.CheckCode(q.AskMax == nil || *q.AskMax >= 0, "askMax", "out_of_range", "must not be negative")
	v.CheckCode(q.AskMin == nil || q.AskMax == nil || *q.AskMin <= *q.AskMax, "askMax", "below_minimum", "must not be below askMin")
	switch q.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortAskAsc, search.SortAskDesc:
	default:
		v.CheckCode(false, "sort", "invalid_choice", "must be relevance, newest, ask or -ask")
	}
	v.CheckCode(q.Page.Skip()+q.Page.PageSize <= 10000, "page", "out_of_range", "results end at 10,000")
	if err := v.Err(); err != nil {
		return nil, err
	}
	res, err := ix.engine.Search(ctx, search.Query{Text: q.Text, Kind: search.Kind(q.Type), Sector: q.Sector, Stage: q.Stage,
		District: q.District, AskMin: q.AskMin, AskMax: q.AskMax, Sort: q.Sort, Offset: q.Page.Skip(), Limit: q.Page.PageSize})
	if errors.Is(err, search.ErrUnavailable) {
		ix.log.WarnContext(ctx, "search failed", "err", err)
		return nil, errSearchDown
	}
	if err != nil {
		return nil, err
	}
	return &SearchResult{Hits: res.Hits, Total: res.Total, Facets: res.Facets, DidYouMean: res.DidYouMean,
		TookMs: float64(res.Took.Microseconds()) / 1000, Page: q.Page.Page, PageSize: q.Page.PageSize}, nil
}
