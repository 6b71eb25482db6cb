package mongo_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
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
		// And among others at once: a guest and an unknown id keep theirs.
		all := []string{"guest", "kept", "unknown"}
		if db.UserNames(ctx, []string{"", id, "000000000000000000000000"}, all); !slices.Equal(all, []string{"guest", name, "unknown"}) {
			t.Fatalf("%s: names at once %q; want %q for %s", when, all, name, id)
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

// TestUserNamesScannedStraight: the start-up read of every account's name
// and session version straight from the embedded engine's storage finds
// what the driver's scan finds (accounts created one by one and in bulk,
// renamed, replaced with a raised session version, one stored with a
// version too large for 32 bits).
func TestUserNamesScannedStraight(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("the book of names is the embedded engine's")
	}
	ctx := context.Background()
	var bulk []*domain.User
	for i := range 40 {
		bulk = append(bulk, &domain.User{Email: fmt.Sprintf("u%d@names.test", i), Name: fmt.Sprintf("创客%d", i), Role: domain.RoleFounder, SessionVersion: i % 3})
	}
	if err := db.InsertUsers(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	a := &domain.User{Email: "a@names.test", Name: "甲", Role: domain.RoleInvestor}
	if err := db.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.SetUserName(ctx, bulk[3].ID, "改名"); err != nil {
		t.Fatal(err)
	}
	a.SessionVersion = 7
	if err := db.UpdateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	bulk[5].SessionVersion = 1 << 40
	if err := db.UpdateUser(ctx, bulk[5]); err != nil {
		t.Fatal(err)
	}
	straight, err := db.ScanAccounts(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	driver, err := db.ScanAccounts(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(straight) != 41 || !maps.Equal(straight, driver) || straight[bulk[3].ID].Name != "改名" || straight[a.ID] != (mongo.ScannedAccount{Name: "甲", Session: 7}) ||
		straight[bulk[4].ID].Session != 1 || straight[bulk[5].ID].Session != 1<<40 {
		t.Fatalf("straight %d accounts, driver %d: %v", len(straight), len(driver), straight)
	}
}

// TestNamesVersion: the book's version says nothing until the book is
// loaded (names come from the database), then moves with the load and
// with every name this process changes, and only then: not with a new
// account (no answer can name it yet) nor with a write that keeps the name;
// on the MongoDB path, where other processes write names, it says nothing.
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
	if v, _ := db.NamesVersion(); v != v1 {
		t.Fatal("a new account moved the version")
	}
	c := &domain.User{Email: "c@version.test", Name: "丁", Role: domain.RoleFounder}
	if err := db.CreateUser(ctx, c); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.NamesVersion(); v != v1 {
		t.Fatal("a sign-up moved the version")
	}
	c.PasswordHash = "changed"
	if err := db.UpdateUser(ctx, c); err != nil {
		t.Fatal(err)
	}
	if v, _ := db.NamesVersion(); v != v1 {
		t.Fatal("a write keeping the name moved the version")
	}
	c.Name = "戊"
	if err := db.UpdateUser(ctx, c); err != nil {
		t.Fatal(err)
	}
	v2, _ := db.NamesVersion()
	if v2 == v1 {
		t.Fatal("a rename through UpdateUser did not move the version")
	}
	if name, err := db.UserName(ctx, c.ID); err != nil || name != "戊" {
		t.Fatalf("the renamed account's name: %q, %v", name, err)
	}
	db.SetEmbedded(false)
	defer db.SetEmbedded(true)
	if _, ok := db.NamesVersion(); ok {
		t.Fatal("a version on the MongoDB path")
	}
}

// TestSessionVersionsInBook: the book holds each account's session
// version once loaded, follows this process's writes (a rename leaves it
// as it is), and sends back to the database an account whose bulk insert
// found one stored already (what it holds is not what was given); on the
// MongoDB path it holds nothing.
func TestSessionVersionsInBook(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("the book is the embedded engine's")
	}
	ctx := context.Background()
	a := &domain.User{Email: "a@sessions.test", Name: "甲", Role: domain.RoleFounder}
	if err := db.CreateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	want := func(when, id string, v int, found, held bool) {
		t.Helper()
		gv, gf, gh := db.HeldSessionVersion(id)
		if gv != v || gf != found || gh != held {
			t.Fatalf("%s: %d found %v held %v; want %d %v %v", when, gv, gf, gh, v, found, held)
		}
	}
	want("before the load", a.ID, 0, true, false)
	if err := db.LoadUserNames(ctx); err != nil {
		t.Fatal(err)
	}
	want("loaded", a.ID, 0, true, true)
	want("unknown", "000000000000000000000000", 0, false, true)
	a.SessionVersion = 3
	if err := db.UpdateUser(ctx, a); err != nil {
		t.Fatal(err)
	}
	want("raised", a.ID, 3, true, true)
	if err := db.SetUserName(ctx, a.ID, "甲二"); err != nil {
		t.Fatal(err)
	}
	want("renamed", a.ID, 3, true, true)
	stale := *a
	stale.SessionVersion = 0
	if err := db.InsertUsers(ctx, []*domain.User{&stale}); err != nil {
		t.Fatal(err)
	}
	want("inserted again in bulk", a.ID, 3, true, false)
	db.SetEmbedded(false)
	defer db.SetEmbedded(true)
	want("MongoDB path", a.ID, 3, true, false)
}
