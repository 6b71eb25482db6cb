package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"sync"
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
		written, err := m.DealFlowJSON(ctx, inv, app.DealQuery{Page: p}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(written, &got); err != nil {
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

// TestDealFlowJSONKeepsNothing checks that DealFlowJSON, whose working
// memory is reused from one answer to the next, writes for every answer
// what DealFlow's values say: many investors (some with feedback, one with
// none) ask for pages of several sizes, filters and the saved list in a
// random order, from several goroutines at once, so that a longer page
// before a shorter one, or another investor's reasons or words, would show.
func TestDealFlowJSONKeepsNothing(t *testing.T) {
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
	rng := rand.New(rand.NewPCG(5, 6))
	var ids []string
	for i := range 60 {
		founder := domain.Actor{UserID: fmt.Sprint("f", i), Role: domain.RoleFounder}
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("一句话介绍"), Description: ptr("这是一个足够长的项目介绍，用来满足发布要求。"),
			Sector: ptr(tax.Sectors[rng.IntN(len(tax.Sectors))].Code), Stage: ptr(domain.StageCodes()[rng.IntN(5)]),
			AskWan: ptr(float64(50 + rng.IntN(900))), District: ptr(tax.Districts[rng.IntN(len(tax.Districts))].Code)}
		s, err := startups.Create(ctx, founder, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := startups.SetPublished(ctx, founder, s.ID, true); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	var actors []domain.Actor
	for i := range 6 {
		a := domain.Actor{UserID: fmt.Sprint("i", i), Role: domain.RoleInvestor}
		sectors := []string{tax.Sectors[rng.IntN(len(tax.Sectors))].Code, tax.Sectors[rng.IntN(len(tax.Sectors))].Code}
		if _, err := investors.Create(ctx, a, app.InvestorInput{Name: ptr(fmt.Sprint("投资人", i)), Kind: ptr("angel"), Sectors: &sectors,
			Stages: &[]string{domain.StageCodes()[i%5]}, CheckMinWan: ptr(float64(100 * (i % 3))), CheckMaxWan: ptr(float64(200+100*i) * float64(min(1, i%4)))}); err != nil {
			t.Fatal(err)
		}
		// investors 0 and 3 state no minimum, 0 and 4 no maximum (the money
		// reason leaves out what is not stated); 0 has no feedback
		for j := range i * 4 {
			if _, err := m.Feedback(ctx, a, ids[rng.IntN(len(ids))], []string{domain.FeedbackInterested, domain.FeedbackSave, domain.FeedbackPass}[j%3]); err != nil {
				t.Fatal(err)
			}
		}
		actors = append(actors, a)
	}
	query := func(rng *rand.Rand) app.DealQuery {
		p, _ := domain.NewPage(1+rng.IntN(3), []int{1, 5, 20}[rng.IntN(3)])
		q := app.DealQuery{Page: p, Saved: rng.IntN(6) == 0}
		switch rng.IntN(4) {
		case 0:
			q.Sector = tax.Sectors[rng.IntN(len(tax.Sectors))].Code
		case 1:
			q.District = tax.Districts[rng.IntN(len(tax.Districts))].Code
		}
		return q
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			var buf []byte
			for range 300 {
				a, q := actors[rng.IntN(len(actors))], query(rng)
				list, err := m.DealFlow(ctx, a, q)
				if err != nil {
					errs <- err
					return
				}
				want := app.AppendDealFlowJSON(nil, list)
				if buf, err = m.DealFlowJSON(ctx, a, q, buf[:0]); err != nil {
					errs <- err
					return
				}
				if string(buf) != string(want) {
					errs <- fmt.Errorf("%s %+v: written\n %s\nvalues\n %s", a.UserID, q, buf, want)
					return
				}
				// and the bytes a page carries ready-made (cards, money
				// reasons) say what its fields say
				if err := sameJSON(buf, list); err != nil {
					errs <- fmt.Errorf("%s %+v: %v", a.UserID, q, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// sameJSON reports whether b decodes to what encoding/json makes of v,
// which reads v's fields and none of the JSON a value may carry made.
func sameJSON(b []byte, v any) error {
	want, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var x, y any
	if err := json.Unmarshal(b, &x); err != nil {
		return fmt.Errorf("not JSON: %s", b)
	}
	_ = json.Unmarshal(want, &y)
	if !reflect.DeepEqual(x, y) {
		return fmt.Errorf("written\n %s\nencoding/json\n %s", b, want)
	}
	return nil
}
