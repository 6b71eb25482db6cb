package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// SchemaVersion is the version of the stored shapes this binary reads and
// writes. Version 1 is the shape written by every release up to and
// including commit b1acd2e, which kept no version record: a database with
// no record holds version 1. Each later shape change bumps this number and
// adds a migration step that upgrades the stored data to it (migrate.go):
//
//  2. keys by _id: user_emails, investor_owners; refresh sessions
//     (refresh_families, refresh_users, refresh_expiry).
//  3. notifications as per-user logs in buckets (notification_heads,
//     notification_buckets).
//  4. per-owner lists (id_lists: registrants, attendees, feedback per
//     startup, deck views, intros, pipeline) and room events in buckets
//     (roadshow_event_buckets).
//  5. lists of each founder's startups, each space's roadshows and the
//     scheduled roadshows (id_lists).
//  6. fan-outs' notification drops (notification_drops, the heads' drops
//     number) and ended rooms' folded records (roadshow_records): new
//     collections that start empty (a head without drops has none waiting;
//     a room without a record folds on its first read), so nothing is
//     converted; an older release, which would not read the drops, refuses
//     the data.
//  7. ended rooms' folded records in the room log's compact form
//     (roadshow.EncodeLog in roadshow_records' log, instead of BSON events):
//     each record rewritten; version 6 could not read them.
//  8. notification buckets packed (notification_pages: each bucket's items
//     one binary value) instead of arrays of documents
//     (notification_buckets, dropped).
//  9. what each ended room's record shows (roadshow_settled: the room's
//     log folded, roadshow.EncodeSettled) stored beside its log, so that a
//     room's first read folds nothing: made from each folded log; version 8
//     would not keep it up to date.
//  10. the users' session lists (refresh_users) dropped: signing out
//     everywhere is the account's session version.
//  11. a session works unless its family has a revocation mark
//     (refresh_revoked), instead of while its family document exists
//     (refresh_families, dropped): a sign-in writes its token alone. The
//     sessions earlier releases ended by deleting the family document
//     alone are marked first; version 10 would take every session of
//     version 11 for an ended one.
//  12. deck files as a file document and chunks read by _id (deck_files,
//     deck_chunks) instead of GridFS (fs.files, fs.chunks, dropped), whose
//     reads the embedded engine answered by decoding every chunk.
const SchemaVersion = 12

// colMeta holds the database's own facts, one document per fact.
const colMeta = "meta"

// schemaDocID is the _id of the schema version record in colMeta.
const schemaDocID = "schema"

type schemaDoc struct {
	ID      string `bson:"_id"`
	Version int    `bson:"version"`
}

// StoredSchemaVersion returns the version of the shapes the database holds:
// the recorded one, or 1 when nothing is recorded (data written before
// versioning, or an empty database).
func (d *DB) StoredSchemaVersion(ctx context.Context) (int, error) {
	var doc schemaDoc
	err := d.db.Collection(colMeta).FindOne(ctx, bson.D{{Key: "_id", Value: schemaDocID}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("mongo: read schema version: %w", err)
	}
	return doc.Version, nil
}

// SetStoredSchemaVersion records v as the version of the stored shapes.
func (d *DB) SetStoredSchemaVersion(ctx context.Context, v int) error {
	_, err := d.db.Collection(colMeta).ReplaceOne(ctx, bson.D{{Key: "_id", Value: schemaDocID}},
		schemaDoc{ID: schemaDocID, Version: v}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("mongo: record schema version: %w", err)
	}
	return nil
}
