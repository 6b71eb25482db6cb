package main

import (
	"context"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/seed"
)

// seedServices adds the plan's other services to the demo set (a district
// officer, mentors, providers, a support ledger, the alliance's events),
// through the services; afterStep is called after each group of writes
// (seed.ServiceDeps.AfterStep).
func (m *Main) seedServices(ctx context.Context, afterStep func(string)) ([]seed.Account, error) {
	// All of them, by id: the lists are newest update first, and a resumed
	// load stores later than an uninterrupted one, so that order would give
	// a resumed seed.Services other spaces and startups than the run it
	// completes (the demo's ids are fixed, so their order is not).
	_, n, err := m.readModel.ListSpaces(ctx, domain.SpaceFilter{}, domain.Page{Page: 1, PageSize: 1})
	if err != nil {
		return nil, err
	}
	spaces, _, err := m.readModel.ListSpaces(ctx, domain.SpaceFilter{}, domain.Page{Page: 1, PageSize: max(n, 1)})
	if err != nil {
		return nil, err
	}
	published := domain.StartupFilter{Status: domain.StatusPublished}
	if n, err = m.readModel.CountStartups(ctx, published); err != nil {
		return nil, err
	}
	startups, _, err := m.readModel.ListStartups(ctx, published, domain.Page{Page: 1, PageSize: max(n, 1)})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(spaces, func(a, b domain.Space) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(startups, func(a, b domain.Startup) int { return strings.Compare(a.ID, b.ID) })
	return seed.Services(ctx, seed.ServiceDeps{Plan: m.plan, Users: m.db, Hasher: m.hasher, Spaces: spaces[:min(len(spaces), 100)],
		Startups: startups[:min(len(startups), 20)], Events: m.db, AfterStep: afterStep})
}
