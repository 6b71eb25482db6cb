package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestBulkInsertRunsAgain loads a set in bulk, then loads it again with
// more records, as a load interrupted and restarted does: every record is
// stored once, and each is found the way the services look it up.
func TestBulkInsertRunsAgain(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	set := func(n int) ([]*domain.User, []*domain.Investor, []*domain.Startup, []*domain.Space) {
		var us []*domain.User
		var invs []*domain.Investor
		var ss []*domain.Startup
		var sps []*domain.Space
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("%024x", i+1)
			us = append(us, &domain.User{ID: id, Email: fmt.Sprintf("User-%d@Bulk.cn", i), Role: domain.RoleInvestor, Name: "批量"})
			invs = append(invs, &domain.Investor{ID: id, OwnerID: id, Name: "批量投资人", Kind: "angel", Sectors: []string{"ic"}})
			ss = append(ss, &domain.Startup{ID: id, OwnerID: id, Name: fmt.Sprint("项目", i), Status: domain.StatusPublished})
			sps = append(sps, &domain.Space{ID: id, OwnerID: id, Name: fmt.Sprint("空间", i)})
		}
		return us, invs, ss, sps
	}
	load := func(n int) {
		us, invs, ss, sps := set(n)
		for _, err := range []error{db.InsertUsers(ctx, us), db.InsertInvestors(ctx, invs), db.InsertStartups(ctx, ss), db.InsertSpaces(ctx, sps)} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if st, _ := db.LoadState(ctx, "test"); st != "" {
		t.Fatalf("state before any load: %q", st)
	}
	if err := db.SetLoadState(ctx, "test", "started"); err != nil {
		t.Fatal(err)
	}
	load(1001) // more than one batch
	load(1050)
	if err := db.SetLoadState(ctx, "test", "done"); err != nil {
		t.Fatal(err)
	}
	if st, _ := db.LoadState(ctx, "test"); st != "done" {
		t.Fatalf("state after the load: %q", st)
	}
	if n, _ := db.CountUsers(ctx); n != 1050 {
		t.Fatalf("users after two loads: %d", n)
	}
	n := 0
	_ = db.EachStartup(ctx, func(domain.Startup) error { n++; return nil })
	if n != 1050 {
		t.Fatalf("startups after two loads: %d", n)
	}
	u, err := db.UserByEmail(ctx, "user-1049@bulk.cn")
	if err != nil || u.ID != fmt.Sprintf("%024x", 1050) {
		t.Fatalf("bulk user by email: %+v %v", u, err)
	}
	inv, err := db.InvestorByOwner(ctx, u.ID)
	if err != nil || inv.Version != 1 {
		t.Fatalf("bulk investor by owner: %+v %v", inv, err)
	}
	if err := db.CreateUser(ctx, &domain.User{Email: "user-7@bulk.cn", Role: domain.RoleFounder}); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("a bulk-loaded email taken again: %v", err)
	}
	if _, err := db.StartupByID(ctx, fmt.Sprintf("%024x", 3)); err != nil {
		t.Fatal(err)
	}
	if mine, n, err := db.ListStartups(ctx, domain.StartupFilter{OwnerID: fmt.Sprintf("%024x", 3)}, domain.Page{Page: 1, PageSize: 5}); err != nil || n != 1 || len(mine) != 1 {
		t.Fatalf("a bulk-loaded startup in its founder's list: %d %v", n, err)
	}
	_ = mongo.NewID
}

// TestBulkRoomEvents stores a room record in bulk and reads it back as the
// room does, twice-loaded buckets skipped.
func TestBulkRoomEvents(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	rs := &domain.Roadshow{Title: "批量路演", Status: domain.RoadshowEnded}
	if err := db.CreateRoadshow(ctx, rs); err != nil {
		t.Fatal(err)
	}
	var es []domain.RoomEvent
	for seq := int64(1); seq <= 250; seq++ {
		es = append(es, domain.RoomEvent{RoadshowID: rs.ID, Seq: seq, Type: "chat", Data: map[string]any{"text": fmt.Sprint(seq)}})
	}
	for range 2 {
		if err := db.InsertRoomEvents(ctx, es); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.RoomEvents(ctx, rs.ID)
	if err != nil || len(got) != 250 || got[0].Seq != 1 || got[249].Seq != 250 {
		t.Fatalf("room record loaded in bulk: %d events, %v", len(got), err)
	}
	if err := db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: rs.ID, Seq: 251, Type: "chat"}); err != nil {
		t.Fatal(err)
	}
	if err := db.AppendRoomEvent(ctx, domain.RoomEvent{RoadshowID: rs.ID, Seq: 200, Type: "chat"}); !domain.IsKind(err, domain.KindConflict) {
		t.Fatalf("a bulk-loaded seq appended again: %v", err)
	}
}

// TestBulkNotificationLogs loads users' notifications in bulk and reads
// them as the API does: a page, the unread count, the replay since an id,
// and a later append that continues the log.
func TestBulkNotificationLogs(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var ns []*domain.Notification
	for u := 0; u < 3; u++ {
		for i := 0; i < 40*(u+1); i++ { // 40, 80 and 120: one, two and three buckets
			ns = append(ns, &domain.Notification{UserID: fmt.Sprint("user", u), Type: domain.NoteMatch, Read: i%2 == 0,
				Data: map[string]any{"i": i}, CreatedAt: time.Now().UTC()})
		}
	}
	if err := db.InsertNotificationLogs(ctx, ns); err != nil {
		t.Fatal(err)
	}
	p, _ := domain.NewPage(1, 20)
	items, total, _, err := db.ListNotifications(ctx, "user2", false, p)
	if err != nil || total != 120 || len(items) != 20 || items[0].Data["i"] != int32(119) && items[0].Data["i"] != int64(119) {
		t.Fatalf("page of a bulk log: %d items of %d, first %v, %v", len(items), total, items[0].Data, err)
	}
	if n, err := db.CountUnread(ctx, "user2"); err != nil || n != 60 {
		t.Fatalf("unread: %d %v", n, err)
	}
	after, err := db.NotificationsAfter(ctx, "user1", ns[40+49].ID, 100)
	if err != nil || len(after) != 30 {
		t.Fatalf("since replay: %d %v", len(after), err)
	}
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "user0", Type: domain.NoteMatch, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if _, total, _, _ := db.ListNotifications(ctx, "user0", false, p); total != 41 {
		t.Fatalf("append after a bulk log: %d", total)
	}
	// Again, for a user with a log (kept as it is, the notes given for
	// them left with no id) and a new one (stored, with ids).
	again := []*domain.Notification{{UserID: "user1", Type: domain.NoteMatch, CreatedAt: time.Now().UTC()},
		{UserID: "user9", Type: domain.NoteMatch, CreatedAt: time.Now().UTC()}}
	if err := db.InsertNotificationLogs(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again[0].ID != "" || again[1].ID == "" {
		t.Fatalf("ids after a second bulk write: kept user %q, new user %q", again[0].ID, again[1].ID)
	}
	if _, total, _, _ := db.ListNotifications(ctx, "user1", false, p); total != 80 {
		t.Fatalf("a kept log after a second bulk write: %d notifications", total)
	}
	if got, err := db.NotificationOf(ctx, "user9", again[1].ID); err != nil || got.ID != again[1].ID {
		t.Fatalf("the new user's note: %v, %v", got, err)
	}
}

// TestBulkAttendance stores ended roadshows' attendance in bulk, then again
// with more (a load run again): each person is listed once per roadshow, as
// SaveAttendance lists them, and a record stored first is kept.
func TestBulkAttendance(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 6, 0, 0, 0, time.UTC)
	set := func(n int, shift time.Duration) []domain.Attendance {
		var as []domain.Attendance
		for _, show := range []string{"show-a", "show-b"} {
			for i := 0; i < n; i++ {
				as = append(as, domain.Attendance{RoadshowID: show, UserID: fmt.Sprintf("%024x", i+1), Name: fmt.Sprint("观众", i), Role: "viewer",
					FirstSeen: at.Add(time.Duration(i)*time.Minute + shift), LastSeen: at.Add(time.Hour)})
			}
		}
		return as
	}
	if err := db.InsertAttendance(ctx, set(3, 0)); err != nil {
		t.Fatal(err)
	}
	if err := db.InsertAttendance(ctx, set(5, time.Second)); err != nil {
		t.Fatal(err)
	}
	for _, show := range []string{"show-a", "show-b"} {
		got, err := db.AttendanceOf(ctx, show)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Fatalf("%s: %d attended, want 5", show, len(got))
		}
		for i, a := range got {
			want := at.Add(time.Duration(i) * time.Minute)
			if i >= 3 {
				want = want.Add(time.Second)
			}
			if a.UserID != fmt.Sprintf("%024x", i+1) || !a.FirstSeen.Equal(want) || a.Name != fmt.Sprint("观众", i) {
				t.Fatalf("%s: attendance %d: %+v", show, i, a)
			}
		}
	}
}
