package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// BenchmarkDealFlowMix measures the deal-flow page as scripts/loadtest
// asks for it: 300 published startups spread over the taxonomy's
// sectors, stages (early ones likelier), asks and districts, 200
// investors each with a thesis drawn as the load test draws them, and
// the load test's query mix (half the first page unfiltered, 20 % pages
// 2–3, 10 % each filtered by sector, stage or district), one request
// after another from a fixed list of 4096.
//
//	go test -run '^$' -bench DealFlowMix -benchmem ./server/app/
func BenchmarkDealFlowMix(b *testing.B) {
	tax, m, startups, investors := benchMatcher(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(2026, 20))
	stages := domain.StageCodes()
	stageWeights := []int{10, 25, 30, 18, 10, 4, 2, 1}
	asks := [][2]int{{20, 100}, {50, 300}, {100, 800}, {300, 2000}, {1000, 5000}, {3000, 15000}, {10000, 50000}, {20000, 100000}}
	for i := 0; i < 300; i++ {
		founder := domain.Actor{UserID: fmt.Sprint("f", i), Role: domain.RoleFounder}
		si, r := 0, rng.IntN(100)
		for si < len(stages)-1 && r >= stageWeights[si] {
			r -= stageWeights[si]
			si++
		}
		sec, st := tax.Sectors[rng.IntN(len(tax.Sectors))].Code, stages[si]
		ask := float64(asks[si][0] + rng.IntN(asks[si][1]-asks[si][0]+1))
		district := tax.Districts[rng.IntN(len(tax.Districts))].Code
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("为制造企业提供工业视觉质检系统"),
			Description: ptr("这是一个足够长的项目介绍，用来满足发布要求，并说明团队、产品和本轮融资的用途。"),
			Sector:      &sec, Stage: &st, AskWan: &ask, District: &district, TeamSize: ptr(3 + rng.IntN(40)),
			Traction: ptr(fmt.Sprintf("已签约%d家客户，月活%d", 3+rng.IntN(60), 10+rng.IntN(300))), Tags: &[]string{"工业", "视觉"}}
		s, err := startups.Create(ctx, founder, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := startups.SetPublished(ctx, founder, s.ID, true); err != nil {
			b.Fatal(err)
		}
	}
	pick := func(xs []string, n int) *[]string {
		out := []string{}
		for _, i := range rng.Perm(len(xs))[:min(n, len(xs))] {
			out = append(out, xs[i])
		}
		return &out
	}
	var sectors, districts []string
	for _, s := range tax.Sectors {
		sectors = append(sectors, s.Code)
	}
	for _, d := range tax.Districts {
		districts = append(districts, d.Code)
	}
	actors := make([]domain.Actor, 200)
	for i := range actors {
		actors[i] = domain.Actor{UserID: fmt.Sprint("i", i), Role: domain.RoleInvestor}
		lo := float64(50 * (1 + rng.IntN(10)))
		in := app.InvestorInput{Name: ptr(fmt.Sprint("压测投资人", i)), Kind: ptr("angel"), Sectors: pick(sectors, 1+rng.IntN(3)),
			Stages: pick(stages, 1+rng.IntN(3)), CheckMinWan: &lo, CheckMaxWan: ptr(lo * float64(2+rng.IntN(8)))}
		if rng.IntN(2) == 0 {
			in.Districts = pick(districts, 1+rng.IntN(2))
		}
		if _, err := investors.Create(ctx, actors[i], in); err != nil {
			b.Fatal(err)
		}
	}
	type request struct {
		actor domain.Actor
		q     app.DealQuery
	}
	reqs := make([]request, 4096)
	for i := range reqs {
		p, _ := domain.NewPage(1, 20)
		q := app.DealQuery{}
		switch r := rng.IntN(10); {
		case r < 5:
		case r < 7:
			p, _ = domain.NewPage(2+rng.IntN(2), 20)
		case r < 8:
			q.Sector = sectors[rng.IntN(len(sectors))]
		case r < 9:
			q.Stage = stages[rng.IntN(len(stages))]
		default:
			q.District = districts[rng.IntN(len(districts))]
		}
		q.Page = p
		reqs[i] = request{actors[rng.IntN(len(actors))], q}
	}
	var buf []byte
	var err error
	b.ReportAllocs()
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		rq := &reqs[i%len(reqs)]
		i++
		if buf, err = m.DealFlowJSON(ctx, rq.actor, rq.q, buf[:0]); err != nil || len(buf) < 50 {
			b.Fatal(err, string(buf))
		}
	}
	// CPU time, unlike the wall time, is what another process on the
	// machine takes least from.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
