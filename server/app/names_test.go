package app_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// TestNamesAtOnceAsOneByOne: naming many people at once (a roadshow
// record's authors) gives each the name a look-up of them alone gives:
// an investor by their profile's name, and by their account's when the
// profile has none; anyone else by their account's name; the recorded
// name for a guest, an unknown id and an account without a name; before
// the account names are in memory (read from the database) and after,
// after a rename, and across the batches the locks are taken in.
func TestNamesAtOnceAsOneByOne(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	users := []*domain.User{{Email: "a@n.test", Name: "甲", Role: domain.RoleFounder}, {Email: "b@n.test", Name: "", Role: domain.RoleFounder},
		{Email: "c@n.test", Name: "丙", Role: domain.RoleInvestor}, {Email: "d@n.test", Name: "丁", Role: domain.RoleInvestor}}
	if err := db.InsertUsers(ctx, users); err != nil {
		t.Fatal(err)
	}
	tax, _ := taxonomy.Load("")
	rm, err := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range []*domain.Investor{{OwnerID: users[2].ID, Name: "丙资本"}, {OwnerID: users[3].ID, Name: ""}} {
		if err := rm.CreateInvestor(ctx, inv); err != nil {
			t.Fatal(err)
		}
	}
	authors := []roadshow.Author{{UserID: users[0].ID, Name: "旧甲"}, {UserID: users[1].ID, Name: "旧乙"}, {UserID: users[2].ID, Name: "旧丙"},
		{UserID: users[3].ID, Name: "旧丁"}, {UserID: "000000000000000000000000", Name: "走了的"}, {UserID: "", Name: "访客"}}
	want := []string{"甲", "旧乙", "丙资本", "丁", "走了的", "访客"}
	for i := range 600 { // past a batch of the locks, in a different order
		authors, want = append(authors, authors[i%6]), append(want, want[i%6])
	}
	check := func(when string) {
		t.Helper()
		one, all := app.NamesOneByOne(ctx, rm, authors), app.NamesAtOnce(ctx, rm, authors)
		if !slices.Equal(one, want) {
			t.Fatalf("%s: one by one %q, want %q", when, one[:6], want[:6])
		}
		if !slices.Equal(all, one) {
			for i := range all {
				if all[i] != one[i] {
					t.Fatalf("%s: person %d (%+v) named %q at once, %q alone", when, i, authors[i], all[i], one[i])
				}
			}
		}
	}
	check("names read from the database")
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	check("names from memory")
	if err := db.SetUserName(ctx, users[0].ID, "甲二"); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if want[i] == "甲" {
			want[i] = "甲二"
		}
	}
	check("after a rename")
}
