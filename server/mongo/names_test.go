package mongo_test

import (
	"context"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestUserNamesInMemory: an account's display name is answered before the
// book is loaded (from the database) and after (from memory), follows
// renames, new accounts and bulk inserts made through this process, says
// not found for an unknown id, and once loaded reads no account: a name
// changed behind this process's back is not seen, which is what makes the
// book a copy (the embedded engine has no other writer).
func TestUserNamesInMemory(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("the book of names is the embedded engine's")
	}
	ctx := context.Background()
	a := &domain.User{Email: "a@names.test", Name: "甲", Role: domain.RoleFounder}
	if err := db.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	bulk := []*domain.User{{Email: "b@names.test", Name: "乙", Role: domain.RoleFounder}, {Email: "c@names.test", Name: "丙", Role: domain.RoleInvestor}}
	if err := db.InsertUsers(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	want := func(when, id, name string) {
		t.Helper()
		got, err := db.UserName(ctx, id)
		if err != nil || got != name {
			t.Fatalf("%s: name of %s %q, %v; want %q", when, id, got, err, name)
		}
	}
	want("before the load", a.ID, "甲")
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	want("loaded", a.ID, "甲")
	want("loaded, bulk", bulk[1].ID, "丙")
	if err := db.SetUserName(ctx, a.ID, "甲二"); err != nil {
		t.Fatal(err)
	}
	want("renamed", a.ID, "甲二")
	b := *bulk[0]
	b.Name = "乙二"
	if err := db.UpdateUser(ctx, &b); err != nil {
		t.Fatal(err)
	}
	want("updated", b.ID, "乙二")
	d := &domain.User{Email: "d@names.test", Name: "丁", Role: domain.RoleFounder}
	if err := db.CreateUser(ctx, d); err != nil {
		t.Fatal(err)
	}
	want("created after the load", d.ID, "丁")
	if _, err := db.UserName(ctx, "000000000000000000000000"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := db.Raw("users").UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: "别人改的"}}}}); err != nil {
		t.Fatal(err)
	}
	want("changed behind its back", d.ID, "丁")
}

// TestNamesVersion: the book's version says nothing until the book is
// loaded (names come from the database), then moves with the load and
// with every name written through this process; on the MongoDB path,
// where other processes write names, it says nothing.
func TestNamesVersion(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("the book of names is the embedded engine's")
	}
	ctx := context.Background()
	a := &domain.User{Email: "a@version.test", Name: "甲", Role: domain.RoleFounder}
	if err := db.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, ok := db.NamesVersion(); ok {
		t.Fatal("a version before the book is loaded")
	}
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	v0, ok := db.NamesVersion()
	if !ok {
		t.Fatal("no version once loaded")
	}
	if v, _ := db.NamesVersion(); v != v0 {
		t.Fatal("the version moved with no change")
	}
	if err := db.SetUserName(ctx, a.ID, "乙"); err != nil {
		t.Fatal(err)
	}
	v1, _ := db.NamesVersion()
	if v1 == v0 {
		t.Fatal("a rename did not move the version")
	}
	if err := db.InsertUsers(ctx, []*domain.User{{Email: "b@version.test", Name: "丙", Role: domain.RoleFounder}}); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.NamesVersion(); v == v1 {
		t.Fatal("a new account did not move the version")
	}
	db.SetEmbedded(false)
	defer db.SetEmbedded(true)
	if _, ok := db.NamesVersion(); ok {
		t.Fatal("a version on the MongoDB path")
	}
}
