package mongo

import (
	"context"
	"slices"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	colDecks     = "decks"
	colDeckViews = "deck_views"
)

// SaveDeck stores a deck's record.
func (d *DB) SaveDeck(ctx context.Context, dk *domain.Deck) error {
	defer d.locks.lock(colDecks + dk.StartupID)()
	_, err := d.db.Collection(colDecks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: dk.StartupID}}, dk, options.Replace().SetUpsert(true))
	return mapErr("save deck", err)
}

// UpdateDeck changes a startup's deck record with change, which sees the
// stored record and reports whether it changed it; nothing is written if
// not. Requests and grants are read-modify-writes of one document: two
// investors asking at once must both be kept (updateByID says how, on
// each engine).
func (d *DB) UpdateDeck(ctx context.Context, startupID string, change func(*domain.Deck) (bool, error)) (*domain.Deck, error) {
	return updateByID(ctx, d, colDecks, "update deck", startupID, change)
}

// DeckOf returns a startup's deck record.
func (d *DB) DeckOf(ctx context.Context, startupID string) (*domain.Deck, error) {
	var dk domain.Deck
	if err := d.db.Collection(colDecks).FindOne(ctx, bson.D{{Key: "_id", Value: startupID}}).Decode(&dk); err != nil {
		return nil, mapErr("deck", err)
	}
	return &dk, nil
}

// AddDeckView logs a look at a deck, assigning its id.
func (d *DB) AddDeckView(ctx context.Context, v *domain.DeckView) error {
	v.ID = NewID()
	if err := d.listAdd(ctx, listDeckViews, v.StartupID, v.ID); err != nil {
		return err
	}
	_, err := d.db.Collection(colDeckViews).InsertOne(ctx, v)
	return mapErr("add deck view", err)
}

// DeckViewByID returns a logged view.
func (d *DB) DeckViewByID(ctx context.Context, id string) (*domain.DeckView, error) {
	var v domain.DeckView
	if err := d.db.Collection(colDeckViews).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&v); err != nil {
		return nil, mapErr("deck view", err)
	}
	return &v, nil
}

// UpdateDeckView changes a logged view with change: a reader's reports (a
// beacon as the tab hides, another as it closes) may arrive together, and
// both must count (updateByID).
func (d *DB) UpdateDeckView(ctx context.Context, id string, change func(*domain.DeckView) error) error {
	_, err := updateByID(ctx, d, colDeckViews, "save deck view", id, func(v *domain.DeckView) (bool, error) {
		return true, change(v)
	})
	return err
}

// DeckViewsOf returns the views of a startup's deck, newest first: the
// startup's list of views, then each view by _id.
func (d *DB) DeckViewsOf(ctx context.Context, startupID string) ([]domain.DeckView, error) {
	ids, err := d.list(ctx, listDeckViews, startupID)
	if err != nil {
		return nil, err
	}
	slices.Reverse(ids)
	return byIDs[domain.DeckView](ctx, d, colDeckViews, ids)
}

// LogRoomDeckView counts one read of a deck in a roadshow room into the
// view v.ID, creating it on the first read: one record per viewer and room
// rather than one per page turn. Every filter is the _id alone, so FerretDB
// finds it through its index; a new view joins the startup's list first,
// as AddDeckView's do.
func (d *DB) LogRoomDeckView(ctx context.Context, v *domain.DeckView) error {
	if _, err := d.DeckViewByID(ctx, v.ID); domain.IsKind(err, domain.KindNotFound) {
		if err := d.listAdd(ctx, listDeckViews, v.StartupID, v.ID); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	_, err := d.db.Collection(colDeckViews).UpdateOne(ctx, bson.D{{Key: "_id", Value: v.ID}}, bson.D{
		{Key: "$setOnInsert", Value: bson.D{{Key: "startupId", Value: v.StartupID}, {Key: "viewerId", Value: v.ViewerID},
			{Key: "name", Value: v.Name}, {Key: "at", Value: v.At}, {Key: "pages", Value: bson.D{}}, {Key: "roadshowId", Value: v.RoadshowID}}},
		{Key: "$inc", Value: bson.D{{Key: "reads", Value: 1}}},
		{Key: "$max", Value: bson.D{{Key: "upToPage", Value: v.UpToPage}}},
	}, options.UpdateOne().SetUpsert(true))
	return mapErr("log room deck view", err)
}
