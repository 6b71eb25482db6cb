package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// noteLogs stores, for each count in per, users users with that many
// notifications shaped as scripts/scalebench's city's (half read, a small
// data map, one of the city's types), and returns their ids by count.
func noteLogs(tb testing.TB, db *mongo.DB, users int, per ...int) map[int][]string {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	at := time.Now().Add(-90 * 24 * time.Hour).UTC()
	types := []string{domain.NoteMatch, domain.NoteInterest, domain.NoteIntroRequested, domain.NoteRoadshowNew}
	out := map[int][]string{}
	u := 0
	for _, n := range per {
		for start := 0; start < users; start += 1000 {
			var ns []*domain.Notification
			for range min(1000, users-start) {
				u++
				uid := fmt.Sprintf("%024x", u)
				out[n] = append(out[n], uid)
				for j := range n {
					ns = append(ns, &domain.Notification{UserID: uid, Type: types[rnd.IntN(len(types))], Read: j < n/2, CreatedAt: at.Add(time.Duration(j) * time.Hour),
						Data: map[string]any{"startupId": fmt.Sprintf("%024x", rnd.IntN(1<<30)), "startupName": "越芯半导体", "score": 80.5}})
				}
			}
			if len(ns) > 0 {
				if err := db.InsertNotificationLogs(ctx, ns); err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	if _, err := db.SweepDeadDrops(ctx); err != nil { // as the server's start does
		tb.Fatal(err)
	}
	return out
}

// BenchmarkNotificationPage measures what the list's handler does below
// HTTP: a page of 20 (Notifier.List, on the embedded engine read straight
// from storage as the server reads it) and its JSON (AppendJSON), for
// users with no notifications, 4 (the demo's lists that have any hold 4
// to 11) and 20 (the city's), 2,000 users of each, picked at random; and
// "16+4": 16 in the log and 4 in fan-out drops not yet absorbed, as an
// investor's after a few match alerts. A full page should cost about what
// a short one does (docs/bench/notelist.md):
//
//	go test -run '^$' -bench NotificationPage -benchtime 3000x ./server/app/
func BenchmarkNotificationPage(b *testing.B) {
	db := mongotest.Open(b)
	users := noteLogs(b, db, 2000, 0, 4, 20, 16)
	ctx := context.Background()
	users[-4] = users[16]
	for range 4 { // four fan-outs to every one of them: 4 drops each
		var ns []*domain.Notification
		for _, u := range users[16] {
			ns = append(ns, &domain.Notification{UserID: u, Type: domain.NoteMatch, CreatedAt: time.Now().UTC(),
				Data: map[string]any{"startupId": "6b0b2c2f7261d9282e2c0784", "startupName": "越芯半导体", "score": 80.5}})
		}
		if err := db.CreateNotifications(ctx, ns); err != nil {
			b.Fatal(err)
		}
	}
	n := app.NewNotifier(db, nil, slog.New(slog.DiscardHandler))
	p, _ := domain.NewPage(1, 20)
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, per := range []int{0, 4, 20, -4} {
		name, want := fmt.Sprint(per), per
		if per < 0 {
			name, want = "16+4", 20
		}
		b.Run(name, func(b *testing.B) {
			var buf []byte
			for b.Loop() {
				l, err := n.List(ctx, domain.Actor{UserID: users[per][rnd.IntN(len(users[per]))]}, false, p)
				if err != nil || len(l.Items) != want {
					b.Fatalf("%v, %v; want %d items", l, err, want)
				}
				if buf, err = l.AppendJSON(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNotificationsSince measures the store's read behind the
// notification socket's since replay (NotificationsAfter) as
// scripts/scalebench asks for it: from the middle item of the user's first
// page, for users with 4 and with 20 notifications (2,000 of each):
//
//	go test -run '^$' -bench NotificationsSince -benchtime 3000x ./server/app/
func BenchmarkNotificationsSince(b *testing.B) {
	db := mongotest.Open(b)
	users := noteLogs(b, db, 2000, 4, 20)
	ctx := context.Background()
	p, _ := domain.NewPage(1, 20)
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, per := range []int{4, 20} {
		since := map[string]string{}
		for _, u := range users[per] {
			page, _, _, err := db.ListNotifications(ctx, u, false, p)
			if err != nil || len(page) != per {
				b.Fatalf("%d items, %v", len(page), err)
			}
			since[u] = page[len(page)/2].ID
		}
		b.Run(fmt.Sprint(per), func(b *testing.B) {
			for b.Loop() {
				u := users[per][rnd.IntN(len(users[per]))]
				got, err := db.NotificationsAfter(ctx, u, since[u], 1000)
				if err != nil || len(got) != per/2 {
					b.Fatalf("%d items, %v", len(got), err)
				}
			}
		})
	}
}
