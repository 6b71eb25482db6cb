package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// paceRig is a founder's draft startup, n investors stored in bulk (every
// fourth one fits it and gets its match alert) and the dispatcher over
// them, as the server wires them.
type paceRig struct {
	db        *mongo.DB
	startups  *app.Startups
	d         *app.Dispatcher
	founder   domain.Actor
	startupID string
	fits      []string
}

func newPaceRig(t testing.TB, n int) *paceRig {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	r := &paceRig{db: db, founder: domain.Actor{UserID: mongo.NewID(), Role: domain.RoleFounder}}
	invs := make([]*domain.Investor, n)
	for i := range invs {
		invs[i] = &domain.Investor{OwnerID: mongo.NewID(), Name: fmt.Sprint("投资人", i), Kind: "angel", Sectors: []string{"textiles"}, Stages: []string{"seed"}}
		if i%4 == 0 {
			invs[i].Sectors, invs[i].Stages = []string{"ic"}, []string{"angel"}
			r.fits = append(r.fits, invs[i].OwnerID)
		}
	}
	if err := db.InsertInvestors(ctx, invs); err != nil {
		t.Fatal(err)
	}
	rm, _ := app.NewReadModel(db, tax, log)
	if err := rm.Load(ctx); err != nil {
		t.Fatal(err)
	}
	engine, err := search.OpenBleve(filepath.Join(t.TempDir(), "bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	matcher := app.NewMatcher(rm, tax, app.NewNotifier(db, nopPusher{}, log), log)
	r.d = app.NewDispatcher(db, rm, app.NewIndexer(rm, engine, tax, log), matcher, log)
	r.startups = app.NewStartups(rm, rm, rm, tax)
	s, err := r.startups.Create(ctx, r.founder, app.StartupInput{Name: ptr("越芯半导体"), OneLiner: ptr("车规级功率芯片"),
		Description: ptr("专注车规级功率芯片的设计与量产，服务新能源汽车客户。"), Sector: ptr("ic"), Stage: ptr("angel"), AskWan: ptr(300.0), District: ptr("keqiao")})
	if err != nil {
		t.Fatal(err)
	}
	r.startupID = s.ID
	if _, err := r.d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDispatchWritesAreBackground: a publish's dispatch (the match alerts
// to the fitting investors, its mark's clearing) writes as background
// work, which the store makes give way to users' writes
// (mongo.TestBackgroundWritesGiveWay): none of its writes is counted
// among the users' (DB.Writes), yet the alerts are stored and the mark
// is gone.
func TestDispatchWritesAreBackground(t *testing.T) {
	r := newPaceRig(t, 12)
	ctx := context.Background()
	w := r.db.Writes()
	if _, err := r.startups.SetPublished(ctx, r.founder, r.startupID, true); err != nil {
		t.Fatal(err)
	}
	if n := r.db.Writes() - w; n == 0 {
		t.Fatal("the publish counted no write of its own")
	}
	w = r.db.Writes()
	if _, err := r.d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := r.db.Writes() - w; n != 0 {
		t.Fatalf("the dispatch wrote %d times as a user's call", n)
	}
	for _, u := range r.fits {
		if n := notesOf(t, r.db, u); n != 1 {
			t.Fatalf("investor %s has %d match alerts, want 1", u, n)
		}
	}
	if marks, _ := r.db.PendingOutbox(ctx, 0); slices.ContainsFunc(marks, func(m domain.OutboxEntry) bool { return m.Kind == domain.ChangeMatchAlert }) {
		t.Fatalf("the alert's mark left after the dispatch: %+v", marks)
	}
}

// TestAlertsOfOnePass: publishes waiting for the dispatcher together (a
// start after a stop finds those of the last moments) are fanned out in
// one pass, together (Matcher.FanOut of several startups, so that an
// investor several fit gets their alerts in one write): every fitting
// investor has each startup's alert once, and every mark is cleared.
func TestAlertsOfOnePass(t *testing.T) {
	r := newPaceRig(t, 40)
	ctx := context.Background()
	ids := []string{r.startupID}
	for i := range 2 {
		founder := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleFounder}
		s, err := r.startups.Create(ctx, founder, app.StartupInput{Name: ptr(fmt.Sprint("越芯", i)), OneLiner: ptr("车规级功率芯片"),
			Description: ptr("专注车规级功率芯片的设计与量产，服务新能源汽车客户。"), Sector: ptr("ic"), Stage: ptr("angel"), AskWan: ptr(300.0), District: ptr("keqiao")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.startups.SetPublished(ctx, founder, s.ID, true); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	if _, err := r.startups.SetPublished(ctx, r.founder, r.startupID, true); err != nil {
		t.Fatal(err)
	}
	if n, err := r.d.Drain(ctx); err != nil || n < 3 {
		t.Fatalf("dispatched %d marks, %v", n, err)
	}
	p, _ := domain.NewPage(1, 10)
	for _, u := range r.fits {
		items, _, _, err := r.db.ListNotifications(ctx, u, false, p)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range items {
			if it.Type == domain.NoteMatch {
				got = append(got, fmt.Sprint(it.Data["startupId"]))
			}
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(ids))
		if !slices.Equal(got, want) {
			t.Fatalf("investor %s was told of %v, want %v", u, got, want)
		}
	}
	if marks, _ := r.db.PendingOutbox(ctx, 0); slices.ContainsFunc(marks, func(m domain.OutboxEntry) bool { return m.Kind == domain.ChangeMatchAlert }) {
		t.Fatalf("alert marks left after the dispatch: %+v", marks)
	}
}

// TestFinishClearsEveryMark: a dispatch keeps a young change mark (an
// edit of the last minute) for its grace, so that a start after a stop
// applied it again before ready; Finish, which a stopping server calls once
// no write can land, applies and clears every mark, young ones and
// publishes not yet announced, so that nothing is left for the next start.
func TestFinishClearsEveryMark(t *testing.T) {
	r := newPaceRig(t, 12)
	ctx := context.Background()
	if _, err := r.startups.Update(ctx, r.founder, r.startupID, app.StartupInput{OneLiner: ptr("车规级 SiC 功率芯片")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if marks, _ := r.db.PendingOutbox(ctx, 0); len(marks) == 0 {
		t.Fatal("a young mark cleared by a dispatch: the grace is gone")
	}
	if _, err := r.startups.SetPublished(ctx, r.founder, r.startupID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := r.d.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if marks, _ := r.db.PendingOutbox(ctx, 0); len(marks) != 0 {
		t.Fatalf("marks left after Finish: %+v", marks)
	}
	for _, u := range r.fits {
		if n := notesOf(t, r.db, u); n != 1 {
			t.Fatalf("investor %s has %d match alerts, want 1", u, n)
		}
	}
}

// BenchmarkPublishBesideDispatch unpublishes and publishes one startup
// again and again, as scalebench's founder does, with the dispatcher
// running: each publish's alert to the 500 fitting investors of 2,000
// (five inserts of drops) and the mark's clearing run beside the next
// calls. It reports each call's p50 and p99 (ms).
//
//	go test -run '^$' -bench PublishBesideDispatch -benchtime 100x ./server/app/
func BenchmarkPublishBesideDispatch(b *testing.B) {
	r := newPaceRig(b, 2000)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var pub, unpub []time.Duration
	for b.Loop() {
		for _, publish := range []bool{false, true} {
			start := time.Now()
			if _, err := r.startups.SetPublished(context.Background(), r.founder, r.startupID, publish); err != nil {
				b.Fatal(err)
			}
			if publish {
				pub = append(pub, time.Since(start))
			} else {
				unpub = append(unpub, time.Since(start))
			}
		}
	}
	for name, ds := range map[string][]time.Duration{"publish": pub, "unpublish": unpub} {
		slices.Sort(ds)
		b.ReportMetric(ms(ds[len(ds)/2]), name+"-p50-ms")
		b.ReportMetric(ms(ds[(len(ds)*99-1)/100]), name+"-p99-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
