package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// BenchmarkLookups measures each lookup this package serves, in version
// 1's shape (a filter on a field, decoded document by document on the
// embedded engine) and in today's (reads by _id), on the same data, at
// 1,000 and 10,000 documents per collection; docs/bench/storage.md records
// the figures:
//
//	go test -run '^$' -bench Lookups -benchtime 5x ./server/mongo/
func BenchmarkLookups(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		db := mongotest.Open(b)
		ctx := context.Background()
		f := fill(b, db, n)
		p, _ := domain.NewPage(1, 20)
		one := func(c *driver.Collection, filter bson.D) func() error {
			return func() error { return c.FindOne(ctx, filter).Err() }
		}
		count := func(c *driver.Collection, filter bson.D) func() error {
			return func() error { _, err := c.CountDocuments(ctx, filter); return err }
		}
		find := func(c *driver.Collection, filter, sort bson.D, limit int64) func() error {
			return func() error {
				cur, err := c.Find(ctx, filter, options.Find().SetSort(sort).SetLimit(limit))
				if err != nil {
					return err
				}
				var out []bson.Raw
				return cur.All(ctx, &out)
			}
		}
		cases := []struct {
			name     string
			old, new func() error
		}{
			{"userByEmail", one(db.Raw("users"), bson.D{{Key: "email", Value: f.email}}),
				func() error { _, err := db.UserByEmail(ctx, f.email); return err }},
			{"investorByOwner", one(db.Raw("investors"), bson.D{{Key: "ownerId", Value: f.owner}}),
				func() error { _, err := db.InvestorByOwner(ctx, f.owner); return err }},
			{"versionedUpdate", func() error {
				_, err := db.Raw("startups").ReplaceOne(ctx, bson.D{{Key: "_id", Value: f.startup.ID}, {Key: "version", Value: f.startup.Version}}, f.startup)
				return err
			}, func() error {
				if err := db.UpdateStartup(ctx, f.startup, f.startup.Version); err != nil {
					return err
				}
				return nil
			}},
			{"refreshRotation", func() error {
				_, err := db.Raw("refresh_tokens").UpdateOne(ctx, bson.D{{Key: "_id", Value: f.token}, {Key: "used", Value: false}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: false}}}})
				return err
			}, func() error { _, _, err := db.UseRefresh(ctx, f.token); return err }},
			{"notificationPage", func() error {
				if err := count(db.Raw("notifications"), bson.D{{Key: "userId", Value: f.noteUser}})(); err != nil {
					return err
				}
				return find(db.Raw("notifications"), bson.D{{Key: "userId", Value: f.noteUser}}, bson.D{{Key: "_id", Value: -1}}, 20)()
			}, func() error { _, _, _, err := db.ListNotifications(ctx, f.noteUser, false, p); return err }},
			{"notificationSince", find(db.Raw("notifications"), bson.D{{Key: "userId", Value: f.noteUser}, {Key: "digest", Value: false},
				{Key: "_id", Value: bson.D{{Key: "$gt", Value: f.since}}}}, bson.D{{Key: "_id", Value: 1}}, 500),
				func() error { _, err := db.NotificationsAfter(ctx, f.noteUser, f.since, 500); return err }},
			{"unreadCount", count(db.Raw("notifications"), bson.D{{Key: "userId", Value: f.noteUser}, {Key: "read", Value: false}}),
				func() error { _, err := db.CountUnread(ctx, f.noteUser); return err }},
			{"roomEvents", find(db.Raw("roadshow_events"), bson.D{{Key: "roadshowId", Value: f.roadshow}}, bson.D{{Key: "seq", Value: 1}}, 0),
				func() error { _, err := db.RoomEvents(ctx, f.roadshow); return err }},
			{"registrationCount", count(db.Raw("roadshow_registrations"), bson.D{{Key: "roadshowId", Value: f.roadshow}}),
				func() error { _, err := db.CountRegistrations(ctx, f.roadshow); return err }},
		}
		for _, c := range cases {
			for _, shape := range []struct {
				name string
				fn   func() error
			}{{"old", c.old}, {"new", c.new}} {
				b.Run(fmt.Sprintf("%s/%s/n=%d", c.name, shape.name, n), func(b *testing.B) {
					for b.Loop() {
						if err := shape.fn(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

type fixture struct {
	email, owner, token, noteUser, since, roadshow string
	startup                                        *domain.Startup
}

// fill writes n documents of each kind in both shapes: accounts and
// profiles with their keys, startups, refresh tokens, notifications (20 a
// user) as documents and as logs, room events (100 a roadshow) and
// registrations (100 a roadshow) as documents and as buckets and lists.
func fill(b *testing.B, db *mongo.DB, n int) fixture {
	ctx := context.Background()
	insert := func(col string, docs []any) {
		for i := 0; i < len(docs); i += 1000 {
			if _, err := db.Raw(col).InsertMany(ctx, docs[i:min(i+1000, len(docs))]); err != nil {
				b.Fatal(err)
			}
		}
	}
	var users, emails, investors, owners, startups, tokens, families, notes, events, regs []any
	f := fixture{}
	now := time.Now()
	logs := map[string][]domain.Notification{}
	for i := range n {
		uid, iid := mongo.NewID(), mongo.NewID()
		email := fmt.Sprintf("user%d@example.com", i)
		users = append(users, domain.User{ID: uid, Email: email, Role: domain.RoleInvestor})
		emails = append(emails, bson.M{"_id": email, "userId": uid})
		investors = append(investors, domain.Investor{ID: iid, OwnerID: uid, Version: 1, Name: fmt.Sprint("投资人", i)})
		owners = append(owners, bson.M{"_id": uid, "investorId": iid})
		s := domain.Startup{ID: mongo.NewID(), Name: fmt.Sprint("项目", i), OwnerID: uid, Version: 1, Status: domain.StatusPublished}
		startups = append(startups, s)
		tok := fmt.Sprintf("hash%06d", i)
		tokens = append(tokens, domain.RefreshToken{Hash: tok, UserID: uid, Family: "f" + tok, ExpiresAt: now.Add(time.Hour)})
		families = append(families, bson.M{"_id": "f" + tok, "userId": uid, "expiresAt": now.Add(time.Hour)})
		nu := fmt.Sprint("noteuser", i/20)
		note := domain.Notification{ID: mongo.NewID(), UserID: nu, Type: "match", Read: i%3 == 0, CreatedAt: now}
		notes = append(notes, note)
		logs[nu] = append(logs[nu], note)
		rs := fmt.Sprint("roadshow", i/100)
		events = append(events, domain.RoomEvent{ID: fmt.Sprintf("%s:%012d", rs, i%100+1), RoadshowID: rs, Seq: int64(i%100 + 1), Type: "chat", At: now})
		regs = append(regs, domain.Registration{ID: rs + ":" + uid, RoadshowID: rs, UserID: uid, At: now})
		if i == n/2 {
			f.email, f.owner, f.token, f.roadshow = email, uid, tok, rs
			f.startup = &s
		}
	}
	f.noteUser = fmt.Sprint("noteuser", n/40)
	f.since = logs[f.noteUser][4].ID
	for col, docs := range map[string][]any{"users": users, "user_emails": emails, "investors": investors, "investor_owners": owners,
		"startups": startups, "refresh_tokens": tokens, "refresh_families": families, "notifications": notes,
		"roadshow_events": events, "roadshow_registrations": regs} {
		insert(col, docs)
	}
	for u, ns := range logs {
		if err := db.WriteLog(ctx, u, ns); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.BuildListsAndBuckets(ctx); err != nil {
		b.Fatal(err)
	}
	return f
}
