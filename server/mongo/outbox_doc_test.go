package mongo_test

import (
	"context"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestAlertMarkInDocument: a publish's match-alert mark is written with the
// startup in one write on the embedded engine (no outbox document; on
// MongoDB an outbox document first); it is pending at once, survives an
// edit made before the dispatch and a start that reads the marks again
// (found in the startup's document), and once cleared it is gone for good,
// with the startup's version left as it was.
func TestAlertMarkInDocument(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		s := &domain.Startup{Name: "越芯", OwnerID: "o", Status: domain.StatusDraft}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		alerts := func(when string) []domain.OutboxEntry {
			t.Helper()
			marks, err := db.PendingOutbox(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []domain.OutboxEntry
			for _, m := range marks {
				if m.Kind == domain.ChangeMatchAlert {
					out = append(out, m)
				}
			}
			return out
		}
		stored := func() int64 {
			n, err := db.Raw("search_outbox").CountDocuments(ctx, bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := stored()
		s.Status = domain.StatusPublished
		if err := db.UpdateAnnouncedStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		announced := s.Version
		if n := stored() - before; db.Embedded() && n != 0 || !db.Embedded() && n != 1 {
			t.Fatalf("a publish wrote %d outbox documents (embedded %v)", n, db.Embedded())
		}
		want := func(when string) domain.OutboxEntry {
			t.Helper()
			as := alerts(when)
			if len(as) != 1 || as[0].DocID != s.ID || as[0].Version != announced {
				t.Fatalf("%s: alert marks %+v, want one for %s version %d", when, as, s.ID, announced)
			}
			return as[0]
		}
		want("published")
		s.Name = "越芯半导体"
		if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		want("edited before the dispatch")
		db.ForgetOutbox()
		m := want("read again, as after a start")
		if err := db.DoneOutbox(ctx, m); err != nil {
			t.Fatal(err)
		}
		if as := alerts("cleared"); len(as) != 0 {
			t.Fatalf("cleared, yet pending: %+v", as)
		}
		db.ForgetOutbox()
		if as := alerts("cleared, read again"); len(as) != 0 {
			t.Fatalf("cleared, yet found again: %+v", as)
		}
		got, err := db.StartupByID(ctx, s.ID)
		if err != nil || got.Version != s.Version || got.Name != "越芯半导体" || got.Status != domain.StatusPublished {
			t.Fatalf("stored after clearing %+v, %v; want version %d", got, err, s.Version)
		}
		// An edit after the clearing does not bring the mark back.
		s.Name = "越芯"
		if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		db.ForgetOutbox()
		if as := alerts("edited after clearing"); len(as) != 0 {
			t.Fatalf("an edit after clearing brought the mark back: %+v", as)
		}
		// A startup deleted before its alert went out: clearing the mark
		// finds nothing to unset and is done.
		if err := db.UpdateAnnouncedStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		announced = s.Version
		m = want("published again")
		if err := db.DeleteStartup(ctx, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DoneOutbox(ctx, m); err != nil {
			t.Fatalf("clearing the mark of a deleted startup: %v", err)
		}
		if as := alerts("deleted and cleared"); len(as) != 0 {
			t.Fatalf("deleted and cleared, yet pending: %+v", as)
		}
	})
}

// TestChangeMarkInDocument: an edit's change mark (for the read model and
// the search index) is written with the startup in one write on the
// embedded engine (no outbox document; on MongoDB an outbox document
// first). It is pending at once and after a start, survives a second edit,
// is not cleared by a dispatch that picked it before a newer edit, and
// once cleared is gone for good, with the outbox document of the
// startup's creation, written before the document could hold a mark.
func TestChangeMarkInDocument(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		changes := func(id string) []domain.OutboxEntry {
			t.Helper()
			marks, err := db.PendingOutbox(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []domain.OutboxEntry
			for _, m := range marks {
				if m.Kind == domain.ChangeStartup && m.DocID == id {
					out = append(out, m)
				}
			}
			return out
		}
		one := func(id, when string) domain.OutboxEntry {
			t.Helper()
			ms := changes(id)
			if len(ms) != 1 {
				t.Fatalf("%s: change marks %+v, want one for %s", when, ms, id)
			}
			return ms[0]
		}
		none := func(id, when string) {
			t.Helper()
			if ms := changes(id); len(ms) != 0 {
				t.Fatalf("%s: change marks %+v, want none", when, ms)
			}
			db.ForgetOutbox()
			if ms := changes(id); len(ms) != 0 {
				t.Fatalf("%s, read again as after a start: change marks %+v, want none", when, ms)
			}
		}
		outboxDocs := func() int64 {
			t.Helper()
			n, err := db.Raw("search_outbox").CountDocuments(ctx, bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		s := &domain.Startup{Name: "越芯", OwnerID: "o", Status: domain.StatusDraft}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		// Created, then edited before any dispatch: one mark stands for
		// both, and clearing it clears the creation's outbox document too.
		s.Name = "越芯微电子"
		if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		if err := db.DoneOutbox(ctx, one(s.ID, "created and edited")); err != nil {
			t.Fatal(err)
		}
		none(s.ID, "created, edited and cleared")
		if n := outboxDocs(); n != 0 {
			t.Fatalf("%d outbox documents left after clearing", n)
		}

		s.Name = "越芯半导体"
		if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		if n := outboxDocs(); db.Embedded() && n != 0 || !db.Embedded() && n != 1 {
			t.Fatalf("an edit wrote %d outbox documents (embedded %v)", n, db.Embedded())
		}
		one(s.ID, "edited")
		db.ForgetOutbox()
		picked := one(s.ID, "read again, as after a start")
		s.Stage = "angel"
		if err := db.UpdateStartup(ctx, s, s.Version); err != nil {
			t.Fatal(err)
		}
		if err := db.DoneOutbox(ctx, picked); err != nil {
			t.Fatal(err)
		}
		m := one(s.ID, "edited after the dispatch picked the mark")
		db.ForgetOutbox()
		m = one(s.ID, "edited after the dispatch picked the mark, read again")
		if err := db.DoneOutbox(ctx, m); err != nil {
			t.Fatal(err)
		}
		none(s.ID, "cleared")
		got, err := db.StartupByID(ctx, s.ID)
		if err != nil || got.Version != s.Version || got.Name != "越芯半导体" || got.Stage != "angel" {
			t.Fatalf("stored after clearing %+v, %v; want version %d", got, err, s.Version)
		}
		raw, err := db.Raw("startups").FindOne(ctx, bson.D{{Key: "_id", Value: s.ID}}).Raw()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.LookupErr("changed"); err == nil {
			t.Fatalf("the mark is still in the document after clearing: %v", raw)
		}
	})
}
