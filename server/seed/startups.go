package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// stageWeights favour early stages, as in a maker-space program.
var stageWeights = []int{10, 25, 30, 18, 10, 4, 2, 1}
var askRange = [][2]int{{20, 100}, {50, 300}, {100, 800}, {300, 2000}, {1000, 5000}, {3000, 15000}, {10000, 50000}, {20000, 100000}}

func (s *seeder) stageIndex() int {
	total := 0
	for _, w := range stageWeights {
		total += w
	}
	x := s.rnd.IntN(total)
	for i, w := range stageWeights {
		if x < w {
			return i
		}
		x -= w
	}
	return 0
}

func (s *seeder) startups(ctx context.Context, sz Sizes, spaces []*domain.Space, demo *domain.User) ([]*domain.Startup, error) {
	n := sz.Startups
	share := sz.PublishShare
	if share == 0 {
		share = 0.9
	}
	plans := make([]*domain.Startup, n)
	stages := domain.StageCodes()
	year := time.Now().Year()
	for i := 0; i < n; i++ {
		actor := domain.Actor{UserID: demo.ID, Role: domain.RoleFounder}
		if i >= 2 { // the demo founder owns the first two: one published, one draft
			var err error
			if actor, err = s.owner(ctx, domain.RoleFounder); err != nil {
				return nil, err
			}
		}
		sec := s.Taxonomy.Sectors[s.rnd.IntN(len(s.Taxonomy.Sectors))]
		if i == 0 {
			sec, _ = s.Taxonomy.Sector("ic")
		}
		w, ok := sectorWords[sec.Code]
		if !ok {
			return nil, fmt.Errorf("no demo words for sector %q", sec.Code)
		}
		si := s.stageIndex()
		if i == 0 {
			si = 2
		}
		r := askRange[si]
		ask := float64((r[0] + s.rnd.IntN(r[1]-r[0]+1)) / 10 * 10)
		name := pick(s.rnd, namePrefixes) + pick(s.rnd, w.cores) + w.suffix
		product, customer := pick(s.rnd, w.products), pick(s.rnd, w.customers)
		district := pick(s.rnd, s.Taxonomy.Districts).Code
		spaceID := ""
		if len(spaces) > 0 && s.rnd.Float64() < 0.7 {
			sp := pick(s.rnd, spaces)
			spaceID, district = sp.ID, sp.District
		}
		founder := s.person()
		team := []domain.TeamMember{
			{Name: founder, Role: teamRoles[0], Bio: pick(s.rnd, schools) + "毕业，" + fmt.Sprint(5+s.rnd.IntN(15)) + "年行业经验"},
			{Name: s.person(), Role: pick(s.rnd, teamRoles[1:]), Bio: "曾任职于行业龙头企业"},
		}
		traction := fmt.Sprintf(pick(s.rnd, tractionLines), 3+s.rnd.IntN(60), 10+s.rnd.IntN(300))
		in := app.StartupInput{
			Name: ptr(name), OneLiner: ptr(fmt.Sprintf("为%s提供%s", customer, product)),
			Description: ptr(fmt.Sprintf("%s专注于%s的研发与产业化，主要面向%s。团队核心成员来自%s，在%s领域积累了扎实的技术和客户资源，本轮融资将用于产品迭代和市场拓展。",
				name, product, customer, pick(s.rnd, schools), sec.Zh)),
			Sector: ptr(sec.Code), Stage: ptr(stages[si]), AskWan: ptr(ask), District: ptr(district), SpaceID: ptr(spaceID),
			FoundedYear: ptr(year - s.rnd.IntN(6)), TeamSize: ptr(3 + s.rnd.IntN(40)), Team: &team, Traction: ptr(traction),
			Tags: &[]string{sec.Zh, product}, Links: &[]domain.Link{},
			InvestorsOnly: &domain.StartupPrivate{
				RevenueWan: float64(s.rnd.IntN(2000)), ValuationWan: ask * float64(5+s.rnd.IntN(6)),
				UseOfFunds: "研发投入60%，市场拓展30%，运营10%", Financials: "近两年营收保持增长，毛利率约35%。",
				ContactName: founder, ContactPhone: fmt.Sprintf("1370575%04d", s.rnd.IntN(10000)),
			},
		}
		if spaceID != "" { // the facts the program's figures count
			since := time.Now().AddDate(0, -s.rnd.IntN(36), 0).UTC()
			in.IncubatedSince = &since
			in.HighTech = ptr(si >= 3 && s.rnd.Float64() < 0.4 || s.rnd.Float64() < 0.08)
			in.Graduated = ptr(s.rnd.Float64() < 0.1)
		}
		st, err := s.Startups.Prepare(ctx, actor, in, i != 1 && (i < 2 || s.rnd.Float64() < share))
		if err != nil {
			return nil, fmt.Errorf("startup %d: %w", i, err)
		}
		st.ID = s.id()
		if st.SpaceID != "" {
			// Residency is two-sided: the founder asked, and the space
			// confirmed all but a few, which still wait for its answer.
			st.Residency = domain.ResidencyRequested
			if i%10 != 7 {
				st.Residency = domain.ResidencyConfirmed
			}
		}
		plans[i] = st
	}
	s.plans = plans
	if err := s.Store.InsertStartups(ctx, plans); err != nil {
		return nil, err
	}
	var published []*domain.Startup
	for _, st := range plans {
		if st.Status == domain.StatusPublished && st.SpaceID != "" && (st.SpaceID == spaces[0].ID || len(published) < 6) {
			published = append(published, st)
		}
	}
	return published, nil
}
