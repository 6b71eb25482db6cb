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

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// TestInvestorAndSpaceListsAfterRandomWrites applies random changes to the
// investors and spaces of a read model whose lists were made before the
// first — creations, edits that move a profile between sectors, stages,
// districts, kinds, levels or models or only touch it, verifications,
// deletes — and after every few compares every list a filter can ask for,
// page by page, with a plain filter and sort of the profiles as changed.
func TestInvestorAndSpaceListsAfterRandomWrites(t *testing.T) {
	tax, _ := taxonomy.Load("")
	ctx := context.Background()
	rm, err := app.NewReadModel(nil, tax, slog.New(slog.DiscardHandler)) // changes applied as the dispatcher applies them
	if err != nil {
		t.Fatal(err)
	}
	p1, _ := domain.NewPage(1, 1)
	_, _, _ = rm.ListInvestors(ctx, domain.InvestorFilter{}, p1) // the orders and facets are made now
	_, _, _ = rm.ListSpaces(ctx, domain.SpaceFilter{}, p1)
	rnd := rand.New(rand.NewPCG(12, 2))
	pick := func(xs []string) string { return xs[rnd.IntN(len(xs))] }
	some := func(xs []string) []string { // one to three, a repeat now and then
		out := []string{}
		for range 1 + rnd.IntN(3) {
			out = append(out, pick(xs))
		}
		return out
	}
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	when := func() time.Time { return base.Add(time.Duration(rnd.IntN(10)) * time.Millisecond) }
	owners := []string{"u1", "u2", "u3", "u4", "u5", "u6"}
	kinds, levels, models := []string{domain.KindAngel, domain.KindInstitution}, []string{"national", "provincial", "city"}, domain.SpaceModels
	invs, sps := map[string]domain.Investor{}, map[string]domain.Space{}
	for i := 1; i <= 300; i++ {
		id := fmt.Sprintf("%024x", 1+rnd.IntN(60)) // a new one or one held: created, changed or gone
		if rnd.IntN(2) == 0 {
			inv, held := invs[id]
			switch {
			case held && rnd.IntN(6) == 0:
				delete(invs, id)
				app.ApplyChange(rm, app.Change{Kind: domain.ChangeInvestor, ID: id})
				continue
			case !held:
				inv = domain.Investor{ID: id, OwnerID: pick(owners), Kind: pick(kinds), Sectors: some(facetSectors), Stages: some(facetStages), Districts: some(facetDistricts)}
			default:
				switch rnd.IntN(5) {
				case 0:
					inv.Sectors = some(facetSectors)
				case 1:
					inv.Stages, inv.Districts = some(facetStages), some(facetDistricts)
				case 2:
					inv.Kind = pick(kinds)
				case 3:
					inv.Verified = !inv.Verified
				}
			}
			inv.Version++
			inv.UpdatedAt = when()
			invs[id] = inv
			app.ApplyChange(rm, app.Change{Kind: domain.ChangeInvestor, ID: id, Investor: &inv})
		} else {
			sp, held := sps[id]
			switch {
			case held && rnd.IntN(6) == 0:
				delete(sps, id)
				app.ApplyChange(rm, app.Change{Kind: domain.ChangeSpace, ID: id})
				continue
			case !held:
				sp = domain.Space{ID: id, OwnerID: pick(owners), Name: "空间", Level: pick(levels), Model: pick(models), District: pick(facetDistricts)}
			default:
				sp.Level, sp.Model = pick(levels), pick(models)
			}
			sp.Version++
			sp.UpdatedAt = when()
			sps[id] = sp
			app.ApplyChange(rm, app.Change{Kind: domain.ChangeSpace, ID: id, Space: &sp})
		}
		if i%50 == 0 {
			checkInvestorLists(t, i, rm, invs, owners)
			checkSpaceLists(t, i, rm, sps, levels, models, owners)
		}
	}
}

// newestOf returns the values of m newest update first, then by id.
func newestOf[T any](m map[string]T, key func(T) (time.Time, string)) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int {
		ta, ia := key(a)
		tb, ib := key(b)
		if c := tb.Compare(ta); c != 0 {
			return c
		}
		return strings.Compare(ia, ib)
	})
	return out
}

// checkPages compares every page of list with want; it returns false on a
// difference.
func checkPages[T any](t *testing.T, what string, want []T, list func(domain.Page) ([]T, int, error)) bool {
	t.Helper()
	for _, p := range []domain.Page{{Page: 1, PageSize: 4}, {Page: 2, PageSize: 4}, {Page: 3, PageSize: 4}, {Page: 20, PageSize: 4}, {Page: 1, PageSize: 100}} {
		got, total, err := list(p)
		lo, hi := min(len(want), p.Skip()), min(len(want), p.Skip()+p.PageSize)
		if err != nil || total != len(want) || !reflect.DeepEqual(got, append([]T{}, want[lo:hi]...)) {
			t.Errorf("%s page %d: %d items of %d, want %d of %d (%v)", what, p.Page, len(got), total, hi-lo, len(want), err)
			return false
		}
	}
	return true
}

func checkInvestorLists(t *testing.T, at int, rm *app.ReadModel, held map[string]domain.Investor, owners []string) {
	t.Helper()
	all := newestOf(held, func(inv domain.Investor) (time.Time, string) { return inv.UpdatedAt, inv.ID })
	yes, no := true, false
	for _, sec := range append([]string{"", "nowhere"}, facetSectors...) {
		for _, st := range append([]string{""}, facetStages...) {
			for _, d := range append([]string{""}, facetDistricts...) {
				for _, k := range []string{"", domain.KindAngel, domain.KindInstitution} {
					for _, v := range []*bool{nil, &yes, &no} {
						for _, o := range []string{"", owners[0]} {
							f := domain.InvestorFilter{Sector: sec, Stage: st, District: d, Kind: k, Verified: v, OwnerID: o}
							var want []domain.Investor
							for _, inv := range all {
								if (sec == "" || slices.Contains(inv.Sectors, sec)) && (st == "" || slices.Contains(inv.Stages, st)) &&
									(d == "" || slices.Contains(inv.Districts, d)) && (k == "" || inv.Kind == k) &&
									(v == nil || inv.Verified == *v) && (o == "" || inv.OwnerID == o) {
									want = append(want, inv)
								}
							}
							list := func(p domain.Page) ([]domain.Investor, int, error) {
								return rm.ListInvestors(context.Background(), f, p)
							}
							if !checkPages(t, fmt.Sprintf("after change %d, investors %+v", at, f), want, list) {
								return
							}
						}
					}
				}
			}
		}
	}
}

func checkSpaceLists(t *testing.T, at int, rm *app.ReadModel, held map[string]domain.Space, levels, models, owners []string) {
	t.Helper()
	all := newestOf(held, func(sp domain.Space) (time.Time, string) { return sp.UpdatedAt, sp.ID })
	for _, l := range append([]string{"", "nowhere"}, levels...) {
		for _, m := range append([]string{""}, models...) {
			for _, d := range append([]string{""}, facetDistricts...) {
				for _, o := range []string{"", owners[0], owners[1]} {
					f := domain.SpaceFilter{Level: l, Model: m, District: d, OwnerID: o}
					var want []domain.Space
					for _, sp := range all {
						if (l == "" || sp.Level == l) && (m == "" || sp.Model == m) && (d == "" || sp.District == d) && (o == "" || sp.OwnerID == o) {
							want = append(want, sp)
						}
					}
					list := func(p domain.Page) ([]domain.Space, int, error) { return rm.ListSpaces(context.Background(), f, p) }
					if !checkPages(t, fmt.Sprintf("after change %d, spaces %+v", at, f), want, list) {
						return
					}
				}
			}
		}
	}
}
