package app

import (
	"context"
	"errors"
	"strings"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Suggestion sizes.
const (
	suggestDefault = 8
	suggestMax     = 20
)

// SuggestResult is the completions of what has been typed.
type SuggestResult struct {
	Items []search.Suggestion `json:"items"`
}

// Suggest completes text, as typed so far, to names of profiles of type
// (any when empty) and of sectors and districts, by prefix and pinyin prefix.
func (ix *Indexer) Suggest(ctx context.Context, text, typ string, limit int) (*SuggestResult, error) {
	text = strings.TrimSpace(text)
	var v domain.Validator
	v.CheckCode(typ == "" || search.Kind(typ).Valid(), "type", "invalid_choice", "must be startup, investor or space")
	v.CheckCode(runes(text) <= searchMaxText, "q", "too_long", "query too long, at most 100 characters")
	v.CheckCode(limit >= 0 && limit <= suggestMax, "limit", "out_of_range", "must be 1 to 20")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = suggestDefault
	}
	items, err := ix.engine.Suggest(ctx, search.SuggestQuery{Text: text, Kind: search.Kind(typ), Limit: limit})
	if errors.Is(err, search.ErrUnavailable) {
		ix.log.WarnContext(ctx, "suggest failed", "err", err)
		return nil, errSearchDown
	}
	if err != nil {
		return nil, err
	}
	return &SuggestResult{Items: items}, nil
}
