package mongo_test

import (
	"context"
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

func fanOut(t *testing.T, db *mongo.DB, users []string, typ string, digest bool) []*domain.Notification {
	t.Helper()
	var ns []*domain.Notification
	for _, u := range users {
		ns = append(ns, &domain.Notification{UserID: u, Type: typ, Data: map[string]any{"to": u}, Digest: digest})
	}
	if err := db.CreateNotifications(context.Background(), ns); err != nil {
		t.Fatal(err)
	}
	return ns
}

func countDrops(t *testing.T, db *mongo.DB) int64 {
	n, err := db.Raw(mongo.ColNoteDrops).CountDocuments(context.Background(), bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFanOutDropsReadAsTheLog: a fan-out on the embedded engine drops each
// recipient's note into a document of its own (one insert for all), and
// every read of the log (pages, unread, since replay, one by id, the
// digest) finds it after the log's older notes; an append, marking read or
// too many drops waiting absorb them into the buckets, in order, each once.
func TestFanOutDropsReadAsTheLog(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("drops are the embedded engine's path; TEST_MONGODB_URI runs the MongoDB path")
	}
	ctx := context.Background()
	var order []string // u's notifications, oldest first
	for i := range 3 {
		n := &domain.Notification{UserID: "u", Type: "interest", Data: map[string]any{"i": i}}
		if err := db.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		order = append(order, n.ID)
	}
	users := []string{"u", "v", "w"}
	for i := range 5 {
		ns := fanOut(t, db, users, "match", false)
		order = append(order, ns[0].ID)
		if got := countDrops(t, db); got != int64(3*(i+1)) {
			t.Fatalf("after fan-out %d: %d drops, want %d", i+1, got, 3*(i+1))
		}
	}
	check := func(when string, want []string, unread int) {
		t.Helper()
		newest := reversed(want)
		for size := 1; size <= 9; size += 4 {
			var got []string
			for page := 1; ; page++ {
				items, total, err := db.ListNotifications(ctx, "u", false, mustPage(t, page, size))
				if err != nil || total != len(want) {
					t.Fatalf("%s: page %d of %d: total %d, %v; want %d", when, page, size, total, err, len(want))
				}
				if len(items) == 0 {
					break
				}
				got = append(got, ids(items)...)
			}
			if !slices.Equal(got, newest) {
				t.Fatalf("%s: pages of %d list\n%v\nwant\n%v", when, size, got, newest)
			}
		}
		items, total, err := db.ListNotifications(ctx, "u", true, mustPage(t, 1, 50))
		if err != nil || total != unread || len(items) != unread {
			t.Fatalf("%s: unread page %d of %d, %v; want %d", when, len(items), total, err, unread)
		}
		if c, _ := db.CountUnread(ctx, "u"); c != unread {
			t.Fatalf("%s: unread %d, want %d", when, c, unread)
		}
		after, err := db.NotificationsAfter(ctx, "u", want[1], 100)
		if err != nil || !slices.Equal(ids(after), want[2:]) {
			t.Fatalf("%s: since replay %v, %v; want %v", when, ids(after), err, want[2:])
		}
		if n, err := db.NotificationOf(ctx, "u", want[len(want)-1]); err != nil || n.ID != want[len(want)-1] {
			t.Fatalf("%s: newest by id: %v", when, err)
		}
	}
	check("5 drops waiting", order, 8)

	// An append absorbs the drops first, so it lands after them.
	n := &domain.Notification{UserID: "u", Type: "interest"}
	if err := db.CreateNotification(ctx, n); err != nil {
		t.Fatal(err)
	}
	order = append(order, n.ID)
	check("absorbed by an append", order, 9)
	// The absorbed drops are deleted in the background.
	for deadline := time.Now().Add(time.Minute); countDrops(t, db) != 10; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d drops left a minute after the absorb, want v's and w's 10", countDrops(t, db))
		}
	}

	// More drops than DropsMax: the log is absorbed in the background,
	// and reads as the same log whenever that happens.
	for range mongo.DropsMax + 3 {
		order = append(order, fanOut(t, db, users, "match", false)[0].ID)
	}
	check("past DropsMax", order, 9+mongo.DropsMax+3)
	if err := db.MarkRead(ctx, "u", nil); err != nil {
		t.Fatal(err)
	}
	check("all read", order, 0)
	if v, total, _ := db.ListNotifications(ctx, "v", false, mustPage(t, 1, 50)); total != 5+mongo.DropsMax+3 || len(v) != total {
		t.Fatalf("v has %d of %d, want %d", len(v), total, 5+mongo.DropsMax+3)
	}

	// Digest deliveries in drops wait for the digest like the others.
	fanOut(t, db, []string{"x", "y"}, "match", true)
	pending, err := db.PendingDigest(ctx)
	if err != nil || len(pending) != 2 {
		t.Fatalf("digest pending %d, %v; want 2", len(pending), err)
	}
	if err := db.MarkDigested(ctx, pending); err != nil {
		t.Fatal(err)
	}
	if pending, _ = db.PendingDigest(ctx); len(pending) != 0 {
		t.Fatalf("digest pending %d after marking", len(pending))
	}
}

// TestAbsorbCrashRepeats: an absorb killed after pushing the drops' items
// into the bucket and before its head write leaves items past the head's
// count: they are read once (as drops) and the next absorb pushes nothing
// twice.
func TestAbsorbCrashRepeats(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("drops are the embedded engine's path")
	}
	ctx := context.Background()
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "u", Type: "t"}); err != nil {
		t.Fatal(err)
	}
	ns := fanOut(t, db, []string{"u", "v"}, "match", false)
	ns2 := fanOut(t, db, []string{"u", "v"}, "match", false)
	// As an absorb does, but without the head write that ends it.
	for i, id := range []string{ns[0].ID, ns2[0].ID} {
		if _, err := db.Raw(mongo.ColNoteBuckets).UpdateOne(ctx, bson.D{{Key: "_id", Value: "u/00000000"}},
			bson.D{{Key: "$push", Value: bson.D{{Key: "items", Value: bson.D{{Key: "pos", Value: 1 + i}, {Key: "_id", Value: id},
				{Key: "userId", Value: "u"}, {Key: "type", Value: "match"}, {Key: "read", Value: false}}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(when string, wantUnread int) {
		t.Helper()
		got, total, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 20))
		if err != nil || total != 3 || len(got) != 3 || got[0].ID != ns2[0].ID || got[1].ID != ns[0].ID {
			t.Fatalf("%s: %v total %d, %v", when, ids(got), total, err)
		}
		unread, _, _ := db.ListNotifications(ctx, "u", true, mustPage(t, 1, 20))
		if len(unread) != wantUnread {
			t.Fatalf("%s: %d unread listed, want %d", when, len(unread), wantUnread)
		}
		after, _ := db.NotificationsAfter(ctx, "u", "", 20)
		if len(after) != 3 {
			t.Fatalf("%s: %d replayed, want 3", when, len(after))
		}
	}
	list("after the crash", 3)
	if err := db.MarkRead(ctx, "u", []string{ns[0].ID}); err != nil { // absorbs again
		t.Fatal(err)
	}
	list("absorbed again", 2)
	if c, _ := db.CountUnread(ctx, "u"); c != 2 {
		t.Fatalf("unread %d, want 2", c)
	}
}

// TestFanOutsBesideAppends: fan-outs and single appends to the same users
// at once lose nothing, and each user's log lists newest first with ids
// that grow with position (what since replay relies on).
func TestFanOutsBesideAppends(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	users := []string{"a", "b", "c", "d"}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 6 {
				var ns []*domain.Notification
				for _, u := range users {
					ns = append(ns, &domain.Notification{UserID: u, Type: "match"})
				}
				errs <- db.CreateNotifications(ctx, ns)
			}
		}()
		go func() {
			defer wg.Done()
			for j := range 6 {
				errs <- db.CreateNotification(ctx, &domain.Notification{UserID: users[(i+j)%4], Type: "interest"})
				if j == 3 {
					errs <- db.MarkRead(ctx, users[i], nil)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range users {
		got, total, err := db.ListNotifications(ctx, u, false, mustPage(t, 1, 100))
		if err != nil || total != 24+6 || len(got) != total {
			t.Fatalf("%s: %d of %d, %v; want 30", u, len(got), total, err)
		}
		for i := 1; i < len(got); i++ {
			if got[i].ID >= got[i-1].ID {
				t.Fatalf("%s: position %d has id %s after %s", u, i, got[i].ID, got[i-1].ID)
			}
		}
		if after, _ := db.NotificationsAfter(ctx, u, got[10].ID, 100); len(after) != 10 {
			t.Fatalf("%s: %d replayed after the 11th newest, want 10", u, len(after))
		}
	}
}

// TestVersion5LogsTakeDrops: logs as version 5 wrote them (heads with no
// drops number) migrate to version 6 with nothing to convert, read as
// before, and take a fan-out's drops after their notes.
func TestVersion5LogsTakeDrops(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var old []domain.Notification
	for i := range 60 {
		old = append(old, domain.Notification{ID: mongo.NewID(), UserID: "u", Type: "t", Read: i < 50})
	}
	if err := db.WriteLog(ctx, "u", old); err != nil {
		t.Fatal(err)
	}
	// Version 5's heads had no drops number.
	if _, err := db.Raw(mongo.ColNoteHeads).UpdateOne(ctx, bson.D{{Key: "_id", Value: "u"}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "drops", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStoredSchemaVersion(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != 5 {
		t.Fatalf("migrate from %d: %v", from, err)
	}
	if v, _ := db.StoredSchemaVersion(ctx); v != mongo.SchemaVersion {
		t.Fatalf("version %d after migrating, want %d", v, mongo.SchemaVersion)
	}
	ns := fanOut(t, db, []string{"u", "v"}, "match", false)
	got, total, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 100))
	if err != nil || total != 61 || got[0].ID != ns[0].ID || got[60].ID != old[0].ID {
		t.Fatalf("log after the fan-out: %d of %d, %v", len(got), total, err)
	}
	if c, _ := db.CountUnread(ctx, "u"); c != 11 {
		t.Fatalf("unread %d, want 11", c)
	}
}

// TestDeadDropsSweptAtStart: drops below their user's head.drops that a
// crash left undeleted (the sweeper's queue is lost with the process) are
// found and deleted by the sweep a start runs; drops still waiting to be
// absorbed stay and are still read as the log.
func TestDeadDropsSweptAtStart(t *testing.T) {
	db := mongotest.Open(t)
	if !db.Embedded() {
		t.Skip("drops are the embedded engine's path")
	}
	ctx := context.Background()
	fanOut(t, db, []string{"u", "v"}, "match", false)
	if err := db.MarkRead(ctx, "u", nil); err != nil { // absorbs u's drop 0 and queues it for the sweeper
		t.Fatal(err)
	}
	waitDrops(t, db, 1) // v's drop 0 waits; u's is swept
	// As a crash between an absorb's head write and the sweep leaves it:
	// u's drop 0 back in the collection, below u's head.drops.
	if _, err := db.Raw(mongo.ColNoteDrops).InsertOne(ctx, bson.D{{Key: "_id", Value: "u/00000000"}, {Key: "items", Value: bson.A{}}}); err != nil {
		t.Fatal(err)
	}
	n, err := db.SweepDeadDrops(ctx)
	if err != nil || n != 1 {
		t.Fatalf("dead drops queued: %d, %v; want 1", n, err)
	}
	waitDrops(t, db, 1)
	if got, total, err := db.ListNotifications(ctx, "v", false, mustPage(t, 1, 20)); err != nil || total != 1 || len(got) != 1 {
		t.Fatalf("v's waiting drop after the sweep: %d listed, total %d, %v", len(got), total, err)
	}
}

// waitDrops waits until n drops are stored (the sweeper deletes in the
// background), failing after a minute.
func waitDrops(t *testing.T, db *mongo.DB, n int64) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); countDrops(t, db) != n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d drops stored, want %d", countDrops(t, db), n)
		}
	}
}
