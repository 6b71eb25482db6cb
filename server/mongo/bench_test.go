package mongo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// BenchmarkLookups shows how the store's query shapes scale with collection
// size on the server under test (docs/STORAGE.md records the figures):
//
//	go test -run '^$' -bench Lookups -benchtime 20x ./server/mongo/
func BenchmarkLookups(b *testing.B) {
	for _, n := range []int{100, 1000} {
		db := mongotest.Open(b)
		ctx := context.Background()
		var last string
		for i := 0; i < n; i++ {
			s := &domain.Startup{Name: fmt.Sprint(i), OwnerID: fmt.Sprint(i % 50), Status: "published", Sector: "ic"}
			if err := db.CreateStartup(ctx, s); err != nil {
				b.Fatal(err)
			}
			last = s.ID
		}
		p, _ := domain.NewPage(1, 20)
		b.Run(fmt.Sprintf("byID/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.StartupByID(ctx, last); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("countByOwner/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := db.CountStartups(ctx, domain.StartupFilter{OwnerID: "7"}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("listPageSorted/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := db.ListStartups(ctx, domain.StartupFilter{Sector: "ic"}, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
