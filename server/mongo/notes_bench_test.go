package mongo_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// BenchmarkNotificationList measures a page of 20 (ListNotifications) as
// scripts/scalebench's notification list asks for it: "full", a user with
// 20 notifications shaped as the city's (half read, a small data map);
// "empty", a user with none, as most of the demo's people are. Each over
// 5,000 users of each kind, picked at random; "straight" reads the
// embedded engine's storage directly, "driver" through FerretDB and the
// driver (the MongoDB path). docs/bench/notes.md records the figures:
//
//	go test -run '^$' -bench NotificationList -benchtime 2000x ./server/mongo/
func BenchmarkNotificationList(b *testing.B) {
	db := mongotest.Open(b)
	ctx := context.Background()
	const users, per = 5000, 20
	rnd := rand.New(rand.NewPCG(1, 2))
	at := time.Now().Add(-90 * 24 * time.Hour).UTC()
	var full, empty []string
	for start := 0; start < users; start += 1000 {
		var ns []*domain.Notification
		for u := start; u < start+1000; u++ {
			uid := fmt.Sprintf("%024x", u)
			full, empty = append(full, uid), append(empty, fmt.Sprintf("%024x", users+u))
			for j := range per {
				ns = append(ns, &domain.Notification{UserID: uid, Type: domain.NoteMatch, Read: j < per/2, CreatedAt: at.Add(time.Duration(j) * time.Hour),
					Data: map[string]any{"startupId": fmt.Sprintf("%024x", rnd.IntN(1<<30)), "startupName": "越芯半导体", "score": 80.5}})
			}
		}
		if err := db.InsertNotificationLogs(ctx, ns); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.SweepDeadDrops(ctx); err != nil { // as the server's start does: no drops to probe
		b.Fatal(err)
	}
	p, _ := domain.NewPage(1, 20)
	for _, path := range []string{"straight", "driver"} {
		for _, who := range []struct {
			name  string
			users []string
			want  int
		}{{"empty", empty, 0}, {"full", full, per}} {
			b.Run(path+"/"+who.name, func(b *testing.B) {
				restore := mongo.UseStraightReads(db, path == "straight")
				defer restore()
				for b.Loop() {
					got, _, _, err := db.ListNotifications(ctx, who.users[rnd.IntN(len(who.users))], false, p)
					if err != nil || len(got) != who.want {
						b.Fatalf("%d items, %v; want %d", len(got), err, who.want)
					}
				}
			})
		}
	}
}
