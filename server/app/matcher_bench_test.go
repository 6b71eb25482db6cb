package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	json "github.com/goccy/go-json"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// BenchmarkDealFlow measures one deal-flow page (ranking, reasons, cards)
// and its JSON encoding over 300 published startups.
//
//	go test -run '^$' -bench DealFlow -benchmem ./server/app/
func BenchmarkDealFlow(b *testing.B) {
	tax, m, startups, investors := benchMatcher(b)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		founder := domain.Actor{UserID: fmt.Sprint("f", i), Role: domain.RoleFounder}
		sec := tax.Sectors[i%len(tax.Sectors)].Code
		st := domain.StageCodes()[i%5]
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("一句话介绍"), Description: ptr("这是一个足够长的项目介绍，用来满足发布要求。"),
			Sector: &sec, Stage: &st, AskWan: ptr(float64(100 + i)), District: ptr("keqiao")}
		s, err := startups.Create(ctx, founder, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := startups.SetPublished(ctx, founder, s.ID, true); err != nil {
			b.Fatal(err)
		}
	}
	inv := domain.Actor{UserID: "i", Role: domain.RoleInvestor}
	if _, err := investors.Create(ctx, inv, app.InvestorInput{Name: ptr("王"), Kind: ptr("angel"), Sectors: &[]string{"ic", "ai"},
		Stages: &[]string{"angel", "pre-a"}, CheckMinWan: ptr(100.0), CheckMaxWan: ptr(500.0), Districts: &[]string{"keqiao"}}); err != nil {
		b.Fatal(err)
	}
	p, _ := domain.NewPage(1, 20)
	// The handler writes the page with DealFlowJSON, which reuses its
	// working memory; ranking into fresh values and the reflection encoder
	// the other routes use is the same run's baseline.
	b.Run("handler", func(b *testing.B) {
		var buf []byte
		var err error
		b.ReportAllocs()
		for b.Loop() {
			if buf, err = m.DealFlowJSON(ctx, inv, app.DealQuery{Page: p}, buf[:0]); err != nil || len(buf) < 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("values+go-json-baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			list, err := m.DealFlow(ctx, inv, app.DealQuery{Page: p})
			if err != nil || len(list.Items) != 20 {
				b.Fatal(err)
			}
			if _, err := json.Marshal(list); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }

// nopPusher drops live pushes: the benchmark has no open sessions.
type nopPusher struct{}

func (nopPusher) Push(string, *domain.Notification) {}

// benchMatcher is a matcher over a read model on the embedded engine, with
// the services a benchmark fills it through.
func benchMatcher(b *testing.B) (*domain.Taxonomy, *app.Matcher, *app.Startups, *app.Investors) {
	db := mongotest.Open(b)
	tax, _ := taxonomy.Load("")
	log := slog.New(slog.DiscardHandler)
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		b.Fatal(err)
	}
	m := app.NewMatcher(rm, tax, app.NewNotifier(db, nopPusher{}, log), log)
	return tax, m, app.NewStartups(rm, rm, rm, tax), app.NewInvestors(rm, tax)
}
