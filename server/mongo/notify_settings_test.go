package mongo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestNotificationSettingsOwner: the store answers a fan-out's settings
// in one call, as saved, on both paths; what it answers is a copy. Where
// they come from is told by a change written behind the process's back
// (as another server process on the same MongoDB writes): the MongoDB path
// reads the database, so it sees the change at once; the embedded engine,
// whose only writer is this process, answers from memory and reads no
// settings at all, not even in a fan-out to 12,000 users, unless a write's
// outcome was unknown, which sends that user back to the database.
func TestNotificationSettingsOwner(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		save := func(user string, types map[string]string) {
			t.Helper()
			if err := db.SaveNotificationSettings(ctx, &domain.NotificationSettings{UserID: user, Types: types}); err != nil {
				t.Fatal(err)
			}
		}
		save("quiet", map[string]string{domain.NoteMatch: domain.DeliverOff})
		save("daily", map[string]string{domain.NoteMatch: domain.DeliverDigest, domain.NoteInterest: domain.DeliverOff})
		if err := db.Warm(ctx); err != nil {
			t.Fatal(err)
		}
		save("quiet", map[string]string{domain.NoteMatch: domain.DeliverDigest}) // after the load: the memo follows
		save("late", map[string]string{domain.NoteMatch: domain.DeliverOff})

		// A city's fan-out: 12,000 recipients, more than one MongoDB batch.
		ids := []string{"quiet", "daily", "late", "never"}
		for i := len(ids); i < 12_000; i++ {
			ids = append(ids, fmt.Sprintf("investor%05d", i))
		}
		want := map[string]string{"quiet": domain.DeliverDigest, "daily": domain.DeliverDigest, "late": domain.DeliverOff}
		check := func(when string, want map[string]string) {
			t.Helper()
			got, err := db.NotificationSettingsOfUsers(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Errorf("%s: settings of %d users, want %d: %v", when, len(got), len(want), got)
			}
			for user, d := range want {
				if s := got[user]; s == nil || s.UserID != user || s.Delivery(domain.NoteMatch) != d {
					t.Errorf("%s: %s's match alerts %v, want %s", when, user, s, d)
				}
			}
		}
		check("as saved", want)
		if s, err := db.NotificationSettingsOf(ctx, "daily"); err != nil || s.Delivery(domain.NoteInterest) != domain.DeliverOff {
			t.Fatalf("one user's settings: %v, %v", s, err)
		}
		if s, err := db.NotificationSettingsOf(ctx, "never"); err != nil || s.UserID != "never" || len(s.Types) != 0 {
			t.Fatalf("a user who saved none: %v, %v", s, err)
		}
		mine, err := db.NotificationSettingsOf(ctx, "quiet")
		if err != nil {
			t.Fatal(err)
		}
		mine.Types[domain.NoteMatch] = domain.DeliverLive // a caller editing its answer changes nothing stored
		check("after a caller edited its copy", want)

		// Another process turns "daily"'s match alerts off.
		behind := func(user, delivery string) {
			t.Helper()
			doc := bson.D{{Key: "_id", Value: user}, {Key: "types", Value: bson.A{bson.D{{Key: "type", Value: domain.NoteMatch}, {Key: "delivery", Value: delivery}}}}}
			if _, err := db.Raw(mongo.ColNoteSettings).ReplaceOne(ctx, bson.D{{Key: "_id", Value: user}}, doc); err != nil {
				t.Fatal(err)
			}
		}
		behind("daily", domain.DeliverOff)
		if db.Embedded() {
			check("changed behind the embedded engine's only writer (memory answers)", want)
		} else {
			want["daily"] = domain.DeliverOff
			check("changed by another process", want)
		}

		// A write whose outcome is not known (here: never sent) sends the
		// user to the database, which then answers for them.
		gone, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.SaveNotificationSettings(gone, &domain.NotificationSettings{UserID: "late", Types: map[string]string{domain.NoteMatch: domain.DeliverLive}}); err == nil {
			t.Fatal("a save with its context ended succeeded")
		}
		behind("late", domain.DeliverDigest)
		want["late"] = domain.DeliverDigest
		check("after a write of unknown outcome", want)
	})
}
