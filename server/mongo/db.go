// Package mongo stores the platform's data in MongoDB through the official v2
// driver. It is the only package that imports the driver; it speaks domain
// types to its callers and maps driver errors to domain errors.
//
// Every query shape here must also work on the embedded FerretDB (SQLite), so
// queries stay simple: equality and range filters, sorts, skip/limit, counts,
// single-document updates. docs/STORAGE.md lists the subset and its tests.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
)

// Collection names.
const (
	colUsers     = "users"
	colRefresh   = "refresh_tokens"
	colStartups  = "startups"
	colInvestors = "investors"
	colSpaces    = "spaces"
)

// Embedded reports whether d is the in-process FerretDB, which only this
// process writes (so what it wrote, it knows).
func (d *DB) Embedded() bool { return d.embedded }

// DB is a connection to one database. It is safe for concurrent use.
type DB struct {
	client *mongo.Client
	db     *mongo.Database
	// embedded says the database is the in-process FerretDB, which serves
	// only this process and whose conditional writes are not atomic: there,
	// conditional writes are read-compare-write under locks with filters
	// that are exactly {_id}; on a real MongoDB they keep the conditional
	// filter, which the server applies atomically across processes.
	embedded bool
	locks    stripedLocks
	// outboxSeq makes every search outbox mark distinct, so that clearing a
	// mark that a newer edit has replaced does nothing.
	outboxSeq atomic.Int64
	// fanOut serialises fan-outs, and drops keeps appends to users' logs
	// (shared) apart from a fan-out numbering and inserting its drops
	// (exclusive): notedrops.go.
	fanOut  sync.Mutex
	dropsMu sync.RWMutex
	hints   dropHints
	// dropProbes counts the reads of drops not hinted (tests).
	dropProbes atomic.Int64
	sweep      *sweeper
	absorber   *absorber
	fg         foreground                          // background writes wait for a quiet moment (gate.go)
	outbox     outboxMemo                          // the embedded engine's outbox in memory (outbox.go)
	book       accountBook                         // accounts' display names and session versions in memory (names.go)
	settings   settingsMemo                        // users' notification delivery settings in memory (notify_settings.go)
	scan       StringScan                          // start-up scans straight from the embedded engine's storage, if set
	readBinary BinaryRead                          // settled room records straight from the embedded engine's storage, if set (records.go)
	readDoc    DocumentRead                        // hot reads by _id straight from the embedded engine's storage, if set (notes_straight.go)
	readDocs   DocumentsRead                       // many of them in one read (notes_straight.go)
	scanDocs   DocumentScan                        // start-up loads of whole collections straight from the embedded engine's storage, if set (loadscan.go)
	startDrops atomic.Pointer[map[string][]string] // the drops' ids by user as Warm found them, for SweepDeadDrops (notedrops.go)
	history    historyMemo                         // the daily snapshots in memory (stats.go)
	expiry     expiryIndex                         // what the token sweep deletes when, in memory (tokens_sweep.go)
	scans      atomic.Pointer[func(Scan)]          // told of each scan on the embedded engine (scanwatch.go)
}

// Open connects to uri and uses database name. Writes wait for the journal
// (and a majority on a replica set) so that "saved" means saved. embedded
// says uri is the embedded FerretDB that this process started and alone
// uses (see DB.embedded).
func Open(ctx context.Context, uri, name string, embedded bool) (*DB, error) {
	opts := options.Client().ApplyURI(uri).
		SetWriteConcern(writeconcern.Majority()).
		SetServerSelectionTimeout(10 * time.Second).
		SetTimeout(30 * time.Second)
	// Majority implies journaled writes on a real server.
	d := &DB{embedded: embedded}
	opts.SetMonitor(monitors(d.fg.monitor(), d.scanMonitor()))
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	d.client, d.db = client, client.Database(name)
	d.sweep, d.absorber = newSweeper(d), newAbsorber(d)
	if err := d.Ping(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	if err := d.ensureIndexes(ctx); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, err
	}
	return d, nil
}

// Close disconnects from the server.
func (d *DB) Close(ctx context.Context) error {
	d.absorber.stop()
	d.sweep.stop()
	return d.client.Disconnect(ctx)
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.client.Ping(ctx, readpref.Primary()); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// Drop deletes the whole database. Tests use it to clean up.
func (d *DB) Drop(ctx context.Context) error {
	return d.db.Drop(ctx)
}

// collections are every collection the platform uses; Open creates them
// all up front so that storage-level set-up (ferret.IndexIDs) sees them.
var collections = append([]string{colUsers, colRefresh, colStartups, colInvestors, colSpaces, colDecks, colDeckViews, colFeedback,
	colNoteHeads, colNoteBuckets, colNoteSettings, colIntros, colPipeline, colOutbox, colRoadshows, colRoomEventBuckets, colRegistrations, colLists,
	colAttendance, colTargets, colHistory, colMeta, colUserEmails, colInvestorOwners, colRefreshExpiry, colRevoked,
	colNoteDrops, colRoomRecords, colSettledRecords, colVerifications, colResetTokens, colDeckFiles, colDeckChunks}, serviceCollections...)

func (d *DB) ensureIndexes(ctx context.Context) error {
	have, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("mongo: list collections: %w", err)
	}
	for _, c := range collections {
		if !slices.Contains(have, c) {
			if err := d.db.CreateCollection(ctx, c); err != nil && !isNamespaceExists(err) {
				return fmt.Errorf("mongo: create collection %s: %w", c, err)
			}
		}
	}
	idx := []struct {
		col    string
		keys   bson.D
		unique bool
	}{
		{colRefresh, bson.D{{Key: "family", Value: 1}}, false},
		{colStartups, bson.D{{Key: "ownerId", Value: 1}}, false},
		{colStartups, bson.D{{Key: "status", Value: 1}, {Key: "updatedAt", Value: -1}}, false},
		{colSpaces, bson.D{{Key: "ownerId", Value: 1}}, false},
	}
	for _, ix := range idx {
		m := mongo.IndexModel{Keys: ix.keys, Options: options.Index().SetUnique(ix.unique)}
		if _, err := d.db.Collection(ix.col).Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("mongo: create index on %s: %w", ix.col, err)
		}
	}
	return nil
}

// isNamespaceExists reports a collection created meanwhile by another
// instance (server error 48).
func isNamespaceExists(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && ce.Code == 48
}

// NewID returns a fresh id as the platform shows it: 24 hex digits.
func NewID() string { return bson.NewObjectID().Hex() }

// mapErr turns driver errors into domain errors, wrapping op for the logs.
func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return domain.ErrNotFound
	case mongo.IsDuplicateKeyError(err):
		return &domain.Error{Kind: domain.KindConflict, Code: "duplicate", Detail: "already exists"}
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, context.DeadlineExceeded):
		return unavailable(op, err)
	}
	return fmt.Errorf("mongo: %s: %w", op, err)
}

// unavailable wraps err as a domain error that tells the client to retry,
// while keeping the driver error for the logs.
func unavailable(op string, err error) error {
	return fmt.Errorf("mongo: %s: %w: %w", op, &domain.Error{
		Kind: domain.KindUnavailable, Code: "database_unavailable",
		Detail: "database unavailable, retry later",
	}, err)
}

// findPage runs filter sorted newest-updated first and counts all matches.
func findPage[T any](ctx context.Context, c *mongo.Collection, op string, filter bson.D, p domain.Page) ([]T, int, error) {
	total, err := c.CountDocuments(ctx, filter)
	if err != nil {
		return nil, 0, mapErr(op+" count", err)
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "updatedAt", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(p.Skip())).
		SetLimit(int64(p.PageSize))
	cur, err := c.Find(ctx, filter, opts)
	if err != nil {
		return nil, 0, mapErr(op, err)
	}
	items := []T{}
	if err := cur.All(ctx, &items); err != nil {
		return nil, 0, mapErr(op+" decode", err)
	}
	return items, int(total), nil
}

// replaceVersioned replaces the document with id if it still has version
// prev, so two concurrent edits cannot silently overwrite each other.
//
// On the embedded engine a filter {_id, version} would decode every
// document of the collection and is not atomic anyway, so the check is a
// read by _id and a replace by _id under this process's lock for the
// document. On MongoDB the conditional filter is atomic on the server, which
// also covers other processes; the lock costs nothing there.
func (d *DB) replaceVersioned(ctx context.Context, col, op, id string, prev int, doc any) error {
	defer d.locks.lock(col + id)()
	c := d.db.Collection(col)
	if d.embedded {
		var cur struct {
			Version  int `bson:"version"`
			Announce int `bson:"announce"`
			Changed  int `bson:"changed"`
		}
		if err := c.FindOne(ctx, byID(id)).Decode(&cur); err != nil {
			return mapErr(op, err)
		}
		if cur.Version != prev {
			return domain.ErrEditConflict
		}
		if m, ok := doc.(keepsMarks); ok { // pending marks stay (outbox_doc.go)
			m.keep(cur.Announce, cur.Changed)
		}
		res, err := c.ReplaceOne(ctx, byID(id), doc)
		if err != nil {
			return mapErr(op, err)
		}
		if res.MatchedCount == 0 {
			return domain.ErrNotFound // deleted meanwhile
		}
		return nil
	}
	res, err := c.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: prev}}, doc)
	if err != nil {
		return mapErr(op, err)
	}
	if res.MatchedCount == 0 {
		if err := c.FindOne(ctx, byID(id)).Err(); err != nil {
			return mapErr(op, err)
		}
		return domain.ErrEditConflict
	}
	return nil
}

// byID is the one filter the embedded engine answers without decoding the
// whole collection.
func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// eqIf appends key=value to f when value is not empty.
func eqIf(f bson.D, key, value string) bson.D {
	if value != "" {
		f = append(f, bson.E{Key: key, Value: value})
	}
	return f
}

// upsertUpdate is updateOne with upsert. Two upserts of a missing document
// can race to insert it, and the loser gets a duplicate _id (FerretDB and
// MongoDB alike): retried, it finds the document and updates it. A
// duplicate that persists (a filter that excludes an existing document, as
// in AppendRoomEvent) is returned.
func upsertUpdate(ctx context.Context, c *mongo.Collection, filter, update bson.D) (*mongo.UpdateResult, error) {
	for i := 0; ; i++ {
		res, err := c.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
		if err == nil || !mongo.IsDuplicateKeyError(err) || i == 2 {
			return res, err
		}
	}
}
