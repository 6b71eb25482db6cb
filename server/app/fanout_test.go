package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// fanOutSetup builds a matcher with n investors in memory: every fourth
// one backs IC at angel stage, the rest other sectors or stages.
func fanOutSetup(t testing.TB, n int) (*app.Matcher, *mongo.DB, map[string]bool) {
	db := mongotest.Open(t)
	tax, _ := taxonomy.Load("")
	log := slog.New(slog.DiscardHandler)
	notifier := app.NewNotifier(db, nopPusher{}, log)
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		t.Fatal(err)
	}
	m := app.NewMatcher(rm, tax, notifier, log)
	fits := map[string]bool{}
	others := [][2]string{{"textiles", "angel"}, {"ic", "b"}, {"biomedicine", "seed"}}
	for i := 0; i < n; i++ {
		inv := &domain.Investor{ID: mongo.NewID(), OwnerID: mongo.NewID(), Name: fmt.Sprint("投资人", i)}
		if i%4 == 0 {
			inv.Sectors, inv.Stages = []string{"ic"}, []string{"angel"}
			fits[inv.OwnerID] = true
		} else {
			o := others[i%3]
			inv.Sectors, inv.Stages = []string{o[0]}, []string{o[1]}
		}
		app.ApplyChange(rm, app.Change{Kind: domain.ChangeInvestor, ID: inv.ID, Investor: inv})
	}
	return m, db, fits
}

func icStartup() *domain.Startup {
	return &domain.Startup{ID: mongo.NewID(), OwnerID: mongo.NewID(), Name: "越芯半导体", Sector: "ic", Stage: "angel",
		AskWan: 300, District: "keqiao", Status: domain.StatusPublished, UpdatedAt: time.Now()}
}

// TestFanOutNotifiesTheRightInvestors publishes into 5,000 investors and
// checks who was told; the time it took is logged, and measured properly by
// BenchmarkFanOut5000 (docs/BENCHMARKS.md).
func TestFanOutNotifiesTheRightInvestors(t *testing.T) {
	m, db, fits := fanOutSetup(t, 5000)
	ctx := context.Background()
	start := time.Now()
	n, err := m.FanOut(ctx, icStartup())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fan-out to %d of 5,000 investors took %s", n, time.Since(start))
	if n != len(fits) {
		t.Fatalf("notified %d, want the %d that fit", n, len(fits))
	}
	checked := 0
	p, _ := domain.NewPage(1, 5)
	for uid := range fits {
		if checked == 20 {
			break
		}
		items, total, _, err := db.ListNotifications(ctx, uid, false, p)
		if err != nil || total != 1 || items[0].Type != domain.NoteMatch {
			t.Fatalf("fitting investor %s: %d notifications, %v", uid, total, err)
		}
		checked++
	}
}

// BenchmarkFanOut5000 measures one publish announced to the fitting
// investors among 5,000 (1,250 of them, each with 20 earlier
// notifications): scoring all of them from memory and storing the
// notifications. Run it for at least twice mongo's dropsMax (16) fan-outs,
// so that the figure includes the absorbs that every 16th alert to a user
// costs (and the background deletes of absorbed drops):
//
//	go test -run '^$' -bench FanOut5000 -benchtime 40x ./server/app/
//
// The baselines, in the same run, store the same notifications as the
// fan-out did before drops (each user's log appended to, four users at a
// time) and one write per investor, as a naive loop would.
func BenchmarkFanOut5000(b *testing.B) {
	m, db, fits := fanOutSetup(b, 5000)
	ctx := context.Background()
	var earlier []*domain.Notification
	var users []string
	for uid := range fits {
		users = append(users, uid)
		for i := range 20 {
			earlier = append(earlier, &domain.Notification{UserID: uid, Type: domain.NoteInterest, Data: map[string]any{"i": i}, CreatedAt: time.Now()})
		}
	}
	if err := db.InsertNotificationLogs(ctx, earlier); err != nil {
		b.Fatal(err)
	}
	// notified/op is what each run reports it did (FanOut's count, the
	// baselines' successful writes), not the setup's number of fitting
	// investors; a fan-out that notified nobody would show 0 here.
	b.Run("drops", func(b *testing.B) {
		notified := 0
		for b.Loop() {
			n, err := m.FanOut(ctx, icStartup())
			if err != nil {
				b.Fatal(err)
			}
			notified += n
		}
		b.ReportMetric(float64(notified)/float64(b.N), "notified/op")
	})
	b.Run("append-each-log-baseline", func(b *testing.B) {
		written := 0
		for b.Loop() {
			var mu sync.Mutex
			var wg sync.WaitGroup
			next := 0
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						mu.Lock()
						i := next
						next++
						mu.Unlock()
						if i >= len(users) {
							return
						}
						n := &domain.Notification{UserID: users[i], Type: domain.NoteMatch, Data: map[string]any{"startupId": "x"}, CreatedAt: time.Now()}
						if err := db.CreateNotification(ctx, n); err != nil {
							b.Error(err)
							return
						}
						mu.Lock()
						written++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
		}
		b.ReportMetric(float64(written)/float64(b.N), "notified/op")
	})
	b.Run("one-write-each-baseline", func(b *testing.B) {
		n := app.NewNotifier(db, nopPusher{}, slog.New(slog.DiscardHandler))
		written := 0
		for b.Loop() {
			for uid := range fits {
				if err := n.Notify(ctx, uid, domain.NoteMatch, map[string]any{"startupId": "x"}); err != nil {
					b.Fatal(err)
				}
				written++
			}
		}
		b.ReportMetric(float64(written)/float64(b.N), "notified/op")
	})
}
