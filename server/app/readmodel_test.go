package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// modelSetup writes n startups through the Startups service over a read
// model: most published, some edited later, one unpublished and one
// deleted, plus a few investors and spaces.
func modelSetup(t testing.TB, n int) (*mongo.DB, *app.ReadModel) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	rm, err := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// A list before any write makes the model's order of startups now, so
	// that the writes below keep it one by one (a reloaded model makes it
	// at its first list instead).
	if _, _, err := rm.ListStartups(ctx, domain.StartupFilter{}, domain.Page{Page: 1, PageSize: 1}); err != nil {
		t.Fatal(err)
	}
	svc := app.NewStartups(rm, rm, rm, tax)
	sectors, stages, districts := []string{"ic", "ai", "textiles"}, []string{"seed", "angel", "a"}, []string{"keqiao", "yuecheng"}
	owners := []domain.Actor{{UserID: mongo.NewID(), Role: domain.RoleFounder}, {UserID: mongo.NewID(), Role: domain.RoleFounder}}
	var ids []string
	for i := 0; i < n; i++ {
		actor := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleFounder}
		if i < 10 {
			actor = owners[i%2]
		}
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("核对用"), Description: ptr("一个用来核对内存与数据库列出结果一致的测试项目。"),
			Sector: ptr(sectors[i%3]), Stage: ptr(stages[i%len(stages)]), District: ptr(districts[i%2]), AskWan: ptr(100.0), Tags: &[]string{"核对"}}
		s, err := svc.Create(ctx, actor, in)
		if err != nil {
			t.Fatal(err)
		}
		if i%7 != 3 { // some stay drafts
			if _, err := svc.SetPublished(ctx, actor, s.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, s.ID)
	}
	if _, err := svc.Update(ctx, owners[0], ids[0], app.StartupInput{OneLiner: ptr("后来改过")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetPublished(ctx, owners[1], ids[1], false); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, owners[0], ids[2]); err != nil {
		t.Fatal(err)
	}
	investors := app.NewInvestors(rm, tax)
	for i := 0; i < 6; i++ {
		actor := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleInvestor}
		if _, err := investors.Create(ctx, actor, app.InvestorInput{Name: ptr(fmt.Sprint("投资人", i)), Kind: ptr([]string{"angel", "institution"}[i%2]),
			Sectors: &[]string{sectors[i%3]}, Stages: &[]string{stages[i%3]}, Districts: &[]string{districts[i%2]}}); err != nil {
			t.Fatal(err)
		}
	}
	return db, rm
}

// TestReadModelAnswersAsTheStoreDoes compares the read model's lists with
// the database's, filter by filter and page by page, both as kept current
// by the writes through it and as loaded again after a restart.
func TestReadModelAnswersAsTheStoreDoes(t *testing.T) {
	db, live := modelSetup(t, 45)
	ctx := context.Background()
	tax, _ := taxonomy.Load("")
	reloaded, _ := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err := reloaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	models := map[string]*app.ReadModel{"live": live, "reloaded": reloaded}
	filters := []domain.StartupFilter{{Status: domain.StatusPublished}, {Sector: "ic", Status: domain.StatusPublished},
		{Stage: "angel", District: "keqiao", Status: domain.StatusPublished}, {Sector: "ai", Stage: "a"}, {District: "nowhere"},
		{Status: domain.StatusDraft}, {}}
	for _, f := range filters {
		for page := 1; page <= 3; page++ {
			p, _ := domain.NewPage(page, 8)
			want, wantTotal, err := db.ListStartups(ctx, f, p)
			if err != nil {
				t.Fatal(err)
			}
			for name, rm := range models {
				got, total, _ := rm.ListStartups(ctx, f, p)
				if total != wantTotal || fmt.Sprint(idsOf(got)) != fmt.Sprint(idsOf(want)) {
					t.Errorf("%s, %+v page %d: %d %v, store %d %v", name, f, page, total, idsOf(got), wantTotal, idsOf(want))
				}
			}
		}
	}
	yes := true
	for _, f := range []domain.InvestorFilter{{}, {Sector: "ic"}, {Kind: "institution", District: "keqiao"}, {Verified: &yes}} {
		p, _ := domain.NewPage(1, 4)
		want, wantTotal, _ := db.ListInvestors(ctx, f, p)
		for name, rm := range models {
			got, total, _ := rm.ListInvestors(ctx, f, p)
			if total != wantTotal || len(got) != len(want) || len(got) > 0 && got[0].ID != want[0].ID {
				t.Errorf("%s investors %+v: %d, store %d", name, f, total, wantTotal)
			}
		}
	}
	for name, rm := range models {
		var a, b []domain.Startup
		_ = rm.EachStartup(ctx, func(s domain.Startup) error { a = append(a, s); return nil })
		_ = db.EachStartup(ctx, func(s domain.Startup) error { b = append(b, s); return nil })
		if len(a) != len(b) || len(a) != 44 {
			t.Errorf("%s holds %d startups, the store %d (want 44)", name, len(a), len(b))
		}
		if n := rm.Index().Len(); n != countPublished(b) {
			t.Errorf("%s matching index holds %d, published %d", name, n, countPublished(b))
		}
	}
}

func countPublished(ss []domain.Startup) int {
	n := 0
	for _, s := range ss {
		if s.Status == domain.StatusPublished {
			n++
		}
	}
	return n
}

func idsOf(ss []domain.Startup) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID + "@" + s.UpdatedAt.Format(time.RFC3339Nano)
	}
	return out
}

// TestReadModelHandsOutCopies changes what it was given and checks that
// memory did not change with it.
func TestReadModelHandsOutCopies(t *testing.T) {
	_, rm := modelSetup(t, 3)
	ctx := context.Background()
	list, _, _ := rm.ListStartups(ctx, domain.StartupFilter{}, domain.Page{Page: 1, PageSize: 1})
	id, name := list[0].ID, list[0].Name
	list[0].Name, list[0].Tags[0] = "改了", "改了"
	s, _ := rm.StartupByID(ctx, id)
	if s.Name != name || s.Tags[0] == "改了" {
		t.Fatalf("memory changed through a copy: %q %v", s.Name, s.Tags)
	}
}

// TestDispatcherCarriesChanges writes behind the read model's back, as
// another process (or a crash before the apply) would leave it: only an
// outbox mark says what changed. One dispatch brings the read model, the
// search index and the match alerts in line; an alert whose write has not
// landed waits for it.
func TestDispatcherCarriesChanges(t *testing.T) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	rm, _ := app.NewReadModel(db, tax, log)
	if err := rm.Load(ctx); err != nil {
		t.Fatal(err)
	}
	engine, err := search.OpenBleve(filepath.Join(t.TempDir(), "bleve"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	notifier := app.NewNotifier(db, nopPusher{}, log)
	matcher := app.NewMatcher(rm, tax, notifier, log)
	d := app.NewDispatcher(db, rm, app.NewIndexer(rm, engine, tax, log), matcher, log)

	investor := mongo.NewID()
	if err := db.CreateInvestor(ctx, &domain.Investor{OwnerID: investor, Name: "王", Kind: "angel", Sectors: []string{"ic"}, Stages: []string{"angel"}}); err != nil {
		t.Fatal(err)
	}
	s := &domain.Startup{OwnerID: mongo.NewID(), Name: "越芯半导体", OneLiner: "芯片", Sector: "ic", Stage: "angel", AskWan: 300,
		District: "keqiao", Status: domain.StatusDraft, Team: []domain.TeamMember{}, Tags: []string{}, Links: []domain.Link{}}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	// The alert is marked for the next version, which has not landed yet.
	if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeMatchAlert, DocID: s.ID, Version: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rm.InvestorByOwner(ctx, investor); err != nil {
		t.Fatalf("investor written elsewhere not in the read model: %v", err)
	}
	if got, _ := rm.StartupByID(ctx, s.ID); got == nil || got.Status != domain.StatusDraft {
		t.Fatalf("startup written elsewhere not in the read model: %+v", got)
	}
	if n := notesOf(t, db, investor); n != 0 {
		t.Fatalf("alert sent before its write landed: %d", n)
	}

	s.Status = domain.StatusPublished
	if err := db.UpdateStartup(ctx, s, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := notesOf(t, db, investor); n != 1 {
		t.Fatalf("match alerts after the publish landed: %d, want 1", n)
	}
	if res, err := engine.Search(ctx, search.Query{Text: "越芯", Kind: search.KindStartup, Limit: 5}); err != nil || res.Total != 1 {
		t.Fatalf("search after dispatch: %+v %v", res, err)
	}
	if rm.Index().Len() != 1 {
		t.Fatal("matching index did not follow the publish")
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if n := notesOf(t, db, investor); n != 1 {
		t.Fatalf("alert sent twice: %d", n)
	}

	// A profile gone from the database leaves memory once its mark is too
	// old for the write to be a creation still in flight.
	if err := db.DeleteStartup(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rm.StartupByID(ctx, s.ID); err != nil {
		t.Fatalf("a young not-found mark removed the startup: %v", err)
	}
	d.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := rm.StartupByID(ctx, s.ID); !domain.IsKind(err, domain.KindNotFound) || rm.Index().Len() != 0 {
		t.Fatalf("deleted startup still in the read model: %v", err)
	}
}

func notesOf(t *testing.T, db *mongo.DB, userID string) int {
	t.Helper()
	p, _ := domain.NewPage(1, 10)
	_, total, err := db.ListNotifications(context.Background(), userID, false, p)
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// BenchmarkPublicList lists a page of 1,000 published startups filtered
// by sector, from the embedded database (the baseline) and from the read
// model.
//
//	go test -run '^$' -bench PublicList ./server/app/
func BenchmarkPublicList(b *testing.B) {
	db, rm := modelSetup(b, 1000)
	ctx := context.Background()
	f := domain.StartupFilter{Sector: "ic", Status: domain.StatusPublished}
	p, _ := domain.NewPage(2, 20)
	type lister interface {
		ListStartups(context.Context, domain.StartupFilter, domain.Page) ([]domain.Startup, int, error)
	}
	for name, l := range map[string]lister{"store": db, "readmodel": rm} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := l.ListStartups(ctx, f, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestAnnouncedPublishReachesSearch publishes through the read model a
// startup whose own marks are long cleared: the publish writes only its
// match-alert mark (no startup mark), and that alert alone must bring the
// startup into the search index and the matching index, tell the investor
// once, and leave no mark behind.
func TestAnnouncedPublishReachesSearch(t *testing.T) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
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
	d := app.NewDispatcher(db, rm, app.NewIndexer(rm, engine, tax, log), matcher, log)
	investor := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleInvestor}
	if _, err := app.NewInvestors(rm, tax).Create(ctx, investor, app.InvestorInput{Name: ptr("王"), Kind: ptr("angel"),
		Sectors: &[]string{"ic"}, Stages: &[]string{"angel"}}); err != nil {
		t.Fatal(err)
	}
	founder := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleFounder}
	startups := app.NewStartups(rm, rm, rm, tax)
	s, err := startups.Create(ctx, founder, app.StartupInput{Name: ptr("越芯半导体"), OneLiner: ptr("车规级功率芯片"),
		Description: ptr("专注车规级功率芯片的设计与量产，服务新能源汽车客户。"), Sector: ptr("ic"), Stage: ptr("angel"), AskWan: ptr(300.0), District: ptr("keqiao")})
	if err != nil {
		t.Fatal(err)
	}
	clearMarks := func() {
		t.Helper()
		marks, err := db.PendingOutbox(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range marks {
			if err := db.DoneOutbox(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	clearMarks() // as a minute later: the creation's marks are gone
	if _, err := startups.SetPublished(ctx, founder, s.ID, true); err != nil {
		t.Fatal(err)
	}
	marks, _ := db.PendingOutbox(ctx, 100)
	if len(marks) != 1 || marks[0].Kind != domain.ChangeMatchAlert {
		t.Fatalf("marks after a publish: %+v, want the match alert alone", marks)
	}
	if _, err := d.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := engine.Search(ctx, search.Query{Text: "越芯", Kind: search.KindStartup, Limit: 5}); err != nil || res.Total != 1 {
		t.Fatalf("search after the alert's dispatch: %+v %v", res, err)
	}
	if n := notesOf(t, db, investor.UserID); n != 1 {
		t.Fatalf("match alerts: %d, want 1", n)
	}
	if marks, _ := db.PendingOutbox(ctx, 100); len(marks) != 0 {
		t.Fatalf("marks left after the dispatch: %+v", marks)
	}
}
