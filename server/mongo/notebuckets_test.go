package mongo_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestBucketsStoredPacked: every write to a log (appends, a fan-out's
// absorb, marking read, a digest) leaves its buckets as one packed value
// (no array of documents for FerretDB to decode value by value), and a
// page answers its unread count from the same head read.
func TestBucketsStoredPacked(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		var all []string
		for i := range 60 {
			n := &domain.Notification{UserID: "u", Type: "interest", Data: map[string]any{"i": i}, Digest: i == 7}
			if err := db.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
			all = append(all, n.ID)
		}
		fanOut(t, db, []string{"u", "v"}, "match", false)
		if err := db.MarkRead(ctx, "u", all[:55]); err != nil { // absorbs the drop (embedded)
			t.Fatal(err)
		}
		pending, err := db.PendingDigest(ctx)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending digest %d, %v", len(pending), err)
		}
		if err := db.MarkDigested(ctx, pending); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"u/00000000", "u/00000001"} {
			raw, err := db.Raw(mongo.ColNoteBuckets).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
			if err != nil {
				t.Fatalf("%s: %v", id, err)
			}
			if _, err := raw.LookupErr("items"); err == nil {
				t.Fatalf("%s holds an array of items", id)
			}
			if v, err := raw.LookupErr("packed"); err != nil || v.Type != bson.TypeBinary {
				t.Fatalf("%s: packed is %v (%v)", id, v.Type, err)
			}
		}
		got, total, unread, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 20))
		if err != nil || total != 61 || len(got) != 20 || unread != 6 || got[1].ID != all[59] || got[0].Type != "match" {
			t.Fatalf("page: %d items of %d, %d unread, %v", len(got), total, unread, err)
		}
		if got[5].Read || !got[6].Read {
			t.Fatalf("read flags: %v %v", got[5].Read, got[6].Read)
		}
		if c, _ := db.CountUnread(ctx, "u"); c != unread {
			t.Fatalf("CountUnread %d, page says %d", c, unread)
		}
		if again, _ := db.PendingDigest(ctx); len(again) != 0 {
			t.Fatalf("digested notes still pending: %d", len(again))
		}
		onlyUnread, n, _, _ := db.ListNotifications(ctx, "u", true, mustPage(t, 1, 20))
		if n != 6 || len(onlyUnread) != 6 || onlyUnread[5].ID != all[55] {
			t.Fatalf("unread page: %d of %d", len(onlyUnread), n)
		}
	})
}

// TestBucketWriteAfterAnotherProcess: on MongoDB another process may write
// a bucket between this one's read and write (its positions reserved apart
// by the head): the write, conditional on the revision read, loses, and
// the change runs again on that process's bucket, so both land. Also when
// the other process creates the bucket first.
func TestBucketWriteAfterAnotherProcess(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		if db.Embedded() {
			t.Skip("the embedded engine has one process: the log's lock is the guarantee (TestConcurrentAppendsToOneLog)")
		}
		ctx := context.Background()
		for _, b := range []int{0, 1} { // 1: the bucket does not exist when first read
			if b == 0 {
				if err := db.AddToBucket(ctx, "u", 0, domain.Notification{ID: "first", Type: "t"}); err != nil {
					t.Fatal(err)
				}
			}
			calls := 0
			err := db.EditBucket(ctx, "u", b, func(ids []string) {
				calls++
				if calls <= 2 { // the other process writes twice
					if err := db.AddToBucket(ctx, "u", b*50+calls, domain.Notification{ID: "other" + string(rune('0'+calls)), Type: "t"}); err != nil {
						t.Fatal(err)
					}
				}
			})
			if err != nil || calls != 3 {
				t.Fatalf("bucket %d: the change ran %d times (%v), want 3", b, calls, err)
			}
			got, err := db.BucketIDs(ctx, "u", b)
			want := []string{"other1", "other2", "mine"}
			if b == 0 {
				want = append([]string{"first"}, want...)
			}
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("bucket %d holds %v (%v), want %v", b, got, err, want)
			}
		}
	})
}

// TestVersion7BucketsPacked: logs as versions 3 to 7 stored them (buckets as
// arrays of documents in notification_buckets) are packed by migration 8,
// read as before, and take appends, marks and fan-outs after; the old
// collection is gone, and a re-run of the packing (a crash before its
// phase was recorded) converges.
func TestVersion7BucketsPacked(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	var old []domain.Notification
	for i := range 70 {
		old = append(old, domain.Notification{ID: mongo.NewID(), UserID: "u", Type: "t", Read: i < 50, Data: map[string]any{"i": i}})
	}
	if err := db.WriteLogV7(ctx, "u", old); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteLogV7(ctx, "w", old[:3]); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.Raw(mongo.ColNoteBucketsV7).CountDocuments(ctx, bson.D{}); n != 3 {
		t.Fatalf("%d version 7 buckets written, want 3", n)
	}
	if err := db.SetStoredSchemaVersion(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if from, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil || from != 7 {
		t.Fatalf("migrate from %d: %v", from, err)
	}
	if v, _ := db.StoredSchemaVersion(ctx); v != mongo.SchemaVersion {
		t.Fatalf("version %d, want %d", v, mongo.SchemaVersion)
	}
	if n, _ := db.Raw(mongo.ColNoteBucketsV7).CountDocuments(ctx, bson.D{}); n != 0 {
		t.Fatalf("%d version 7 buckets left", n)
	}
	check := func(when string, total, unread int) {
		t.Helper()
		got, n, u, err := db.ListNotifications(ctx, "u", false, mustPage(t, 1, 100))
		if err != nil || n != total || u != unread || len(got) != total || got[total-1].ID != old[0].ID || got[total-70].ID != old[69].ID {
			t.Fatalf("%s: %d of %d, %d unread, %v", when, len(got), n, u, err)
		}
		if v, _ := got[total-70].Data["i"].(int32); v != 69 {
			t.Fatalf("%s: data %v", when, got[total-70].Data)
		}
		after, err := db.NotificationsAfter(ctx, "u", old[49].ID, 100)
		if err != nil || len(after) != total-50 || after[0].ID != old[50].ID {
			t.Fatalf("%s: %d replayed after #49, %v", when, len(after), err)
		}
	}
	check("packed", 70, 20)
	if got, n, _, _ := db.ListNotifications(ctx, "w", false, mustPage(t, 1, 20)); n != 3 || len(got) != 3 {
		t.Fatalf("w: %d of %d", len(got), n)
	}
	if err := db.CreateNotification(ctx, &domain.Notification{UserID: "u", Type: "t"}); err != nil {
		t.Fatal(err)
	}
	fanOut(t, db, []string{"u", "w"}, "match", false)
	if err := db.MarkRead(ctx, "u", []string{old[60].ID}); err != nil {
		t.Fatal(err)
	}
	check("after an append, a fan-out and a mark", 72, 21)
	// The packing again, as after a crash before its phase was recorded:
	// what it inserted is there already, and nothing changes.
	if err := db.WriteLogV7(ctx, "x", old[:2]); err != nil {
		t.Fatal(err)
	}
	if err := db.PackBucketsAgain(ctx); err != nil {
		t.Fatal(err)
	}
	check("packed again", 72, 21)
	if got, n, _, _ := db.ListNotifications(ctx, "x", false, mustPage(t, 1, 20)); n != 2 || len(got) != 2 {
		t.Fatalf("x: %d of %d", len(got), n)
	}
}
