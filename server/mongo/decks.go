package mongo

import (
	"bytes"
	"context"
	"io"
	"slices"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	colDecks     = "decks"
	colDeckViews = "deck_views"
)

// SaveDeckFile stores a deck's bytes in GridFS and returns the file id.
func (d *DB) SaveDeckFile(ctx context.Context, name string, data []byte) (string, error) {
	id, err := d.db.GridFSBucket().UploadFromStream(ctx, name, bytes.NewReader(data))
	if err != nil {
		return "", mapErr("save deck file", err)
	}
	return id.Hex(), nil
}

// DeckFile returns a stored deck's bytes.
func (d *DB) DeckFile(ctx context.Context, fileID string) ([]byte, error) {
	oid, err := bson.ObjectIDFromHex(fileID)
	if err != nil {
		return nil, domain.ErrNotFound
	}
	s, err := d.db.GridFSBucket().OpenDownloadStream(ctx, oid)
	if err != nil {
		return nil, mapErr("open deck file", err)
	}
	defer s.Close()
	b, err := io.ReadAll(s)
	return b, mapErr("read deck file", err)
}

// DeleteDeckFile removes a stored deck file.
func (d *DB) DeleteDeckFile(ctx context.Context, fileID string) error {
	oid, err := bson.ObjectIDFromHex(fileID)
	if err != nil {
		return nil
	}
	return mapErr("delete deck file", d.db.GridFSBucket().Delete(ctx, oid))
}

// SaveDeck stores a deck's record.
func (d *DB) SaveDeck(ctx context.Context, dk *domain.Deck) error {
	_, err := d.db.Collection(colDecks).ReplaceOne(ctx, bson.D{{Key: "_id", Value: dk.StartupID}}, dk, options.Replace().SetUpsert(true))
	return mapErr("save deck", err)
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

// SaveDeckView stores a view with its page times.
func (d *DB) SaveDeckView(ctx context.Context, v *domain.DeckView) error {
	_, err := d.db.Collection(colDeckViews).ReplaceOne(ctx, bson.D{{Key: "_id", Value: v.ID}}, v)
	return mapErr("save deck view", err)
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
