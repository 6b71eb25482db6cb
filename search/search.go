// Package search indexes the platform's public profiles and answers
// full-text queries with filters and facet counts. Engine is the one
// interface; Bleve (embedded, on disk) and Meili (a Meilisearch server)
// implement it, and one contract suite (contract_test.go) runs against both.
//
// Only public views are ever indexed: the caller builds each Document's
// Public payload, and drafts and investors-only fields never reach it.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Kind is what a document describes.
type Kind string

// Document kinds.
const (
	KindStartup  Kind = "startup"
	KindInvestor Kind = "investor"
	KindSpace    Kind = "space"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindStartup || k == KindInvestor || k == KindSpace }

// Document is one searchable profile.
type Document struct {
	ID        string          `json:"id"`
	Kind      Kind            `json:"kind"`
	Name      string          `json:"name"`
	Summary   string          `json:"summary"` // one-liner, title
	Body      string          `json:"body"`    // description, bio
	Tags      []string        `json:"tags"`
	Sectors   []string        `json:"sectors"`
	Stages    []string        `json:"stages"`
	Districts []string        `json:"districts"`
	AskWan    float64         `json:"askWan"`
	UpdatedAt time.Time       `json:"-"`
	Public    json.RawMessage `json:"public"` // returned with each hit as is
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortNewest    = "newest"
	SortAskAsc    = "ask"
	SortAskDesc   = "-ask"
)

// Facets are the fields with counts in every result.
var Facets = []string{"sector", "stage", "district"}

// Query is one search. Empty fields do not filter.
type Query struct {
	Text                    string
	Kind                    Kind
	Sector, Stage, District string
	AskMin, AskMax          *float64
	Sort                    string
	Offset, Limit           int
}

// Hit is one found document.
type Hit struct {
	ID     string          `json:"id"`
	Kind   Kind            `json:"kind"`
	Score  float64         `json:"score"`
	Public json.RawMessage `json:"doc"`
	// Highlights say why the hit matched: its fields with the matched spans.
	Highlights []Highlight `json:"highlights,omitempty"`
}

// Result is one page of hits with the total and facet counts of all matches.
type Result struct {
	Hits   []Hit                     `json:"hits"`
	Total  int                       `json:"total"`
	Facets map[string]map[string]int `json:"facets"`
	// DidYouMean is, when nothing matched, a corrected query that finds
	// something ("" if there is none).
	DidYouMean string        `json:"didYouMean,omitempty"`
	Took       time.Duration `json:"-"`
}

// Engine is a search engine. Implementations are safe for concurrent use.
type Engine interface {
	// Upsert adds or replaces docs.
	Upsert(ctx context.Context, docs []Document) error
	// Delete removes the documents with ids; missing ones are fine.
	Delete(ctx context.Context, ids []string) error
	// Clear removes every document of kind, for a rebuild.
	Clear(ctx context.Context, kind Kind) error
	// Count returns how many documents of kind are indexed.
	Count(ctx context.Context, kind Kind) (int, error)
	Search(ctx context.Context, q Query) (*Result, error)
	// Suggest completes what has been typed to names of profiles and of
	// sectors and districts, by prefix and pinyin prefix.
	Suggest(ctx context.Context, q SuggestQuery) ([]Suggestion, error)
	Ping(ctx context.Context) error
	Close() error
}

// ErrUnavailable wraps every failure to reach the engine, so callers can
// answer 503 and retry later.
var ErrUnavailable = errors.New("search engine unavailable")

// unavailable wraps err as ErrUnavailable.
func unavailable(op string, err error) error {
	return &opError{op: op, err: err}
}

type opError struct {
	op  string
	err error
}

func (e *opError) Error() string   { return "search: " + e.op + ": " + e.err.Error() }
func (e *opError) Unwrap() []error { return []error{ErrUnavailable, e.err} }
