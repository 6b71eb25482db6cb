package mongo

import (
	"context"
	"fmt"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colLists holds the lists that make "all X of Y" a read by _id instead of
// a filter on a field: {_id: kind:owner, ids: [...]}, such as the
// registrants of a roadshow or the intros of a user. The documents the ids
// name stay where they were, each under its own _id.
//
// An id is added to its list before its document is written and removed
// after its document is deleted, so a crash in between leaves an id whose
// document is missing, which readers skip; never a document no list finds.
const colLists = "id_lists"

// List kinds.
const (
	listRegistrants = "registrants" // roadshow → user ids
	listAttendees   = "attendees"   // roadshow → user ids
	listInterest    = "feedback"    // startup → investor user ids with feedback
	listDeckViews   = "deckviews"   // startup → deck view ids, oldest first
	listIntros      = "intros"      // user (founder or investor) → intro ids
	listPipeline    = "pipeline"    // investor user → startup ids
	listOwnStartups = "startups"    // founder → startup ids, drafts too
	listSpaceShows  = "roadshows"   // space → roadshow ids
	listScheduled   = "scheduled"   // "all" → ids of roadshows that may still be scheduled
)

// pageOf returns page p of items and their number.
func pageOf[T any](items []T, p domain.Page) ([]T, int) {
	lo := min(p.Skip(), len(items))
	hi := min(lo+p.PageSize, len(items))
	return append([]T{}, items[lo:hi]...), len(items)
}

type idList struct {
	ID  string   `bson:"_id"`
	IDs []string `bson:"ids"`
}

func listID(kind, owner string) string { return kind + ":" + owner }

// listAdd adds id to a list once; $addToSet is atomic on MongoDB, and on
// the embedded engine a single-document update by _id.
func (d *DB) listAdd(ctx context.Context, kind, owner, id string) error {
	_, err := upsertUpdate(ctx, d.db.Collection(colLists), byID(listID(kind, owner)),
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: id}}}})
	return mapErr("add to "+kind, err)
}

// listRemove removes id from a list.
func (d *DB) listRemove(ctx context.Context, kind, owner, id string) error {
	_, err := d.db.Collection(colLists).UpdateOne(ctx, byID(listID(kind, owner)),
		bson.D{{Key: "$pull", Value: bson.D{{Key: "ids", Value: id}}}})
	return mapErr("remove from "+kind, err)
}

// list returns a list's ids in the order they were added.
func (d *DB) list(ctx context.Context, kind, owner string) ([]string, error) {
	var l idList
	_, err := d.findByID(ctx, kind, colLists, listID(kind, owner), &l)
	return l.IDs, err
}

// byIDs reads the documents with ids from col, four at a time, in the order
// of ids, skipping ids whose document is missing.
func byIDs[T any](ctx context.Context, d *DB, col string, ids []string) ([]T, error) {
	got := make([]*T, len(ids))
	err := parallel(ctx, 4, len(ids), func(i int) error {
		var v T
		err := mapErr("read "+col, d.db.Collection(col).FindOne(ctx, byID(ids[i])).Decode(&v))
		if domain.IsKind(err, domain.KindNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		got[i] = &v
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ids))
	for _, v := range got {
		if v != nil {
			out = append(out, *v)
		}
	}
	return out, nil
}

// migrateLists builds every list from version 3's collections. $addToSet
// makes a re-run add nothing twice.
func migrateLists(ctx context.Context, d *DB) error {
	add := func(kind, owner, id string) error { return d.listAdd(ctx, kind, owner, id) }
	steps := []func() error{
		func() error {
			return each(ctx, d, colRegistrations, bson.D{}, func(r domain.Registration) error {
				return add(listRegistrants, r.RoadshowID, r.UserID)
			})
		},
		func() error {
			return each(ctx, d, colAttendance, bson.D{}, func(a domain.Attendance) error {
				return add(listAttendees, a.RoadshowID, a.UserID)
			})
		},
		func() error {
			return each(ctx, d, colFeedback, bson.D{}, func(f domain.Feedback) error {
				return add(listInterest, f.StartupID, f.InvestorID)
			})
		},
		func() error {
			var views []domain.DeckView
			if err := each(ctx, d, colDeckViews, bson.D{}, func(v domain.DeckView) error {
				views = append(views, v)
				return nil
			}); err != nil {
				return err
			}
			sortByID(views, func(v domain.DeckView) string { return v.ID })
			for _, v := range views {
				if err := add(listDeckViews, v.StartupID, v.ID); err != nil {
					return err
				}
			}
			return nil
		},
		func() error {
			return each(ctx, d, colIntros, bson.D{}, func(i domain.Intro) error {
				if err := add(listIntros, i.FounderID, i.ID); err != nil {
					return err
				}
				return add(listIntros, i.InvestorUserID, i.ID)
			})
		},
		func() error {
			return each(ctx, d, colPipeline, bson.D{}, func(it domain.PipelineItem) error {
				return add(listPipeline, it.InvestorID, it.StartupID)
			})
		},
	}
	for i, s := range steps {
		if err := s(); err != nil {
			return fmt.Errorf("list %d: %w", i, err)
		}
	}
	return nil
}

// migrateOwnerLists builds the lists of schema 5: each founder's startups,
// each space's roadshows and the roadshows still scheduled.
func migrateOwnerLists(ctx context.Context, d *DB) error {
	if err := each(ctx, d, colStartups, bson.D{}, func(s domain.Startup) error {
		return d.listAdd(ctx, listOwnStartups, s.OwnerID, s.ID)
	}); err != nil {
		return err
	}
	return each(ctx, d, colRoadshows, bson.D{}, func(r domain.Roadshow) error {
		return d.listRoadshow(ctx, &r)
	})
}
