package mongo_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// On the embedded engine an account is read straight from storage (a
// sign-in's UserByEmail, GET /me's UserByID): the answers are the
// driver's, for accounts of every shape, after an update, and for an
// email or id that has none.
func TestAccountReadsAnswerAsTheDriver(t *testing.T) {
	db := mongotest.OpenEmbedded(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 10, 0, 0, 123_000_000, time.UTC)
	users := []*domain.User{
		{Email: "Founder@Example.cn", Role: domain.RoleFounder, Name: `创客 "一" <b>`, PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$a2V5", CreatedAt: at},
		{Email: "officer@example.cn", Role: domain.RoleOfficer, Name: "区干部", CreatedAt: at, Districts: []string{"越城区", "柯桥区"}},
		{Email: "plain@example.cn", Role: domain.RoleInvestor, CreatedAt: at},
	}
	for _, u := range users {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	users[2].Name, users[2].SessionVersion = "改名", 3
	if err := db.UpdateUser(ctx, users[2]); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		User *domain.User
		Kind domain.Kind
	}
	read := func() map[string]answer {
		t.Helper()
		out := map[string]answer{}
		for _, email := range []string{"founder@example.cn", " FOUNDER@example.cn ", "officer@example.cn", "plain@example.cn", "nobody@example.cn"} {
			u, err := db.UserByEmail(ctx, email)
			out["email "+email] = answer{u, kindOf(t, err)}
		}
		for _, id := range []string{users[0].ID, users[1].ID, users[2].ID, "no-such-account"} {
			u, err := db.UserByID(ctx, id)
			out["id "+id] = answer{u, kindOf(t, err)}
		}
		return out
	}
	straight := read()
	restore := mongo.UseStraightReads(db, false)
	driver := read()
	restore()
	for k, d := range driver {
		if s := straight[k]; !reflect.DeepEqual(s, d) {
			t.Errorf("%s: straight %+v (%v), driver %+v (%v)", k, s.User, s.Kind, d.User, d.Kind)
		}
	}
	// Not vacuous: the answers hold what was written.
	if a := straight["id "+users[2].ID]; a.User == nil || a.User.Name != "改名" || a.User.SessionVersion != 3 {
		t.Errorf("the updated account read as %+v", a.User)
	}
	if a := straight["email officer@example.cn"]; a.User == nil || len(a.User.Districts) != 2 || a.User.Role != domain.RoleOfficer {
		t.Errorf("the officer read as %+v", a.User)
	}
	if a := straight["email nobody@example.cn"]; a.User != nil || a.Kind != domain.KindNotFound {
		t.Errorf("no such email: %+v, %v", a.User, a.Kind)
	}
}

// kindOf is err's domain kind ("" for nil); any other error fails t.
func kindOf(t *testing.T, err error) domain.Kind {
	t.Helper()
	if err == nil {
		return ""
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("not a domain error: %v", err)
	}
	return de.Kind
}
