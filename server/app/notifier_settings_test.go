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
)

// countingPusher counts the live pushes per user.
type countingPusher struct {
	mu     sync.Mutex
	pushed map[string]int
}

func (p *countingPusher) Push(userID string, _ *domain.Notification) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pushed == nil {
		p.pushed = map[string]int{}
	}
	p.pushed[userID]++
}

func (p *countingPusher) count(userID string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pushed[userID]
}

// deliverMatch sends every user one match alert in one fan-out through n
// and says how each was delivered, as the user's notifications and pushes
// show it: off (nothing stored), digest (stored, not pushed) or live
// (stored and pushed).
func deliverMatch(t *testing.T, n *app.Notifier, db *mongo.DB, p *countingPusher, users ...string) map[string]string {
	t.Helper()
	ctx := t.Context()
	page, _ := domain.NewPage(1, 1)
	before := map[string][2]int{}
	notes := make([]app.Note, len(users))
	for i, u := range users {
		_, total, _, err := db.ListNotifications(ctx, u, false, page)
		if err != nil {
			t.Fatal(err)
		}
		before[u] = [2]int{total, p.count(u)}
		notes[i] = app.Note{UserID: u, Type: domain.NoteMatch, Data: map[string]any{"startupId": fmt.Sprint(total)}}
	}
	if err := n.NotifyMany(ctx, notes); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range users {
		items, total, _, err := db.ListNotifications(ctx, u, false, page)
		if err != nil {
			t.Fatal(err)
		}
		stored, pushed := total-before[u][0], p.count(u)-before[u][1]
		switch {
		case stored == 0 && pushed == 0:
			got[u] = domain.DeliverOff
		case stored == 1 && pushed == 0 && items[0].Digest:
			got[u] = domain.DeliverDigest
		case stored == 1 && pushed == 1 && !items[0].Digest:
			got[u] = domain.DeliverLive
		default:
			t.Fatalf("%s: %d stored (digest %v), %d pushed", u, stored, len(items) > 0 && items[0].Digest, pushed)
		}
	}
	return got
}

func wantDeliveries(t *testing.T, when string, got, want map[string]string) {
	t.Helper()
	for u, d := range want {
		if got[u] != d {
			t.Errorf("%s: %s's match alert delivered %q, want %q", when, u, got[u], d)
		}
	}
}

func saveMatch(t *testing.T, n *app.Notifier, user, delivery string) {
	t.Helper()
	s, err := n.SaveSettings(t.Context(), domain.Actor{UserID: user, Role: domain.RoleInvestor}, map[string]string{domain.NoteMatch: delivery})
	if err != nil || s.Types[domain.NoteMatch] != delivery {
		t.Fatalf("%s saves %s: %v, %v", user, delivery, s, err)
	}
}

// openSettingsStore opens the embedded engine kept in dir as the server
// does (straight reads, Warm before serving); closing it stops the engine.
func openSettingsStore(t *testing.T, dir string) (*mongo.DB, func()) {
	t.Helper()
	ctx := t.Context()
	srv, db := openEmbedded(t, dir)
	db.SetDocumentRead(srv.ReadDocument)
	db.SetDocumentsRead(srv.ReadDocuments)
	db.SetDocumentScan(srv.ScanDocuments)
	if err := db.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	closed := false
	stop := func() {
		if !closed {
			closed = true
			_ = db.Close(context.Background())
			_ = srv.Close()
		}
	}
	t.Cleanup(stop)
	return db, stop
}

// TestSavedSettingsDecideTheNextDelivery: on the embedded engine, the
// delivery a user saves decides their next notification in a fan-out
// (off: none; digest: stored, not pushed; live again: pushed), and after
// the store is stopped and started again on the same files, a new
// Notifier over it delivers as the users chose, and a choice saved then
// decides at once too.
func TestSavedSettingsDecideTheNextDelivery(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	db, stop := openSettingsStore(t, dir)
	p := &countingPusher{}
	n := app.NewNotifier(db, p, log)
	users := []string{"amy", "bo", "cy"}
	wantDeliveries(t, "nobody chose", deliverMatch(t, n, db, p, users...),
		map[string]string{"amy": domain.DeliverLive, "bo": domain.DeliverLive, "cy": domain.DeliverLive})

	saveMatch(t, n, "amy", domain.DeliverOff)
	saveMatch(t, n, "bo", domain.DeliverDigest)
	wantDeliveries(t, "amy off, bo digest", deliverMatch(t, n, db, p, users...),
		map[string]string{"amy": domain.DeliverOff, "bo": domain.DeliverDigest, "cy": domain.DeliverLive})
	saveMatch(t, n, "amy", domain.DeliverLive)
	wantDeliveries(t, "amy live again", deliverMatch(t, n, db, p, users...),
		map[string]string{"amy": domain.DeliverLive, "bo": domain.DeliverDigest, "cy": domain.DeliverLive})
	saveMatch(t, n, "cy", domain.DeliverOff)

	stop()
	db, _ = openSettingsStore(t, dir)
	n = app.NewNotifier(db, p, log)
	wantDeliveries(t, "restarted", deliverMatch(t, n, db, p, users...),
		map[string]string{"amy": domain.DeliverLive, "bo": domain.DeliverDigest, "cy": domain.DeliverOff})
	saveMatch(t, n, "bo", domain.DeliverOff)
	wantDeliveries(t, "restarted, bo off", deliverMatch(t, n, db, p, users...),
		map[string]string{"amy": domain.DeliverLive, "bo": domain.DeliverOff, "cy": domain.DeliverOff})
}

// TestSettingsSavedThroughAnotherProcess: two server processes on one
// MongoDB (two stores on one database, the MongoDB path), each with its
// own Notifier. A user who turns an alert off through one process gets it
// from the other no more, on that process's very next fan-out; and the
// choice they change back takes effect there as well. Before the settings
// had one owner, each Notifier kept the copy it loaded at its start and
// the second process went on delivering.
func TestSettingsSavedThroughAnotherProcess(t *testing.T) {
	ctx := t.Context()
	uri := mongotest.URI(t)
	name := fmt.Sprintf("test_%d", time.Now().UnixNano())
	open := func() *mongo.DB {
		db, err := mongo.Open(ctx, uri, name, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = db.Drop(context.Background())
			_ = db.Close(context.Background())
		})
		return db
	}
	log := slog.New(slog.DiscardHandler)
	one, two := open(), open()
	p := &countingPusher{}
	first, second := app.NewNotifier(one, p, log), app.NewNotifier(two, p, log)
	users := []string{"amy", "bo"}
	for i := range 300 { // a fan-out's worth of investors who chose nothing
		users = append(users, fmt.Sprint("investor", i))
	}
	wantDeliveries(t, "nobody chose", deliverMatch(t, second, two, p, users...),
		map[string]string{"amy": domain.DeliverLive, "bo": domain.DeliverLive, "investor7": domain.DeliverLive})

	saveMatch(t, first, "amy", domain.DeliverOff)
	wantDeliveries(t, "amy turned match alerts off through the first process", deliverMatch(t, second, two, p, users...),
		map[string]string{"amy": domain.DeliverOff, "bo": domain.DeliverLive, "investor7": domain.DeliverLive})
	saveMatch(t, first, "amy", domain.DeliverDigest)
	saveMatch(t, first, "bo", domain.DeliverOff)
	wantDeliveries(t, "amy digest, bo off through the first process", deliverMatch(t, second, two, p, users...),
		map[string]string{"amy": domain.DeliverDigest, "bo": domain.DeliverOff, "investor7": domain.DeliverLive})
	wantDeliveries(t, "the first process itself", deliverMatch(t, first, one, p, "amy", "bo"),
		map[string]string{"amy": domain.DeliverDigest, "bo": domain.DeliverOff})
}
