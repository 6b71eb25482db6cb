package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// IndexStore is what the indexer reads from the database.
type IndexStore interface {
	PendingOutbox(ctx context.Context, limit int) ([]domain.OutboxEntry, error)
	DoneOutbox(ctx context.Context, e domain.OutboxEntry) error
	CountOutbox(ctx context.Context) (int, error)
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	InvestorByID(ctx context.Context, id string) (*domain.Investor, error)
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
	EachStartup(ctx context.Context, fn func(domain.Startup) error) error
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
	EachSpace(ctx context.Context, fn func(domain.Space) error) error
}

// Indexer timing and sizes.
const (
	indexPoll       = 2 * time.Second  // look for marks even when nobody kicked
	indexBackoffMax = 30 * time.Second // longest wait between tries while the engine is down
	indexBatch      = 200
	indexScan       = 5000 // marks read per pass
	searchMaxText   = 100
	// indexGrace is longer than any profile write can take (the database
	// client gives up after 30 s). A mark younger than that is applied but
	// kept, and applied once more when it is older, so that a write that
	// landed after the indexer read the profile is never missed.
	indexGrace = time.Minute
)

// Indexer keeps the search engine in line with the database and answers
// searches. The database's outbox (a mark written before every profile
// write) says what to bring in line; the indexer reads each marked profile's
// current state, writes its public view to the engine (or removes it), and
// only then clears the mark, so nothing saved is lost while the engine is
// down or the process crashes. It is safe for concurrent use.
type Indexer struct {
	store  IndexStore
	engine search.Engine
	tax    *domain.Taxonomy
	log    *slog.Logger
	kick   chan struct{}
	now    func() time.Time

	// applied remembers young marks already applied (id → seq) so that a
	// pass does not re-apply them until they age; only Drain touches it.
	mu      sync.Mutex
	applied map[string]int64
}

// NewIndexer returns an Indexer; Run must be running for changes to arrive.
func NewIndexer(store IndexStore, engine search.Engine, tax *domain.Taxonomy, log *slog.Logger) *Indexer {
	return &Indexer{store: store, engine: engine, tax: tax, log: log, kick: make(chan struct{}, 1), now: time.Now, applied: map[string]int64{}}
}

// Kick asks Run to look at the outbox now rather than at its next poll.
func (ix *Indexer) Kick() {
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// StartupChanged, StartupRemoved, InvestorChanged and SpaceChanged make the
// indexer an observer of the profile services: the mark is already in the
// database, so all they do is wake Run.
func (ix *Indexer) StartupChanged(*domain.Startup)   { ix.Kick() }
func (ix *Indexer) StartupRemoved(string)            { ix.Kick() }
func (ix *Indexer) InvestorChanged(*domain.Investor) { ix.Kick() }
func (ix *Indexer) SpaceChanged(*domain.Space)       { ix.Kick() }

// Run applies marked changes until ctx ends, backing off while the engine
// is unavailable.
func (ix *Indexer) Run(ctx context.Context) {
	backoff := time.Duration(0)
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ix.kick:
			if backoff > 0 {
				continue // a kick does not cut a backoff short
			}
		case <-t.C:
		}
		n, err := ix.Drain(ctx)
		switch {
		case err == nil:
			backoff = 0
		case ctx.Err() != nil:
			return
		default:
			backoff = min(max(2*backoff, 500*time.Millisecond), indexBackoffMax)
			ix.log.Warn("search index behind; will retry", "err", err, "retryIn", backoff)
		}
		if n > 0 {
			ix.log.Debug("search index updated", "profiles", n)
		}
		wait := indexPoll
		if backoff > 0 {
			wait = backoff
		}
		t.Reset(wait)
	}
}

// Drain applies the pending marks and returns how many it applied. Young
// marks are applied once and kept; marks older than indexGrace are applied
// and cleared.
func (ix *Indexer) Drain(ctx context.Context) (int, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	total := 0
	for {
		marks, err := ix.store.PendingOutbox(ctx, indexScan)
		if err != nil || len(marks) == 0 {
			return total, err
		}
		old := ix.now().Add(-indexGrace)
		var todo, clear []domain.OutboxEntry
		for _, m := range marks {
			aged := m.At.Before(old)
			if aged {
				clear = append(clear, m)
			}
			if aged || ix.applied[m.ID] != m.Seq {
				todo = append(todo, m)
			}
		}
		for start := 0; start < len(todo); start += indexBatch {
			batch := todo[start:min(len(todo), start+indexBatch)]
			if err := ix.apply(ctx, batch); err != nil {
				return total, err
			}
			for _, m := range batch {
				ix.applied[m.ID] = m.Seq
			}
		}
		for _, m := range clear {
			if err := ix.store.DoneOutbox(ctx, m); err != nil {
				return total, err
			}
			delete(ix.applied, m.ID)
		}
		total += len(todo)
		if len(marks) < indexScan || len(clear) == 0 {
			return total, nil
		}
	}
}

// apply brings the engine in line with the current state of each marked profile.
func (ix *Indexer) apply(ctx context.Context, marks []domain.OutboxEntry) error {
	var docs []search.Document
	var gone []string
	for _, m := range marks {
		doc, ok, err := ix.document(ctx, m.Kind, m.DocID)
		if err != nil {
			return err
		}
		if ok {
			docs = append(docs, doc)
		} else {
			gone = append(gone, m.DocID)
		}
	}
	if err := ix.engine.Upsert(ctx, docs); err != nil {
		return err
	}
	if len(gone) > 0 {
		return ix.engine.Delete(ctx, gone)
	}
	return nil
}

// document returns the public search document of a profile, or ok=false if
// it must not be in the index (deleted, or a draft).
func (ix *Indexer) document(ctx context.Context, kind, id string) (search.Document, bool, error) {
	var err error
	switch kind {
	case string(search.KindStartup):
		var s *domain.Startup
		if s, err = ix.store.StartupByID(ctx, id); err == nil {
			d, ok := startupDoc(s)
			return d, ok, nil
		}
	case string(search.KindInvestor):
		var inv *domain.Investor
		if inv, err = ix.store.InvestorByID(ctx, id); err == nil {
			return investorDoc(inv), true, nil
		}
	case string(search.KindSpace):
		var sp *domain.Space
		if sp, err = ix.store.SpaceByID(ctx, id); err == nil {
			return spaceDoc(sp), true, nil
		}
	default:
		return search.Document{}, false, nil
	}
	if domain.IsKind(err, domain.KindNotFound) {
		return search.Document{}, false, nil
	}
	return search.Document{}, false, err
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
	Detail: "搜索暂不可用，请稍后重试；资料的保存不受影响 / search is unavailable, retry later; saving profiles is not affected"}

// Search runs q against the engine. Only public views are indexed, so
// everyone, signed in or not, sees the same results.
func (ix *Indexer) Search(ctx context.Context, q SearchQuery) (*SearchResult, error) {
	if q.Type == "" {
		q.Type = string(search.KindStartup)
	}
	q.Text = strings.TrimSpace(q.Text)
	var v domain.Validator
	v.Check(search.Kind(q.Type).Valid(), "type", "须为 startup、investor 或 space / must be startup, investor or space")
	v.Check(runes(q.Text) <= searchMaxText, "q", "搜索词最多 100 字 / query too long, at most 100 characters")
	v.Check(q.Sector == "" || ix.tax.HasSector(q.Sector), "sector", "未知行业 / unknown sector")
	v.Check(q.Stage == "" || ix.tax.HasStage(q.Stage), "stage", "未知阶段 / unknown stage")
	v.Check(q.District == "" || ix.tax.HasDistrict(q.District), "district", "未知区县 / unknown district")
	v.Check(q.AskMin == nil || *q.AskMin >= 0, "askMin", "不能为负 / must not be negative")
	v.Check(q.AskMax == nil || *q.AskMax >= 0, "askMax", "不能为负 / must not be negative")
	v.Check(q.AskMin == nil || q.AskMax == nil || *q.AskMin <= *q.AskMax, "askMax", "不能小于 askMin / must not be below askMin")
	switch q.Sort {
	case "", search.SortRelevance, search.SortNewest, search.SortAskAsc, search.SortAskDesc:
	default:
		v.Check(false, "sort", "须为 relevance、newest、ask 或 -ask / must be relevance, newest, ask or -ask")
	}
	v.Check(q.Page.Skip()+q.Page.PageSize <= 10000, "page", "最多翻到第 10000 条 / results end at 10,000")
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
