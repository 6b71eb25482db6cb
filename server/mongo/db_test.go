package mongo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

func mustPage(t *testing.T, page, size int) domain.Page {
	t.Helper()
	p, err := domain.NewPage(page, size)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsers(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	u := &domain.User{Email: "Li@Example.com", Role: domain.RoleFounder, Name: "李", CreatedAt: time.Now()}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if !domain.ValidID(u.ID) {
		t.Fatalf("id %q not valid", u.ID)
	}
	got, err := db.UserByEmail(ctx, "li@EXAMPLE.com")
	if err != nil || got.ID != u.ID || got.Email != "li@example.com" {
		t.Fatalf("UserByEmail = %+v, %v", got, err)
	}
	err = db.CreateUser(ctx, &domain.User{Email: "li@example.com", Role: domain.RoleInvestor})
	if e, ok := domain.AsError(err); !ok || e.Code != "email_taken" {
		t.Fatalf("duplicate email: got %v, want email_taken", err)
	}
	if _, err := db.UserByID(ctx, mongo.NewID()); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("missing user: got %v", err)
	}
	got.Name = "李明"
	if err := db.UpdateUser(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.UserByID(ctx, u.ID); again.Name != "李明" {
		t.Fatalf("update lost: %+v", again)
	}
}

// TestRefreshRotationIsAtomic pins that of many concurrent uses of one
// refresh token exactly one wins, on whatever server the test runs against.
func TestRefreshRotationIsAtomic(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	tok := domain.RefreshToken{Hash: "h1", UserID: "u", Family: "f", ExpiresAt: time.Now().Add(time.Hour)}
	if err := db.SaveRefresh(ctx, tok); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	wins := make(chan bool, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, reused, err := db.UseRefresh(ctx, "h1")
			if err != nil {
				t.Error(err)
				return
			}
			wins <- !reused
		}()
	}
	wg.Wait()
	close(wins)
	won := 0
	for w := range wins {
		if w {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent uses won, want exactly 1", won, n)
	}
	if _, _, err := db.UseRefresh(ctx, "nope"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	// The sweep empties the days before today's (UTC): h2 expired two days
	// ago, h1 lives on.
	if err := db.SaveRefresh(ctx, domain.RefreshToken{Hash: "h2", Family: "f2", ExpiresAt: time.Now().Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.DeleteRefreshExpired(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("DeleteRefreshExpired = %d, %v; want 1", n, err)
	}
	if err := db.RevokeRefreshFamily(ctx, "f", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.UseRefresh(ctx, "h1"); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("after the session was revoked: %v", err)
	}
}

// TestQueryShapes pins each filter, sort and paging shape the store relies on
// against the real server, because FerretDB answers some unsupported shapes
// with wrong results instead of errors.
func TestQueryShapes(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	sectors := []string{"ic", "ai", "ic", "biomedicine", "ic"}
	for i, sec := range sectors {
		s := &domain.Startup{Name: fmt.Sprintf("s%d", i), Sector: sec, Stage: "seed", District: "keqiao",
			Status: domain.StatusPublished, OwnerID: "o1", UpdatedAt: base.Add(time.Duration(i) * time.Hour)}
		if i == 4 {
			s.Status, s.OwnerID = domain.StatusDraft, "o2"
		}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name      string
		f         domain.StartupFilter
		page      domain.Page
		wantNames []string
		wantTotal int
	}{
		{"all newest first", domain.StartupFilter{}, mustPage(t, 1, 20), []string{"s4", "s3", "s2", "s1", "s0"}, 5},
		{"equality on two fields", domain.StartupFilter{Sector: "ic", Status: "published"}, mustPage(t, 1, 20), []string{"s2", "s0"}, 2},
		{"skip and limit", domain.StartupFilter{}, mustPage(t, 2, 2), []string{"s2", "s1"}, 5},
		{"past the end", domain.StartupFilter{}, mustPage(t, 9, 2), []string{}, 5},
		{"no match", domain.StartupFilter{Sector: "textiles"}, mustPage(t, 1, 20), []string{}, 0},
		{"owner", domain.StartupFilter{OwnerID: "o2"}, mustPage(t, 1, 20), []string{"s4"}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, total, err := db.ListStartups(ctx, tc.f, tc.page)
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, it := range items {
				names = append(names, it.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.wantNames) || total != tc.wantTotal {
				t.Fatalf("got %v total %d, want %v total %d", names, total, tc.wantNames, tc.wantTotal)
			}
		})
	}
	if n, err := db.CountStartups(ctx, domain.StartupFilter{OwnerID: "o1", Status: "published"}); err != nil || n != 4 {
		t.Fatalf("CountStartups = %d, %v", n, err)
	}

	// Array-contains equality and boolean filters on investors.
	yes := true
	invs := []domain.Investor{
		{Name: "a", OwnerID: "i1", Sectors: []string{"ic", "ai"}, Stages: []string{"seed"}, Districts: []string{"keqiao"}, Verified: true, UpdatedAt: base},
		{Name: "b", OwnerID: "i2", Sectors: []string{"biomedicine"}, Stages: []string{"seed", "angel"}, UpdatedAt: base.Add(time.Hour)},
		{Name: "c", OwnerID: "i3", Sectors: []string{"ai"}, Stages: []string{"a"}, UpdatedAt: base.Add(2 * time.Hour)},
	}
	for i := range invs {
		if err := db.CreateInvestor(ctx, &invs[i]); err != nil {
			t.Fatal(err)
		}
	}
	icases := []struct {
		f    domain.InvestorFilter
		want string
	}{
		{domain.InvestorFilter{Sector: "ai"}, "[c a]"},
		{domain.InvestorFilter{Stage: "seed"}, "[b a]"},
		{domain.InvestorFilter{Sector: "ai", Stage: "seed"}, "[a]"},
		{domain.InvestorFilter{District: "keqiao"}, "[a]"},
		{domain.InvestorFilter{Verified: &yes}, "[a]"},
	}
	for _, tc := range icases {
		items, total, err := db.ListInvestors(ctx, tc.f, mustPage(t, 1, 20))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, it := range items {
			names = append(names, it.Name)
		}
		if fmt.Sprint(names) != tc.want || total != len(names) {
			t.Errorf("ListInvestors(%+v) = %v (total %d), want %s", tc.f, names, total, tc.want)
		}
	}
	err := db.CreateInvestor(ctx, &domain.Investor{Name: "dup", OwnerID: "i1"})
	if e, ok := domain.AsError(err); !ok || e.Code != "profile_exists" {
		t.Fatalf("second investor profile for one owner: %v", err)
	}
}

func TestVersionedUpdate(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	s := &domain.Startup{Name: "v", Status: domain.StatusDraft}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	a, _ := db.StartupByID(ctx, s.ID)
	b, _ := db.StartupByID(ctx, s.ID)
	a.Name = "first"
	if err := db.UpdateStartup(ctx, a, a.Version); err != nil {
		t.Fatal(err)
	}
	b.Name = "second"
	if err := db.UpdateStartup(ctx, b, b.Version); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("stale update: got %v, want conflict", err)
	}
	got, _ := db.StartupByID(ctx, s.ID)
	if got.Name != "first" || got.Version != 2 {
		t.Fatalf("stored %q v%d, want first v2", got.Name, got.Version)
	}
	if err := db.DeleteStartup(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateStartup(ctx, got, got.Version); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("update deleted: %v", err)
	}
	if err := db.DeleteStartup(ctx, s.ID); !domain.IsKind(err, domain.KindNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestSpaces(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	for i, lvl := range []string{"city", "national", "city"} {
		if err := db.CreateSpace(ctx, &domain.Space{Name: fmt.Sprint(i), Level: lvl, OwnerID: "m", District: "yuecheng"}); err != nil {
			t.Fatal(err)
		}
	}
	items, total, err := db.ListSpaces(ctx, domain.SpaceFilter{Level: "city"}, mustPage(t, 1, 1))
	if err != nil || total != 2 || len(items) != 1 {
		t.Fatalf("ListSpaces = %d items, total %d, %v", len(items), total, err)
	}
	sp, err := db.SpaceByID(ctx, items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	stale := *sp
	sp.Verified, sp.Description, sp.Services = true, "孵化 · incubation", []string{"incubation", "financing"}
	if err := db.UpdateSpace(ctx, sp, sp.Version); err != nil {
		t.Fatal(err)
	}
	got, err := db.SpaceByID(ctx, sp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Verified || got.Description != sp.Description || fmt.Sprint(got.Services) != fmt.Sprint(sp.Services) ||
		got.Version != stale.Version+1 || got.Name != stale.Name || got.Level != "city" {
		t.Fatalf("space read back after update: %+v", got)
	}
	// An update from the copy read before loses to the one stored since.
	stale.Name = "late"
	if err := db.UpdateSpace(ctx, &stale, stale.Version); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("stale space update: got %v, want conflict", err)
	}
	if got, _ := db.SpaceByID(ctx, sp.ID); got == nil || got.Name == "late" {
		t.Fatalf("stale update was stored: %+v", got)
	}
}

func TestFeedbackAndScans(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	// Upsert by _id: a second word on the same startup replaces the first.
	for _, a := range []string{"interested", "pass", "save"} {
		if err := db.SaveFeedback(ctx, domain.Feedback{InvestorID: "u1", StartupID: "s1", Action: a, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveFeedback(ctx, domain.Feedback{InvestorID: "u1", StartupID: "s2", Action: "pass"}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	if err := db.EachFeedback(ctx, func(f domain.Feedback) error { got[f.StartupID] = f.Action; return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "map[s1:save s2:pass]" {
		t.Fatalf("feedback after upserts: %v", got)
	}
	if err := db.DeleteFeedback(ctx, "u1", "s2"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteFeedback(ctx, "u1", "missing"); err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = db.EachFeedback(ctx, func(domain.Feedback) error { n++; return nil })
	if n != 1 {
		t.Fatalf("%d feedback left, want 1", n)
	}

	// $in on _id, and a cursor over more than one batch.
	var ids []string
	for i := 0; i < 1003; i++ {
		s := &domain.Startup{Name: fmt.Sprint(i), Status: domain.StatusPublished}
		if i%2 == 1 {
			s.Status = domain.StatusDraft
		}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	some, err := db.StartupsByIDs(ctx, []string{ids[3], ids[7], ids[1000], "0123456789abcdef01234567"})
	if err != nil || len(some) != 3 {
		t.Fatalf("StartupsByIDs = %d, %v", len(some), err)
	}
	published := 0
	if err := db.EachPublishedStartup(ctx, func(s domain.Startup) error {
		if s.Status != domain.StatusPublished {
			t.Errorf("draft %s in published scan", s.Name)
		}
		published++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if published != 502 {
		t.Fatalf("scanned %d published, want 502", published)
	}
}

// TestNotificationShapes pins $gt on string ids, sort by _id, UpdateMany
// with $in and the unread count on the real server.
func TestNotificationShapes(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var ids []string
	for i := 0; i < 5; i++ {
		n := &domain.Notification{UserID: "u", Type: "interest", Data: map[string]any{"i": i}, Digest: i == 3, CreatedAt: time.Now()}
		if err := db.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	_ = db.CreateNotification(ctx, &domain.Notification{UserID: "other", Type: "interest"})
	after, err := db.NotificationsAfter(ctx, "u", ids[1], 10)
	if err != nil || len(after) != 2 || after[0].ID != ids[2] || after[1].ID != ids[4] {
		t.Fatalf("after %s: %v %v", ids[1], after, err)
	}
	if all, _ := db.NotificationsAfter(ctx, "u", "", 10); len(all) != 4 {
		t.Fatalf("all pushed: %d", len(all))
	}
	page, total, _, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 2))
	if err != nil || total != 5 || len(page) != 2 || page[0].ID != ids[4] {
		t.Fatalf("page %v total %d %v", page, total, err)
	}
	if err := db.MarkRead(ctx, "u", []string{ids[0], ids[1]}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountUnread(ctx, "u"); n != 3 {
		t.Fatalf("unread %d, want 3", n)
	}
	if _, total, _, _ := db.ListNotifications(ctx, "u", true, mustPage(t, 1, 20)); total != 3 {
		t.Fatalf("unread list %d", total)
	}
	if err := db.MarkRead(ctx, "u", nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountUnread(ctx, "u"); n != 0 {
		t.Fatalf("unread after all %d", n)
	}
	if n, _ := db.CountUnread(ctx, "other"); n != 1 {
		t.Fatalf("another user's notification marked: %d", n)
	}
}
