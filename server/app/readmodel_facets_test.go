package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	json "github.com/goccy/go-json"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// The values the random startups below draw from: few, so that filters
// find several each, and one of each field that no startup has.
var (
	facetSectors   = []string{"ic", "ai", "textiles"}
	facetStages    = []string{"seed", "angel", "a"}
	facetDistricts = []string{"keqiao", "yuecheng"}
	facetRes       = []string{domain.ResidencyRequested, domain.ResidencyInvited, domain.ResidencyConfirmed}
)

// TestListsAfterRandomWrites writes startups at random through a read model
// whose lists (and so its facets) were made before the first write —
// creations, publishes and withdrawals, edits that move a startup to
// another sector, stage, district or space or only touch it, deletes — and
// after every few writes compares every list a filter can ask for, page by
// page, and every count, with a plain filter and sort of the startups as
// written. At the end a model loaded again from the database must answer
// the same. Update times are drawn from a few milliseconds, so ties (then
// by id) are common.
func TestListsAfterRandomWrites(t *testing.T) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	rm, err := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := rm.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := rm.ListStartups(ctx, domain.StartupFilter{}, domain.Page{Page: 1, PageSize: 1}); err != nil {
		t.Fatal(err) // the order and the facets are made now, and kept by every write below
	}
	rnd := rand.New(rand.NewPCG(12, 1))
	owners := []string{mongo.NewID(), mongo.NewID(), mongo.NewID(), mongo.NewID()}
	var spaces []string
	for i := range 3 { // owned by three of the founders, so that some startups are a space's own rows
		sp := &domain.Space{OwnerID: owners[i], Name: fmt.Sprint("空间", i), Level: "city", Model: domain.SpaceModels[0], District: "keqiao",
			Services: []string{}, Districts: []string{"keqiao"}}
		if err := rm.CreateSpace(ctx, sp); err != nil {
			t.Fatal(err)
		}
		spaces = append(spaces, sp.ID)
	}
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	when := func() time.Time { return base.Add(time.Duration(rnd.IntN(12)) * time.Millisecond) }
	pick := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
	held, made := map[string]domain.Startup{}, 0 // what was written, by id; how many were made

	create := func() {
		at := when()
		made++
		s := &domain.Startup{OwnerID: pick(owners), Name: fmt.Sprint("项目", made), Sector: pick(facetSectors), Stage: pick(facetStages),
			District: pick(facetDistricts), Status: domain.StatusDraft, Team: []domain.TeamMember{}, Tags: []string{"核对"}, Links: []domain.Link{},
			CreatedAt: at, UpdatedAt: at}
		if rnd.IntN(3) > 0 {
			s.SpaceID, s.Residency = pick(spaces), pick(facetRes)
		}
		if rnd.IntN(2) == 0 {
			s.Status, s.PublishedAt = domain.StatusPublished, &at
		}
		if rnd.IntN(2) == 0 {
			s.Private = &domain.StartupPrivate{RevenueWan: 120, ContactName: "王<总>", ContactPhone: "13705750000"}
		}
		if err := rm.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		held[s.ID] = *s
	}
	for range 40 {
		create()
	}
	ops := []string{"create", "publish", "withdraw", "sector", "stage", "district", "space", "leave space", "touch", "delete"}
	for i := 1; i <= 240; i++ {
		op := ops[rnd.IntN(len(ops))]
		if op == "create" || len(held) == 0 {
			create()
			continue
		}
		ids := make([]string, 0, len(held))
		for id := range held {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		s := held[pick(ids)]
		if op == "delete" {
			if err := rm.DeleteStartup(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			delete(held, s.ID)
			continue
		}
		s.Tags = slices.Clone(s.Tags)
		switch op {
		case "publish":
			s.Status = domain.StatusPublished
		case "withdraw":
			s.Status = domain.StatusDraft
		case "sector":
			s.Sector = pick(facetSectors)
		case "stage":
			s.Stage = pick(facetStages)
		case "district":
			s.District = pick(facetDistricts)
		case "space":
			s.SpaceID, s.Residency = pick(spaces), pick(facetRes)
		case "leave space":
			s.SpaceID, s.Residency = "", ""
		}
		s.UpdatedAt = when()
		if err := rm.UpdateStartup(ctx, &s, s.Version); err != nil {
			t.Fatal(err)
		}
		held[s.ID] = s
		if i%40 == 0 {
			checkLists(t, fmt.Sprintf("after write %d", i), rm, held, spaces, owners)
		}
	}
	checkLists(t, "after the writes", rm, held, spaces, owners)
	checkRegistry(t, rm, tax, held, spaces)
	checkListJSON(t, rm, tax, spaces, owners)
	reloaded, _ := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err := reloaded.Load(ctx); err != nil {
		t.Fatal(err)
	}
	checkLists(t, "loaded again", reloaded, held, spaces, owners)
}

// checkLists compares rm's answer to every filter the values make (each
// field unset, set to a held value, or set to a value no startup has; at
// most three set at once) with a plain filter and sort of held.
func checkLists(t *testing.T, when string, rm *app.ReadModel, held map[string]domain.Startup, spaces, owners []string) {
	t.Helper()
	ctx := context.Background()
	all := make([]domain.Startup, 0, len(held))
	for _, s := range held {
		all = append(all, s)
	}
	slices.SortFunc(all, func(a, b domain.Startup) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	with := func(xs ...string) []string { return append([]string{""}, xs...) }
	fields := [][]string{with(domain.StatusDraft, domain.StatusPublished), with(append(facetSectors, "nowhere")...), with(facetStages...),
		with(facetDistricts...), with(append(spaces, "nowhere")...), with(owners[0], owners[1]), with(domain.ResidencyConfirmed)}
	pages := []domain.Page{{Page: 1, PageSize: 5}, {Page: 2, PageSize: 5}, {Page: 3, PageSize: 5}, {Page: 9, PageSize: 5}, {Page: 1, PageSize: 100}}
	checked, failed := 0, 0
	var vals [7]string
	var walk func(field, set int)
	walk = func(field, set int) {
		if field == len(fields) {
			f := domain.StartupFilter{Status: vals[0], Sector: vals[1], Stage: vals[2], District: vals[3], SpaceID: vals[4], OwnerID: vals[5], Residency: vals[6]}
			var want []domain.Startup
			for _, s := range all {
				if (f.Status == "" || s.Status == f.Status) && (f.Sector == "" || s.Sector == f.Sector) && (f.Stage == "" || s.Stage == f.Stage) &&
					(f.District == "" || s.District == f.District) && (f.SpaceID == "" || s.SpaceID == f.SpaceID) &&
					(f.OwnerID == "" || s.OwnerID == f.OwnerID) && (f.Residency == "" || s.Residency == f.Residency) {
					want = append(want, s)
				}
			}
			checked++
			if n, _ := rm.CountStartups(ctx, f); n != len(want) {
				failed++
				t.Errorf("%s: count %+v = %d, want %d", when, f, n, len(want))
			}
			for _, p := range pages {
				got, total, err := rm.ListStartups(ctx, f, p)
				lo, hi := min(len(want), p.Skip()), min(len(want), p.Skip()+p.PageSize)
				if err != nil || total != len(want) || !reflect.DeepEqual(got, append([]domain.Startup{}, want[lo:hi]...)) {
					if failed++; failed <= 10 {
						t.Errorf("%s: %+v page %d: total %d %v, want %d %v (%v)", when, f, p.Page, total, idsOf(got), len(want), idsOf(want[lo:hi]), err)
					}
				}
			}
			return
		}
		for _, v := range fields[field] {
			if v != "" && set == 3 {
				continue
			}
			vals[field] = v
			walk(field+1, set+min(len(v), 1))
		}
		vals[field] = ""
	}
	walk(0, 0)
	if checked < 500 {
		t.Fatalf("%s: only %d filters checked", when, checked)
	}
}

// checkRegistry compares each space's registry export, row by row, with
// the startups in the space that domain.RegistryLists lets it list, newest
// first.
func checkRegistry(t *testing.T, rm *app.ReadModel, tax *domain.Taxonomy, held map[string]domain.Startup, spaces []string) {
	t.Helper()
	ctx := context.Background()
	all := newestOf(held, func(s domain.Startup) (time.Time, string) { return s.UpdatedAt, s.ID })
	listed := 0
	for _, id := range spaces {
		sp, err := rm.SpaceByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, s := range all {
			if domain.RegistryLists(&s, sp) {
				want = append(want, s.Name+"/"+s.Status)
			}
		}
		rows, err := app.NewRegistry(rm, tax).Rows(ctx, domain.Actor{UserID: sp.OwnerID, Role: domain.RoleManager}, id)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, row := range rows[1:] {
			got = append(got, row[0]+"/"+row[len(row)-1])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("space %s exports %v, want %v", id, got, want)
		}
		listed += len(want)
	}
	if listed < 5 {
		t.Fatalf("the spaces list %d startups in all: too few to check the export", listed)
	}
}

// checkListJSON compares the list page's JSON as the API writes it
// (Startups.ListJSON, from each startup's kept JSON) with the encoding of
// Startups.List's answer, for an anonymous visitor and for founders whose
// own startups show in full, filter by filter and page by page.
func checkListJSON(t *testing.T, rm *app.ReadModel, tax *domain.Taxonomy, spaces, owners []string) {
	t.Helper()
	ctx := context.Background()
	svc := app.NewStartups(rm, rm, rm, tax)
	actors := []domain.Actor{{}, {UserID: owners[0], Role: domain.RoleFounder}, {UserID: owners[1], Role: domain.RoleFounder}}
	pages := []domain.Page{{Page: 1, PageSize: 5}, {Page: 2, PageSize: 5}, {Page: 9, PageSize: 5}, {Page: 1, PageSize: 100}}
	items := 0
	for _, sec := range append([]string{"", "nowhere"}, facetSectors...) {
		for _, sp := range append([]string{""}, spaces...) {
			for _, d := range append([]string{""}, facetDistricts...) {
				for _, a := range actors {
					for _, mine := range []bool{false, true} {
						for _, p := range pages {
							q := app.StartupQuery{StartupFilter: domain.StartupFilter{Sector: sec, SpaceID: sp, District: d}, Mine: mine, Page: p}
							got, gerr := svc.ListJSON(ctx, a, q, []byte("kept"))
							l, lerr := svc.List(ctx, a, q)
							want, _ := json.Marshal(l)
							if lerr != nil {
								want = nil
							}
							if (gerr == nil) != (lerr == nil) || string(got) != "kept"+string(want) {
								t.Fatalf("%+v for %q: %s (%v), want %s (%v)", q, a.UserID, got, gerr, want, lerr)
							}
							if l != nil {
								items += len(l.Items)
							}
						}
					}
				}
			}
		}
	}
	if items < 100 {
		t.Fatalf("the JSON of only %d items compared", items)
	}
}
