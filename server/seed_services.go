package main

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/seed"
)

// seedServices adds the plan's other services to the demo set (a district
// officer, mentors, providers, a support ledger), through the services.
func (m *Main) seedServices(ctx context.Context) ([]seed.Account, error) {
	spaces, _, err := m.readModel.ListSpaces(ctx, domain.SpaceFilter{}, domain.Page{Page: 1, PageSize: 100})
	if err != nil {
		return nil, err
	}
	startups, _, err := m.readModel.ListStartups(ctx, domain.StartupFilter{Status: domain.StatusPublished}, domain.Page{Page: 1, PageSize: 20})
	if err != nil {
		return nil, err
	}
	return seed.Services(ctx, seed.ServiceDeps{Plan: m.plan, Users: m.db, Hasher: m.hasher, Spaces: spaces, Startups: startups})
}
