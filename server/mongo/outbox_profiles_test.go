package mongo_test

import (
	"context"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// profileWrites writes an investor or a space through the store, the
// profiles whose change marks live in their own documents on the embedded
// engine as a startup's do.
type profileWrites struct {
	kind   domain.ChangeKind
	col    string
	create func(ctx context.Context, db *mongo.DB) (id string, err error)
	update func(ctx context.Context, db *mongo.DB, id string) error // an edit of the stored profile
	// writes counts the write commands a creation and an edit send, on
	// the embedded engine and on MongoDB.
	createWrites, updateWrites [2]int64
}

var profileKinds = []profileWrites{
	{domain.ChangeInvestor, "investors",
		func(ctx context.Context, db *mongo.DB) (string, error) {
			inv := &domain.Investor{Name: "王", OwnerID: mongo.NewID(), Kind: "angel"}
			err := db.CreateInvestor(ctx, inv)
			return inv.ID, err
		},
		func(ctx context.Context, db *mongo.DB, id string) error {
			inv, err := db.InvestorByID(ctx, id)
			if err != nil {
				return err
			}
			inv.Name += "一"
			return db.UpdateInvestor(ctx, inv, inv.Version)
		},
		// the owner key and the profile; MongoDB: the key, a mark, the profile, a mark
		[2]int64{2, 4}, [2]int64{1, 3}},
	{domain.ChangeSpace, "spaces",
		func(ctx context.Context, db *mongo.DB) (string, error) {
			s := &domain.Space{Name: "镜湖众创空间", OwnerID: mongo.NewID()}
			err := db.CreateSpace(ctx, s)
			return s.ID, err
		},
		func(ctx context.Context, db *mongo.DB, id string) error {
			s, err := db.SpaceByID(ctx, id)
			if err != nil {
				return err
			}
			s.Name += "一"
			return db.UpdateSpace(ctx, s, s.Version)
		},
		[2]int64{1, 3}, [2]int64{1, 3}},
}

// TestProfileMarksInDocument: an investor's and a space's change marks are
// written with the profile, in its document, in one write on the embedded
// engine (no outbox document; on MongoDB an outbox document before and
// after, as before). A mark is pending at once and after a start (read
// straight from SQLite, and through the driver), is not cleared by a
// dispatch that picked it before a newer edit, and once cleared is gone
// from the document with the profile's version left as it was.
func TestProfileMarksInDocument(t *testing.T) {
	for _, pk := range profileKinds {
		t.Run(string(pk.kind), func(t *testing.T) {
			paths(t, func(t *testing.T, db *mongo.DB) {
				ctx := context.Background()
				path := map[bool]int{true: 0, false: 1}[db.Embedded()]
				marks := func(id string) []domain.OutboxEntry {
					t.Helper()
					all, err := db.PendingOutbox(ctx, 0)
					if err != nil {
						t.Fatal(err)
					}
					var out []domain.OutboxEntry
					for _, m := range all {
						if m.DocID == id {
							out = append(out, m)
						}
					}
					return out
				}
				one := func(id, when string) domain.OutboxEntry {
					t.Helper()
					ms := marks(id)
					if len(ms) != 1 || ms[0].Kind != pk.kind {
						t.Fatalf("%s: marks %+v, want one %s mark", when, ms, pk.kind)
					}
					return ms[0]
				}
				afterStart := func(id, when string) domain.OutboxEntry {
					t.Helper()
					db.ForgetOutbox()
					restore := mongo.WithoutStringScan(db)
					viaDriver := one(id, when+", read through the driver as after a start")
					restore()
					db.ForgetOutbox()
					m := one(id, when+", read as after a start")
					if viaDriver.Version != m.Version {
						t.Fatalf("%s: the driver read version %d, the straight read %d", when, viaDriver.Version, m.Version)
					}
					return m
				}
				outboxDocs := func() int64 {
					t.Helper()
					n, err := db.Raw("search_outbox").CountDocuments(ctx, bson.D{})
					if err != nil {
						t.Fatal(err)
					}
					return n
				}
				stored := func(id string) bson.Raw {
					t.Helper()
					raw, err := db.Raw(pk.col).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
					if err != nil {
						t.Fatal(err)
					}
					return raw
				}

				w := db.Writes()
				id, err := pk.create(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if n := db.Writes() - w; n != pk.createWrites[path] {
					t.Fatalf("a creation sent %d writes, want %d (embedded %v)", n, pk.createWrites[path], db.Embedded())
				}
				if n := outboxDocs(); db.Embedded() && n != 0 || !db.Embedded() && n != 1 {
					t.Fatalf("a creation left %d outbox documents (embedded %v)", n, db.Embedded())
				}
				if err := db.DoneOutbox(ctx, afterStart(id, "created")); err != nil {
					t.Fatal(err)
				}
				if ms := marks(id); len(ms) != 0 {
					t.Fatalf("created and cleared, yet pending: %+v", ms)
				}

				w = db.Writes()
				if err := pk.update(ctx, db, id); err != nil {
					t.Fatal(err)
				}
				if n := db.Writes() - w; n != pk.updateWrites[path] {
					t.Fatalf("an edit sent %d writes, want %d (embedded %v)", n, pk.updateWrites[path], db.Embedded())
				}
				if n := outboxDocs(); db.Embedded() && n != 0 || !db.Embedded() && n != 1 {
					t.Fatalf("an edit left %d outbox documents (embedded %v)", n, db.Embedded())
				}
				if _, err := stored(id).LookupErr("changed"); (err == nil) != db.Embedded() {
					t.Fatalf("the document %v (embedded %v): a change mark only on the embedded engine", stored(id), db.Embedded())
				}
				one(id, "edited")
				picked := afterStart(id, "edited")
				if err := pk.update(ctx, db, id); err != nil {
					t.Fatal(err)
				}
				if err := db.DoneOutbox(ctx, picked); err != nil {
					t.Fatal(err)
				}
				m := one(id, "edited after the dispatch picked the mark")
				if db.Embedded() && m.Version != picked.Version+1 {
					t.Fatalf("the mark left marks version %d, want %d", m.Version, picked.Version+1)
				}
				m = afterStart(id, "edited after the dispatch picked the mark")
				if err := db.DoneOutbox(ctx, m); err != nil {
					t.Fatal(err)
				}
				if ms := marks(id); len(ms) != 0 {
					t.Fatalf("cleared, yet pending: %+v", ms)
				}
				db.ForgetOutbox()
				if ms := marks(id); len(ms) != 0 {
					t.Fatalf("cleared, yet found again after a start: %+v", ms)
				}
				raw := stored(id)
				if _, err := raw.LookupErr("changed"); err == nil {
					t.Fatalf("the mark is still in the document after clearing: %v", raw)
				}
				if v := raw.Lookup("version").AsInt64(); v != 3 {
					t.Fatalf("version %d after clearing, want 3", v)
				}
				if n := outboxDocs(); n != 0 {
					t.Fatalf("%d outbox documents left after clearing", n)
				}
			})
		})
	}
}

// TestProfileMarksOfTheLastRelease: a profile's mark as the release
// before marks in documents left it (an outbox document, after a crash
// before its dispatch) is pending after a start, stands beside the mark
// an edit then writes into the document, and clearing that one clears
// both.
func TestProfileMarksOfTheLastRelease(t *testing.T) {
	for _, pk := range profileKinds {
		t.Run(string(pk.kind), func(t *testing.T) {
			db := mongotest.Open(t)
			ctx := context.Background()
			db.SetEmbedded(false) // writes as the last release did: an outbox document and a plain profile
			id, err := pk.create(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			db.SetEmbedded(true)
			db.ForgetOutbox()
			all, err := db.PendingOutbox(ctx, 0)
			if err != nil || len(all) != 1 || all[0].DocID != id {
				t.Fatalf("after a start: %+v, %v; want the outbox document's mark", all, err)
			}
			if err := pk.update(ctx, db, id); err != nil {
				t.Fatal(err)
			}
			all, _ = db.PendingOutbox(ctx, 0)
			if len(all) != 1 || all[0].Version != 2 {
				t.Fatalf("after an edit: %+v; want one mark, in the document, of version 2", all)
			}
			if err := db.DoneOutbox(ctx, all[0]); err != nil {
				t.Fatal(err)
			}
			db.ForgetOutbox()
			if all, _ := db.PendingOutbox(ctx, 0); len(all) != 0 {
				t.Fatalf("cleared, yet pending after a start: %+v", all)
			}
			if n, err := db.Raw("search_outbox").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
				t.Fatalf("%d outbox documents left (%v)", n, err)
			}
		})
	}
}
