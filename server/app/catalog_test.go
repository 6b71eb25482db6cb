package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// catalogSetup writes n startups through the Startups service, which keeps
// the catalog current: most published, some edited later, one unpublished
// and one deleted.
func catalogSetup(t testing.TB, n int) (*mongo.DB, *app.Catalog, *app.Startups) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	cat := app.NewCatalog()
	svc := app.NewStartups(db, cat, db, db, tax, cat)
	sectors, stages, districts := []string{"ic", "ai", "textiles"}, []string{"seed", "angel", "a"}, []string{"keqiao", "yuecheng"}
	owners := []domain.Actor{{UserID: mongo.NewID(), Role: domain.RoleFounder}, {UserID: mongo.NewID(), Role: domain.RoleFounder}}
	var ids []string
	for i := 0; i < n; i++ {
		actor := domain.Actor{UserID: mongo.NewID(), Role: domain.RoleFounder}
		if i < 10 {
			actor = owners[i%2]
		}
		in := app.StartupInput{Name: ptr(fmt.Sprint("项目", i)), OneLiner: ptr("核对用"), Description: ptr("一个用来核对目录与数据库列出结果一致的测试项目。"),
			Sector: ptr(sectors[i%3]), Stage: ptr(stages[i%len(stages)]), District: ptr(districts[i%2]), AskWan: ptr(100.0)}
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
	return db, cat, svc
}

// TestCatalogListsAsTheStoreDoes compares the catalog's public lists with
// the database's, filter by filter and page by page, both as kept current
// by the service and as loaded again after a restart.
func TestCatalogListsAsTheStoreDoes(t *testing.T) {
	db, cat, _ := catalogSetup(t, 45)
	ctx := context.Background()
	reloaded := app.NewCatalog()
	if err := reloaded.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	filters := []domain.StartupFilter{{}, {Sector: "ic"}, {Stage: "angel", District: "keqiao"}, {Sector: "ai", Stage: "a"}, {District: "nowhere"}}
	for _, f := range filters {
		f.Status = domain.StatusPublished
		for page := 1; page <= 3; page++ {
			p, _ := domain.NewPage(page, 8)
			want, wantTotal, err := db.ListStartups(ctx, f, p)
			if err != nil {
				t.Fatal(err)
			}
			for name, c := range map[string]*app.Catalog{"live": cat, "reloaded": reloaded} {
				got, total, _ := c.ListStartups(ctx, f, p)
				if total != wantTotal || fmt.Sprint(idsOf(got)) != fmt.Sprint(idsOf(want)) {
					t.Errorf("%s catalog, %+v page %d: %d %v, store %d %v", name, f, page, total, idsOf(got), wantTotal, idsOf(want))
				}
			}
		}
	}
	if got, n, _ := cat.ListStartups(ctx, domain.StartupFilter{Status: domain.StatusDraft}, domain.Page{Page: 1, PageSize: 10}); n != 0 || len(got) != 0 {
		t.Errorf("the catalog listed drafts: %d", n)
	}
}

func idsOf(ss []domain.Startup) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID + "@" + s.UpdatedAt.Format(time.RFC3339Nano)
	}
	return out
}

// BenchmarkPublicList lists a page of 1,000 published startups filtered
// by sector, from the embedded database (the baseline) and from the catalog.
func BenchmarkPublicList(b *testing.B) {
	db, cat, _ := catalogSetup(b, 1000)
	ctx := context.Background()
	f := domain.StartupFilter{Sector: "ic", Status: domain.StatusPublished}
	p, _ := domain.NewPage(2, 20)
	for name, l := range map[string]app.StartupLister{"store": db, "catalog": cat} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := l.ListStartups(ctx, f, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
