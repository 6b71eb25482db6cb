package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestOutbox pins that every profile write leaves a mark before it, that a
// newer mark survives clearing an older one, and the limit shape, on both
// paths: the embedded engine's answers from memory must be the
// collection's (checked after every step), and the MongoDB path reads the
// collection.
func TestOutbox(t *testing.T) {
	for _, embedded := range []bool{true, false} {
		t.Run(fmt.Sprint("embedded=", embedded), func(t *testing.T) {
			db := mongotest.Open(t)
			db.SetEmbedded(embedded)
			testOutbox(t, db)
		})
	}
}

// TestOutboxLeftByACrash: marks a previous process left in the collection
// are pending in the next, on the embedded engine too, whose first pass
// reads the collection.
func TestOutboxLeftByACrash(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if _, err := db.Raw("search_outbox").InsertOne(ctx, domain.OutboxEntry{ID: "space:left", Kind: "space", DocID: "left", Seq: 1, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkChange(ctx, domain.OutboxEntry{Kind: domain.ChangeStartup, DocID: "new"}); err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingOutbox(ctx, 0)
	if err != nil || len(pending) != 2 || pending[0].ID != "space:left" {
		t.Fatalf("pending %+v, %v; want the mark left behind, then the new one", pending, err)
	}
	if err := db.DoneOutbox(ctx, pending[0]); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Raw("search_outbox").CountDocuments(ctx, bson.D{}); err != nil || n != 1 {
		t.Fatalf("stored marks after clearing one: %d %v", n, err)
	}
}

func testOutbox(t *testing.T, db *mongo.DB) {
	ctx := context.Background()
	sameAsStored := func() {
		t.Helper()
		mem, err := db.PendingOutbox(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var stored []domain.OutboxEntry
		cur, err := db.Raw("search_outbox").Find(ctx, bson.D{})
		if err == nil {
			err = cur.All(ctx, &stored)
		}
		if err != nil {
			t.Fatal(err)
		}
		// On the embedded engine an edit's mark is in the profile's
		// document (outbox_doc.go): it stands for the mark of the same
		// change in the collection, if any, and has the sequence number
		// memory gave it.
		inDoc := map[string]bool{}
		for col, kind := range map[string]string{"startups": "startup", "investors": "investor", "spaces": "space"} {
			var docs []bson.M
			cur, err = db.Raw(col).Find(ctx, bson.D{{Key: "changed", Value: bson.D{{Key: "$gt", Value: 0}}}})
			if err == nil {
				err = cur.All(ctx, &docs)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range docs {
				inDoc[kind+":"+d["_id"].(string)] = true
			}
		}
		for id := range inDoc {
			i := slices.IndexFunc(mem, func(e domain.OutboxEntry) bool { return e.ID == id })
			if i < 0 {
				t.Fatalf("the mark in %s's document is not pending", id)
			}
			stored = slices.DeleteFunc(stored, func(o domain.OutboxEntry) bool { return o.ID == id })
			stored = append(stored, mem[i])
		}
		key := func(es []domain.OutboxEntry) string {
			var ks []string
			for _, e := range es {
				ks = append(ks, fmt.Sprint(e.ID, e.Seq))
			}
			slices.Sort(ks)
			return fmt.Sprint(ks)
		}
		if key(mem) != key(stored) || len(inDoc) > 0 && !db.Embedded() {
			t.Fatalf("pending marks %s, stored %s (in documents: %v)", key(mem), key(stored), inDoc)
		}
	}
	defer sameAsStored()
	s := &domain.Startup{Name: "a"}
	if err := db.CreateStartup(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateInvestor(ctx, &domain.Investor{Name: "i", OwnerID: "o"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSpace(ctx, &domain.Space{Name: "s"}); err != nil {
		t.Fatal(err)
	}
	pending, err := db.PendingOutbox(ctx, 10)
	if err != nil || len(pending) != 3 {
		t.Fatalf("pending %v, %v", pending, err)
	}
	var first domain.OutboxEntry
	for _, e := range pending {
		if e.Kind == "startup" {
			first = e
		}
	}
	if first.DocID != s.ID {
		t.Fatalf("startup mark %+v", first)
	}
	// An edit after the indexer read the mark leaves a newer mark behind.
	s.Name = "b"
	if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
		t.Fatal(err)
	}
	if err := db.DoneOutbox(ctx, first); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.CountOutbox(ctx); n != 3 {
		t.Fatalf("clearing a stale mark removed the newer one: %d left", n)
	}
	sameAsStored()
	pending, _ = db.PendingOutbox(ctx, 2)
	if len(pending) != 2 {
		t.Fatalf("limit: %d", len(pending))
	}
	for _, e := range pending {
		if err := db.DoneOutbox(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := db.CountOutbox(ctx); n != 1 {
		t.Fatalf("%d marks left, want 1", n)
	}
	sameAsStored()
	if err := db.DeleteStartup(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	pending, _ = db.PendingOutbox(ctx, 10)
	found := false
	for _, e := range pending {
		found = found || e.DocID == s.ID
	}
	if !found {
		t.Fatal("delete left no mark")
	}
}
