package mongo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Facts are what a backup records about a database and a restore checks:
// the version of its stored shapes and how many documents each collection
// holds (deck_files and deck_chunks included, which hold the decks).
type Facts struct {
	SchemaVersion int              `json:"schemaVersion"`
	Counts        map[string]int64 `json:"counts"`
}

// Inspect reads the facts of database name at uri. Unlike Open it changes
// nothing: no collection or index is created, so inspecting a snapshot
// leaves it as it was taken.
func Inspect(ctx context.Context, uri, name string) (Facts, error) {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(10 * time.Second).SetTimeout(5 * time.Minute))
	if err != nil {
		return Facts{}, fmt.Errorf("mongo: connect: %w", err)
	}
	defer func() { _ = client.Disconnect(context.Background()) }()
	d := &DB{client: client, db: client.Database(name)}
	names, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return Facts{}, fmt.Errorf("mongo: list collections: %w", err)
	}
	sort.Strings(names)
	f := Facts{Counts: make(map[string]int64, len(names))}
	for _, c := range names {
		n, err := d.db.Collection(c).CountDocuments(ctx, bson.D{})
		if err != nil {
			return Facts{}, fmt.Errorf("mongo: count %s: %w", c, err)
		}
		f.Counts[c] = n
	}
	if f.SchemaVersion, err = d.StoredSchemaVersion(ctx); err != nil {
		return Facts{}, err
	}
	return f, nil
}
