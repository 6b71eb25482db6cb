package app

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// listSet is a read model holding a set of startups shaped as the demo
// loader shapes them (server/seed): sectors, stages and districts at
// random, seven in ten in a space (in its district), nine in ten of those
// confirmed there, a share published.
type listSet struct {
	name                        string
	startups, spaces, investors int
	published                   float64
	rm                          *ReadModel
	spaceIDs                    []string
	tax                         *domain.Taxonomy
	queries                     []listQuery
	invQueries                  []invQuery
}

type invQuery struct {
	f domain.InvestorFilter
	p domain.Page
}

type listQuery struct {
	f domain.StartupFilter
	p domain.Page
}

// The two sets #12 compares: the demo set (seed.DefaultSizes, nine in ten
// published) and the full-size city (scripts/scalebench: 6,000 startups,
// half published, 150 spaces, 2,000 investors).
var listSets = []*listSet{{name: "demo", startups: 300, spaces: 20, investors: 100, published: 0.9},
	{name: "city", startups: 6000, spaces: 150, investors: 2000, published: 0.5}}

func (ls *listSet) make(b *testing.B) {
	if ls.rm != nil {
		return
	}
	tax, err := taxonomy.Load("")
	if err != nil {
		b.Fatal(err)
	}
	rm, err := NewReadModel(nil, tax, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(uint64(ls.startups), 7))
	id := func() string { return fmt.Sprintf("%08x%016x", rnd.Uint32(), rnd.Uint64()) } // ids say nothing of order
	spaces := make([]*domain.Space, ls.spaces)
	for i := range spaces {
		d := tax.Districts[i%len(tax.Districts)].Code
		spaces[i] = &domain.Space{ID: id(), OwnerID: id(), Name: fmt.Sprint("空间", i), District: d, Services: []string{}, Districts: []string{d}}
		rm.apply(Change{Kind: domain.ChangeSpace, ID: spaces[i].ID, Space: spaces[i]})
		ls.spaceIDs = append(ls.spaceIDs, spaces[i].ID)
	}
	stages, start := domain.StageCodes(), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < ls.startups; i++ {
		sec := tax.Sectors[rnd.IntN(len(tax.Sectors))].Code
		at := start.Add(time.Duration(rnd.IntN(300*24*3600)) * time.Second)
		s := &domain.Startup{ID: id(), OwnerID: id(), Name: fmt.Sprint("项目", i), OneLiner: "为制造企业提供工业视觉质检",
			Description: "专注于工业视觉质检的研发与产业化，主要面向纺织印染企业。团队核心成员来自浙江大学，本轮融资将用于产品迭代和市场拓展。",
			Sector:      sec, Stage: stages[rnd.IntN(len(stages))], AskWan: 300, District: tax.Districts[rnd.IntN(len(tax.Districts))].Code,
			TeamSize: 3 + rnd.IntN(40), Team: []domain.TeamMember{{Name: "王", Role: "CEO", Bio: "十年行业经验"}, {Name: "李", Role: "CTO"}},
			Tags: []string{sec, "视觉"}, Links: []domain.Link{}, Status: domain.StatusDraft, Version: 1, CreatedAt: at, UpdatedAt: at}
		if rnd.Float64() < 0.7 {
			sp := spaces[rnd.IntN(len(spaces))]
			s.SpaceID, s.District, s.Residency = sp.ID, sp.District, domain.ResidencyConfirmed
			if i%10 == 7 {
				s.Residency = domain.ResidencyRequested
			}
		}
		if rnd.Float64() < ls.published {
			s.Status, s.PublishedAt = domain.StatusPublished, &at
		}
		rm.apply(Change{Kind: domain.ChangeStartup, ID: s.ID, Startup: s})
	}
	// Investors back one to three sectors, a range of stages and a district
	// or two, as the demo loader's do.
	for i := 0; i < ls.investors; i++ {
		at := start.Add(time.Duration(rnd.IntN(300*24*3600)) * time.Second)
		inv := &domain.Investor{ID: id(), OwnerID: id(), Name: fmt.Sprint("投资人", i), Kind: []string{domain.KindAngel, domain.KindInstitution}[i%2],
			Bio: "关注硬科技早期项目", Verified: rnd.IntN(3) > 0, Version: 1, CreatedAt: at, UpdatedAt: at}
		for range 1 + rnd.IntN(3) {
			inv.Sectors = append(inv.Sectors, tax.Sectors[rnd.IntN(len(tax.Sectors))].Code)
		}
		lo := rnd.IntN(len(stages) - 1)
		inv.Stages = stages[lo : lo+1+rnd.IntN(2)]
		for range 1 + rnd.IntN(2) {
			inv.Districts = append(inv.Districts, tax.Districts[rnd.IntN(len(tax.Districts))].Code)
		}
		rm.apply(Change{Kind: domain.ChangeInvestor, ID: inv.ID, Investor: inv})
	}
	// The investor directory: pages 1–3 of 20, unfiltered or by one
	// sector, stage, district or kind.
	for i := 0; i < 512; i++ {
		q := invQuery{p: domain.Page{Page: 1 + rnd.IntN(3), PageSize: 20}}
		switch i % 5 {
		case 1:
			q.f.Sector = tax.Sectors[rnd.IntN(len(tax.Sectors))].Code
		case 2:
			q.f.Stage = stages[rnd.IntN(len(stages))]
		case 3:
			q.f.District = tax.Districts[rnd.IntN(len(tax.Districts))].Code
		case 4:
			q.f.Kind = domain.KindInstitution
		}
		ls.invQueries = append(ls.invQueries, q)
	}
	// The public list page as scalebench asks for it: pages 1–5 of 20,
	// unfiltered or by one sector, district or early stage.
	for i := 0; i < 512; i++ {
		q := listQuery{f: domain.StartupFilter{Status: domain.StatusPublished}, p: domain.Page{Page: 1 + rnd.IntN(5), PageSize: 20}}
		switch i % 4 {
		case 1:
			q.f.Sector = tax.Sectors[rnd.IntN(len(tax.Sectors))].Code
		case 2:
			q.f.District = tax.Districts[rnd.IntN(len(tax.Districts))].Code
		case 3:
			q.f.Stage = stages[rnd.IntN(3)]
		}
		ls.queries = append(ls.queries, q)
	}
	ls.rm, ls.tax = rm, tax
	rm.mu.RLock()
	made(&rm.orderMu, &rm.startupIdx, rm.startups) // by the first list, as after a start
	rm.mu.RUnlock()
}

// scanLists answers startup lists as the read model did before its facets:
// a walk of every startup held, newest first, filtering each. It is the
// baseline of the benchmarks below.
type scanLists struct{ *ReadModel }

func (sl scanLists) ListStartups(_ context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error) {
	rm := sl.ReadModel
	skip, page, total := p.Skip(), make([]*domain.Startup, 0, p.PageSize), 0
	rm.mu.RLock()
	for _, s := range made(&rm.orderMu, &rm.startupIdx, rm.startups).all {
		if startupMatch(f).of(s) {
			if total >= skip && len(page) < p.PageSize {
				page = append(page, s)
			}
			total++
		}
	}
	rm.mu.RUnlock()
	out := make([]domain.Startup, 0, len(page))
	for _, s := range page {
		out = append(out, *cloneStartup(s))
	}
	return out, total, nil
}

// ListInvestors is the investor directory as it was before its facets:
// every investor filtered, the matches sorted.
func (sl scanLists) ListInvestors(_ context.Context, f domain.InvestorFilter, p domain.Page) ([]domain.Investor, int, error) {
	rm := sl.ReadModel
	has := func(list []string, v string) bool { return v == "" || slices.Contains(list, v) }
	rm.mu.RLock()
	matched := make([]*domain.Investor, 0, 64)
	for _, inv := range rm.investors {
		if has(inv.Sectors, f.Sector) && has(inv.Stages, f.Stage) && has(inv.Districts, f.District) &&
			(f.Kind == "" || f.Kind == inv.Kind) && (f.OwnerID == "" || f.OwnerID == inv.OwnerID) &&
			(f.Verified == nil || *f.Verified == inv.Verified) {
			matched = append(matched, inv)
		}
	}
	rm.mu.RUnlock()
	slices.SortFunc(matched, func(a, b *domain.Investor) int {
		if newerInvestor(a, b) {
			return -1
		}
		return 1
	})
	out := []domain.Investor{}
	for _, inv := range pageOf(matched, p) {
		out = append(out, *cloneInvestor(inv))
	}
	return out, len(matched), nil
}

// BenchmarkInvestorList is one page of the public investor directory in
// the service layer, as BenchmarkListPage measures the startup list page.
func BenchmarkInvestorList(b *testing.B) {
	ctx := context.Background()
	for _, ls := range listSets {
		for _, how := range []string{"facets", "sort-baseline"} {
			b.Run(fmt.Sprintf("set=%s/%s", ls.name, how), func(b *testing.B) {
				ls.make(b)
				var store InvestorStore = ls.rm
				if how != "facets" {
					store = scanLists{ls.rm}
				}
				svc := NewInvestors(store, ls.tax)
				items, i := 0, 0
				for b.Loop() {
					q := ls.invQueries[i%len(ls.invQueries)]
					i++
					l, err := svc.List(ctx, q.f, q.p)
					if err != nil {
						b.Fatal(err)
					}
					items += len(l.Items)
				}
				b.ReportMetric(float64(items)/float64(i), "items/op")
			})
		}
	}
}

// BenchmarkListPage is one public list page in the service layer (no
// HTTP) on the demo set and on the full-size city: *facets* is the page as
// the handler now makes it (Startups.ListJSON: a facet's window and each
// startup's kept JSON), *facets,encoded* the facets' page encoded per call
// (Startups.List, then the API's encoder), and *scan-baseline* the same run's
// baseline, the handler before this work: the walk of every startup, then
// the encoder.
//
//	go test -run '^$' -bench 'ListPage|RegistryRows|InvestorList' -benchmem ./server/app/
func BenchmarkListPage(b *testing.B) {
	ctx := context.Background()
	for _, ls := range listSets {
		for _, how := range []string{"facets", "facets,encoded", "scan-baseline"} {
			b.Run(fmt.Sprintf("set=%s/%s", ls.name, how), func(b *testing.B) {
				ls.make(b)
				var store StartupStore = ls.rm
				if how == "scan-baseline" {
					store = scanLists{ls.rm}
				}
				svc := NewStartups(store, ls.rm, ls.rm, ls.tax)
				var buf []byte
				size, i := 0, 0
				for b.Loop() {
					q := StartupQuery{StartupFilter: ls.queries[i%len(ls.queries)].f, Page: ls.queries[i%len(ls.queries)].p}
					i++
					var err error
					if how == "facets" {
						buf, err = svc.ListJSON(ctx, domain.Actor{}, q, buf[:0])
					} else {
						var l *domain.List[domain.Startup]
						if l, err = svc.List(ctx, domain.Actor{}, q); err == nil {
							buf, err = json.Marshal(l)
						}
					}
					if err != nil {
						b.Fatal(err)
					}
					size += len(buf)
				}
				b.ReportMetric(float64(size)/float64(i), "B-answer/op")
			})
		}
	}
}

// BenchmarkRegistryRows is one space's registry export (the rows of its
// CSV) for an admin, space by space at random, as BenchmarkListPage
// measures the list page.
func BenchmarkRegistryRows(b *testing.B) {
	ctx := context.Background()
	admin := domain.Actor{UserID: "admin", Role: domain.RoleAdmin}
	for _, ls := range listSets {
		for _, how := range []string{"facets", "scan-baseline"} {
			b.Run(fmt.Sprintf("set=%s/%s", ls.name, how), func(b *testing.B) {
				ls.make(b)
				var store RegistryStore = ls.rm
				if how != "facets" {
					store = scanLists{ls.rm}
				}
				r := NewRegistry(store, ls.tax)
				rows, i := 0, 0
				for b.Loop() {
					out, err := r.Rows(ctx, admin, ls.spaceIDs[(i*7919)%len(ls.spaceIDs)])
					if err != nil {
						b.Fatal(err)
					}
					i++
					rows += len(out) - 1
				}
				b.ReportMetric(float64(rows)/float64(i), "rows/op")
			})
		}
	}
}
