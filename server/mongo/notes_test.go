package mongo_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func ids(ns []domain.Notification) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

func reversed(s []string) []string {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestNotificationLogAcrossBuckets pins the log's reads over several
// buckets: pages newest first, unread-only pages, since replay from the
// middle of a bucket, marking ids in different buckets and everything.
func TestNotificationLogAcrossBuckets(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var all []string // oldest first
	for i := range 130 {
		n := &domain.Notification{UserID: "u", Type: "interest", Data: map[string]any{"i": i}, Digest: i%10 == 9, CreatedAt: time.Now()}
		if err := db.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		if len(all) > 0 && n.ID <= all[len(all)-1] {
			t.Fatalf("ids do not grow: %s after %s", n.ID, all[len(all)-1])
		}
		all = append(all, n.ID)
	}
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "v", Type: "interest"}); err != nil {
		t.Fatal(err)
	}
	newest := reversed(all)
	for page := 1; page <= 8; page++ {
		got, total, _, err := db.ListNotifications(ctx, "u", false, mustPage(t, page, 20))
		lo, hi := min((page-1)*20, 130), min(page*20, 130)
		if err != nil || total != 130 || !slices.Equal(ids(got), newest[lo:hi]) {
			t.Fatalf("page %d: %d items, total %d, %v; want %d items", page, len(got), total, err, hi-lo)
		}
	}
	pushed := func(from int) []string {
		var out []string
		for i := from; i < 130; i++ {
			if i%10 != 9 {
				out = append(out, all[i])
			}
		}
		return out
	}
	for _, since := range []int{0, 37, 49, 50, 99, 128} {
		got, err := db.NotificationsAfter(ctx, "u", all[since], 500)
		if err != nil || !slices.Equal(ids(got), pushed(since+1)) {
			t.Fatalf("after #%d: %d, %v; want %d", since, len(got), err, len(pushed(since+1)))
		}
	}
	if got, _ := db.NotificationsAfter(ctx, "u", all[10], 5); !slices.Equal(ids(got), pushed(11)[:5]) {
		t.Fatalf("limited replay: %v", ids(got))
	}
	if got, _ := db.NotificationsAfter(ctx, "u", all[129], 5); len(got) != 0 {
		t.Fatalf("nothing after the newest: %v", ids(got))
	}

	// Mark three in three buckets read, then page the unread ones.
	if err := db.MarkRead(ctx, "u", []string{all[3], all[77], all[120], "ffffffffffffffffffffffff"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountUnread(ctx, "u"); n != 127 {
		t.Fatalf("unread %d, want 127", n)
	}
	var unread []string
	for _, id := range newest {
		if id != all[3] && id != all[77] && id != all[120] {
			unread = append(unread, id)
		}
	}
	for page := 1; page <= 7; page++ {
		got, total, _, err := db.ListNotifications(ctx, "u", true, mustPage(t, page, 20))
		lo, hi := min((page-1)*20, 127), min(page*20, 127)
		if err != nil || total != 127 || !slices.Equal(ids(got), unread[lo:hi]) {
			t.Fatalf("unread page %d: %v total %d %v", page, ids(got), total, err)
		}
	}
	if err := db.MarkRead(ctx, "u", nil); err != nil {
		t.Fatal(err)
	}
	if got, total, _, _ := db.ListNotifications(ctx, "u", true, mustPage(t, 1, 20)); total != 0 || len(got) != 0 {
		t.Fatalf("after marking all: %d unread listed, total %d", len(got), total)
	}
	if got, _, _, _ := db.ListNotifications(ctx, "u", false, mustPage(t, 7, 20)); len(got) != 10 || !got[0].Read {
		t.Fatalf("the oldest page after marking all: %+v", got)
	}
	if n, _ := db.CountUnread(ctx, "v"); n != 1 {
		t.Fatalf("another user's log changed: %d unread", n)
	}
}

// TestConcurrentAppendsToOneLog: appends racing for one user all land, at
// distinct positions, with ids growing with position.
func TestConcurrentAppendsToOneLog(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 15 {
					ns := []*domain.Notification{{UserID: "u", Type: "t", Data: map[string]any{"w": w, "i": i}}, {UserID: fmt.Sprint("x", w), Type: "t"}}
					if err := db.CreateNotifications(ctx, ns); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		got, total, _, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 100))
		if err != nil || total != 90 || len(got) != 90 {
			t.Fatalf("%d of %d listed, %v; want 90", len(got), total, err)
		}
		if !slices.IsSortedFunc(got, func(a, b domain.Notification) int { return -cmpStr(a.ID, b.ID) }) {
			t.Fatal("newest first is not id order")
		}
		if n, _ := db.CountUnread(ctx, "u"); n != 90 {
			t.Fatalf("unread %d, want 90", n)
		}
	})
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestDigestWaitsPerUser: the digest finds the digest notifications of the
// users listed as waiting, and nothing once they are summed up.
func TestDigestWaitsPerUser(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	for i := range 60 {
		for _, u := range []string{"a", "b", "c"} {
			n := &domain.Notification{UserID: u, Type: "match", Digest: u != "c" && i%20 == 0}
			if err := db.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	pending, err := db.PendingDigest(ctx)
	if err != nil || len(pending) != 6 {
		t.Fatalf("pending %d, %v; want 6", len(pending), err)
	}
	if err := db.MarkDigested(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if pending, err := db.PendingDigest(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("after the digest: %d pending, %v", len(pending), err)
	}
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "b", Type: "match", Digest: true}); err != nil {
		t.Fatal(err)
	}
	if pending, _ := db.PendingDigest(ctx); len(pending) != 1 || pending[0].UserID != "b" {
		t.Fatalf("a new one waits: %+v", pending)
	}
}

// TestLogHoleFromCrash: a crash between reserving positions and writing
// them leaves a hole; reads skip it and marking everything read makes the
// counter exact again.
func TestLogHoleFromCrash(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	for range 3 {
		if err := db.CreateNotification(ctx, &domain.Notification{UserID: "u", Type: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	// As if killed after the head's write and before the bucket's.
	if _, err := db.Raw(mongo.ColNoteHeads).UpdateOne(ctx, bson.D{{Key: "_id", Value: "u"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "count", Value: 1}, {Key: "unread", Value: 1}, {Key: "version", Value: 1}}}}); err != nil {
		t.Fatal(err)
	}
	n := &domain.Notification{UserID: "u", Type: "after"}
	if err := db.CreateNotification(ctx, n); err != nil {
		t.Fatal(err)
	}
	got, total, _, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 20))
	if err != nil || len(got) != 4 || total != 5 || got[0].ID != n.ID {
		t.Fatalf("listed %d (total %d), %v", len(got), total, err)
	}
	if err := db.MarkRead(ctx, "u", nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := db.CountUnread(ctx, "u"); c != 0 {
		t.Fatalf("unread %d after marking all, want 0", c)
	}
}

// TestMigrateNotifications: version 2's notifications (one document each)
// become per-user logs with the same ids, order, read and digest state.
func TestMigrateNotifications(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var docs []any
	base := time.Now().Add(-time.Hour)
	var want []string
	for i := range 75 {
		n := domain.Notification{ID: mongo.NewID(), UserID: "u", Type: "t", Read: i < 60, Digest: i == 70, CreatedAt: base.Add(time.Duration(i) * time.Second)}
		docs = append(docs, n)
		want = append(want, n.ID)
	}
	docs = append(docs, domain.Notification{ID: mongo.NewID(), UserID: "w", Type: "t"})
	slices.Reverse(docs) // stored order must not matter
	if _, err := db.Raw("notifications").InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run (a crash before the version was recorded) converges
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		if err := db.SetStoredSchemaVersion(ctx, 2); err != nil {
			t.Fatal(err)
		}
	}
	got, total, _, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 100))
	if err != nil || total != 75 || !slices.Equal(ids(got), reversed(want)) {
		t.Fatalf("migrated log: %d (total %d), %v", len(got), total, err)
	}
	if n, _ := db.CountUnread(ctx, "u"); n != 15 {
		t.Fatalf("unread %d, want 15", n)
	}
	if after, _ := db.NotificationsAfter(ctx, "u", want[65], 100); len(after) != 8 {
		t.Fatalf("replay after a migrated id: %d, want 8", len(after))
	}
	if p, _ := db.PendingDigest(ctx); len(p) != 1 || p[0].ID != want[70] {
		t.Fatalf("pending digest after migration: %+v", p)
	}
}
