package app

import (
	"context"

	json "github.com/goccy/go-json"
	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// A public list page's answer is mostly its startups' JSON, and encoding
// 20 whole startups per call costs more than finding them. So the read
// model keeps each published startup's JSON as public lists show it
// (publicJSON), made when the startup changes, and a page appends those.

// publicPager answers a public list page as JSON; the ReadModel is one.
type publicPager interface {
	publicPageJSON(dst []byte, f domain.StartupFilter, p domain.Page, viewer string) []byte
}

// ListJSON appends to dst the JSON of List's answer, byte for byte as the
// API's encoder writes it.
func (svc *Startups) ListJSON(ctx context.Context, actor domain.Actor, q StartupQuery, dst []byte) ([]byte, error) {
	f, err := listFilter(actor, q)
	if err != nil {
		return dst, err
	}
	if pp, ok := svc.store.(publicPager); ok && !q.Mine {
		return pp.publicPageJSON(dst, f, q.Page, actor.UserID), nil
	}
	l, err := svc.List(ctx, actor, q)
	if err != nil {
		return dst, err
	}
	b, err := json.Marshal(l)
	return append(dst, b...), err
}

// publicJSON returns s's JSON as a list shows it to anyone but its founder
// (Startups.List): without the investors-only part or a residency the
// space has not confirmed; nil if it cannot be encoded.
func publicJSON(s *domain.Startup) []byte {
	cp := *s
	cp.Private = nil
	cp.HideUnconfirmedResidency()
	b, err := json.Marshal(&cp)
	if err != nil {
		return nil
	}
	return b
}

// publicPageJSON appends the JSON of one page of the startups matching f,
// as Startups.List answers viewer: each startup's kept public JSON, but
// the viewer's own startups (and any without one) encoded now, in full.
func (rm *ReadModel) publicPageJSON(dst []byte, f domain.StartupFilter, p domain.Page, viewer string) []byte {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	list, exact := rm.startupsFor(f)
	page, total := window(list, exact, startupMatch(f).of, p.Skip(), p.PageSize)
	dst = append(dst, `{"items":[`...)
	for i, s := range page {
		if i > 0 {
			dst = append(dst, ',')
		}
		var pub []byte
		if key, err := matching.ParseID(s.ID); err == nil && s.OwnerID != viewer {
			pub = rm.cards[key].public
		}
		if pub == nil {
			cp := *s
			if s.OwnerID != viewer {
				cp.Private = nil
				cp.HideUnconfirmedResidency()
			}
			pub, _ = json.Marshal(&cp)
		}
		dst = append(dst, pub...)
	}
	dst = domain.AppendPageFields(append(dst, ']'), total, p.Page, p.PageSize)
	return append(dst, '}')
}
