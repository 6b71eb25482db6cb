package mongo_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestStraightReadsAnswerAsTheDriver: on the embedded engine the
// notification reads (head, log pages, drops), a roadshow's registrants
// and its room's event buckets read straight from storage give the same answers as the
// same reads through FerretDB and the driver (the MongoDB path), after
// appends across buckets, fan-out drops not yet absorbed, marks read,
// digests waiting, and for users with no log; and each road finds what
// the other's writes left, since the writes go through the driver either
// way.
func TestStraightReadsAnswerAsTheDriver(t *testing.T) {
	db := mongotest.OpenEmbedded(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	users := []string{"long", "short", "fanned", "marked"}
	for i := range 130 {
		n := &domain.Notification{UserID: "long", Type: domain.NoteMatch, Digest: i%17 == 3, CreatedAt: at.Add(time.Duration(i) * time.Minute),
			Data: map[string]any{"startupId": fmt.Sprintf("%024x", i), "startupName": "越芯 \"半导体\" <b>", "score": 80.5 + float64(i), "n": i, "ok": i%2 == 0}}
		if err := db.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		nested := map[string]any{"nested": map[string]any{"k": i}, "list": []any{"a", i}}
		if err := db.CreateNotification(ctx, &domain.Notification{UserID: "short", Type: "interest", Data: nested, CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 5 { // a fan-out each: drops, not absorbed
		var ns []*domain.Notification
		for _, u := range []string{"fanned", "marked", "short", "nobody-else"} {
			ns = append(ns, &domain.Notification{UserID: u, Type: domain.NoteMatch, Data: map[string]any{"round": round}, CreatedAt: at})
		}
		if err := db.CreateNotifications(ctx, ns); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "marked", Type: "intro", CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkRead(ctx, "marked", nil); err != nil {
		t.Fatal(err)
	}
	long, _, _, err := db.ListNotifications(ctx, "long", false, mustPage(t, 2, 20))
	if err != nil || len(long) != 20 {
		t.Fatalf("page 2 of long: %d, %v", len(long), err)
	}
	if err := db.MarkRead(ctx, "long", []string{long[3].ID, long[11].ID}); err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"r1", "r2", "r3"} {
		if _, err := db.Register(ctx, domain.Registration{RoadshowID: "show", UserID: u, At: at.Add(time.Duration(i))}); err != nil {
			t.Fatal(err)
		}
	}

	var events []domain.RoomEvent
	for seq := int64(1); seq <= 230; seq++ {
		events = append(events, domain.RoomEvent{RoadshowID: "show", Seq: seq, Type: "chat", UserID: "r1", UserName: "创客 \"一\"", At: at.Add(time.Duration(seq) * time.Second),
			Data: map[string]any{"text": fmt.Sprint("问题 ", seq), "id": seq, "nested": map[string]any{"votes": []any{1, "two"}}}})
	}
	if err := db.AppendRoomEvents(ctx, events); err != nil {
		t.Fatal(err)
	}

	type answers struct {
		Pages      map[string][]domain.Notification
		Totals     map[string][2]int
		After      map[string][]domain.Notification
		Unread     map[string]int
		Of         map[string]*domain.Notification
		Registered map[string]int
		Events     map[string][]domain.RoomEvent
		Pending    int
	}
	read := func() answers {
		t.Helper()
		a := answers{Pages: map[string][]domain.Notification{}, Totals: map[string][2]int{}, After: map[string][]domain.Notification{},
			Unread: map[string]int{}, Of: map[string]*domain.Notification{}, Registered: map[string]int{}, Events: map[string][]domain.RoomEvent{}}
		for _, u := range append(users, "nobody") {
			for _, unreadOnly := range []bool{false, true} {
				for page := 1; page <= 8; page++ {
					k := fmt.Sprintf("%s/%v/%d", u, unreadOnly, page)
					got, total, unread, err := db.ListNotifications(ctx, u, unreadOnly, mustPage(t, page, 20))
					if err != nil {
						t.Fatalf("%s: %v", k, err)
					}
					a.Pages[k], a.Totals[k] = got, [2]int{total, unread}
				}
			}
			all, _, _, err := db.ListNotifications(ctx, u, false, mustPage(t, 1, 100))
			if err != nil {
				t.Fatal(err)
			}
			for _, since := range []int{0, 1, 5, 60} {
				id := ""
				if since < len(all) {
					id = all[len(all)-1-since].ID
				}
				got, err := db.NotificationsAfter(ctx, u, id, 50)
				if err != nil {
					t.Fatal(err)
				}
				a.After[fmt.Sprintf("%s/%d", u, since)] = got
			}
			if a.Unread[u], err = db.CountUnread(ctx, u); err != nil {
				t.Fatal(err)
			}
			for _, n := range all[:min(3, len(all))] {
				if a.Of[n.ID], err = db.NotificationOf(ctx, u, n.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, show := range []string{"show", "none"} {
			if a.Registered[show], err = db.CountRegistrations(ctx, show); err != nil {
				t.Fatal(err)
			}
			if a.Events[show], err = db.RoomEvents(ctx, show); err != nil {
				t.Fatal(err)
			}
		}
		pending, err := db.PendingDigest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a.Pending = len(pending)
		return a
	}
	straight := read()
	restore := mongo.UseStraightReads(db, false)
	driver := read()
	restore()
	if !reflect.DeepEqual(straight, driver) {
		for k := range driver.Pages {
			if !reflect.DeepEqual(straight.Pages[k], driver.Pages[k]) {
				t.Errorf("%s: straight %+v\ndriver %+v", k, straight.Pages[k], driver.Pages[k])
			}
		}
		t.Fatalf("the straight reads and the driver's differ:\nstraight %+v\ndriver %+v", straight, driver)
	}
	// Not vacuous: the answers hold what was written.
	if got := straight.Totals["long/false/1"]; got[0] != 130 || len(straight.Pages["long/false/7"]) != 10 {
		t.Errorf("long: totals %v, %d on page 7", got, len(straight.Pages["long/false/7"]))
	}
	if len(straight.Pages["fanned/false/1"]) != 5 || straight.Unread["marked"] != 0 || straight.Totals["short/false/1"][0] != 12 {
		t.Errorf("fanned %d, marked unread %d, short %v", len(straight.Pages["fanned/false/1"]), straight.Unread["marked"], straight.Totals["short/false/1"])
	}
	if straight.Registered["show"] != 3 || straight.Registered["none"] != 0 || straight.Pending == 0 {
		t.Errorf("registered %v, digests pending for %d", straight.Registered, straight.Pending)
	}
	if got := straight.Events["show"]; len(got) != 230 || got[229].Seq != 230 || len(straight.Events["none"]) != 0 {
		t.Errorf("room events: %d, %d", len(got), len(straight.Events["none"]))
	}
	if got := straight.Pages["short/false/1"]; len(got) == 0 || got[len(got)-1].Data["nested"] == nil {
		t.Errorf("short's nested data lost: %+v", got)
	}
}
