package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// TestDealFlowAnswerFollowsEdits checks that the deal-flow answer, whose
// cards the read model encodes when a startup changes, says what the
// startups say now: after an edit, a withdrawal and a re-publication the
// written page decodes to the encoding of the page's own values.
func TestDealFlowAnswerFollowsEdits(t *testing.T) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		t.Fatal(err)
	}
	m := app.NewMatcher(rm, tax, app.NewNotifier(db, nopPusher{}, log), log)
	startups := app.NewStartups(rm, rm, rm, tax)
	investors := app.NewInvestors(rm, tax)
	var ids []string
	for i := range 3 {
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("一句话介绍"), Description: ptr("这是一个足够长的项目介绍，用来满足发布要求。"),
			Sector: ptr("ic"), Stage: ptr("angel"), AskWan: ptr(float64(100 + i)), District: ptr("keqiao")}
		s, err := startups.Create(ctx, domain.Actor{UserID: fmt.Sprint("f", i), Role: domain.RoleFounder}, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := startups.SetPublished(ctx, domain.Actor{UserID: fmt.Sprint("f", i), Role: domain.RoleFounder}, s.ID, true); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	inv := domain.Actor{UserID: "i", Role: domain.RoleInvestor}
	if _, err := investors.Create(ctx, inv, app.InvestorInput{Name: ptr("王"), Kind: ptr("angel"), Sectors: &[]string{"ic"},
		Stages: &[]string{"angel"}, CheckMinWan: ptr(100.0), CheckMaxWan: ptr(500.0)}); err != nil {
		t.Fatal(err)
	}
	p, _ := domain.NewPage(1, 20)
	check := func(step string, want int, name string) {
		t.Helper()
		list, err := m.DealFlow(ctx, inv, app.DealQuery{Page: p})
		if err != nil {
			t.Fatal(err)
		}
		var got, exp any
		if err := json.Unmarshal(app.AppendDealFlowJSON(nil, list), &got); err != nil {
			t.Fatalf("%s: not JSON: %v", step, err)
		}
		raw, _ := json.Marshal(list)
		_ = json.Unmarshal(raw, &exp)
		if !reflect.DeepEqual(got, exp) {
			t.Fatalf("%s: written\n %v\nvalues\n %v", step, got, exp)
		}
		items := got.(map[string]any)["items"].([]any)
		if len(items) != want {
			t.Fatalf("%s: %d items, want %d", step, len(items), want)
		}
		if name != "" {
			found := false
			for _, it := range items {
				found = found || it.(map[string]any)["startup"].(map[string]any)["name"] == name
			}
			if !found {
				t.Fatalf("%s: no card named %q in %v", step, name, items)
			}
		}
	}
	check("published", 3, "项目1")
	if _, err := startups.Update(ctx, domain.Actor{UserID: "f1", Role: domain.RoleFounder}, ids[1], app.StartupInput{Name: ptr("改名后的项目")}); err != nil {
		t.Fatal(err)
	}
	check("renamed", 3, "改名后的项目")
	if _, err := startups.SetPublished(ctx, domain.Actor{UserID: "f2", Role: domain.RoleFounder}, ids[2], false); err != nil {
		t.Fatal(err)
	}
	check("withdrawn", 2, "")
	if _, err := startups.SetPublished(ctx, domain.Actor{UserID: "f2", Role: domain.RoleFounder}, ids[2], true); err != nil {
		t.Fatal(err)
	}
	check("published again", 3, "项目2")
}
