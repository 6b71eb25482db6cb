package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestConcurrentDeckGrantsAllLand: eight grants of one deck at once are
// all kept, on both paths.
func TestConcurrentDeckGrantsAllLand(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		if err := db.SaveDeck(ctx, &domain.Deck{StartupID: "s1", FileID: "f", Grants: []string{}}); err != nil {
			t.Fatal(err)
		}
		errs := race(8, func(i int) error {
			_, err := db.UpdateDeck(ctx, "s1", func(dk *domain.Deck) (bool, error) {
				dk.Grants = append(dk.Grants, fmt.Sprint("inv", i))
				return true, nil
			})
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Fatalf("grant %d: %v", i, err)
			}
		}
		dk, err := db.DeckOf(ctx, "s1")
		if err != nil || len(dk.Grants) != 8 {
			t.Fatalf("stored %+v, %v; want 8 grants", dk, err)
		}
		if _, err := db.UpdateDeck(ctx, "none", func(*domain.Deck) (bool, error) { return true, nil }); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("a missing deck: %v", err)
		}
	})
}

// TestDeckUpdateAfterAnotherProcess: on the MongoDB path a write by another
// process between the read and the write (simulated by writing the raw
// document from inside the change, past this process's lock) makes the
// change start again from that process's document, so neither is lost;
// documents written before revisions existed take part too.
func TestDeckUpdateAfterAnotherProcess(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		if db.Embedded() {
			t.Skip("the embedded engine has one process: its lock is the guarantee (TestConcurrentDeckGrantsAllLand)")
		}
		ctx := context.Background()
		// A deck record as the release before revisions wrote it: no rev.
		if _, err := db.Raw("decks").InsertOne(ctx, bson.D{{Key: "_id", Value: "s2"}, {Key: "fileId", Value: "f"}, {Key: "grants", Value: bson.A{}}}); err != nil {
			t.Fatal(err)
		}
		calls := 0
		other := func(grant string) {
			_, err := db.Raw("decks").UpdateOne(ctx, bson.D{{Key: "_id", Value: "s2"}},
				bson.D{{Key: "$push", Value: bson.D{{Key: "grants", Value: grant}}}, {Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		dk, err := db.UpdateDeck(ctx, "s2", func(dk *domain.Deck) (bool, error) {
			calls++
			if calls <= 2 { // the other process writes twice: from no rev, then from rev 1
				other(fmt.Sprint("other", calls))
			}
			dk.Grants = append(dk.Grants, "mine")
			return true, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 3 {
			t.Fatalf("the change ran %d times, want 3 (two writes by the other process in between)", calls)
		}
		got, err := db.DeckOf(ctx, "s2")
		if err != nil || !slices.Equal(got.Grants, []string{"other1", "other2", "mine"}) || !slices.Equal(dk.Grants, got.Grants) {
			t.Fatalf("stored %+v (%v), returned %+v", got, err, dk)
		}
		// The view of a deck: a beacon's change after another process's.
		v := &domain.DeckView{StartupID: "s2", ViewerID: "u", Pages: map[string]float64{}}
		if err := db.AddDeckView(ctx, v); err != nil {
			t.Fatal(err)
		}
		first := true
		err = db.UpdateDeckView(ctx, v.ID, func(v *domain.DeckView) error {
			if first {
				first = false
				if _, err := db.Raw("deck_views").UpdateOne(ctx, bson.D{{Key: "_id", Value: v.ID}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "pages.1", Value: 5.0}, {Key: "rev", Value: 1}}}}); err != nil {
					t.Fatal(err)
				}
			}
			v.Pages["2"] += 7
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		gotV, err := db.DeckViewByID(ctx, v.ID)
		if err != nil || gotV.Pages["1"] != 5 || gotV.Pages["2"] != 7 {
			t.Fatalf("view %+v, %v: want both reports", gotV, err)
		}
	})
}
