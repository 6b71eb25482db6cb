package mongo

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Raw gives tests the driver's collection, to write shapes of earlier
// versions and orphans left by crashes.
func (d *DB) Raw(name string) *mongo.Collection { return d.db.Collection(name) }

// SetEmbedded switches between the embedded and the MongoDB code paths, so
// that both run here (the in-process lock makes the MongoDB path's
// conditional filters correct on FerretDB too, within one process).
func (d *DB) SetEmbedded(v bool) { d.embedded = v }

// MigrateTo runs the migrations up to version target.
func (d *DB) MigrateTo(ctx context.Context, log *slog.Logger, target int) (int, error) {
	return d.migrateTo(ctx, log, target)
}

// Collection names for tests.
const (
	ColRefreshFamilies = colRefreshFamilies
	ColRefreshExpiry   = colRefreshExpiry
	ColRefreshUsers    = colRefreshUsers
	ColRevoked         = colRevoked
	ColUsers           = colUsers
	ColInvestors       = colInvestors
	ColRefresh         = colRefresh
	ColUserEmails      = colUserEmails
	ColInvestorOwners  = colInvestorOwners
	ColMeta            = colMeta
)

// ColNoteHeads is the notification heads' collection.
const ColNoteHeads = colNoteHeads

// WriteLog writes a user's notifications as migration 3 does.
func (d *DB) WriteLog(ctx context.Context, userID string, ns []domain.Notification) error {
	return d.writeLog(ctx, userID, ns)
}

// BuildListsAndBuckets runs migration 4's phases that build the lists and
// the room event buckets from the old collections (which they keep).
func (d *DB) BuildListsAndBuckets(ctx context.Context) error {
	if err := migrateLists(ctx, d); err != nil {
		return err
	}
	return migrateRoomEvents(ctx, d)
}

// Notification drops' collection (notedrops.go).
const ColNoteDrops = colNoteDrops

// ColNoteBuckets is the notification buckets' collection; ColNoteBucketsV7
// is version 7's.
const (
	ColNoteBuckets   = colNoteBuckets
	ColNoteBucketsV7 = colNoteBucketsV7
)

// WriteLogV7 writes a user's notifications as migration 3 did up to
// version 7: the head, and the buckets as arrays of documents in
// notification_buckets.
func (d *DB) WriteLogV7(ctx context.Context, userID string, ns []domain.Notification) error {
	if err := d.writeLog(ctx, userID, ns); err != nil {
		return err
	}
	for b := 0; b <= bucketOf(max(len(ns)-1, 0)); b++ {
		items, err := d.bucket(ctx, userID, b)
		if err != nil {
			return err
		}
		if _, err := d.db.Collection(colNoteBuckets).DeleteOne(ctx, byID(bucketID(userID, b))); err != nil {
			return err
		}
		if _, err := d.db.Collection(colNoteBucketsV7).InsertOne(ctx, bson.D{{Key: "_id", Value: bucketID(userID, b)}, {Key: "items", Value: items}}); err != nil {
			return err
		}
	}
	return nil
}

// AddToBucket adds n at position pos of the user's log, as an append or an
// absorb does after its head write (tests write what a crash left).
func (d *DB) AddToBucket(ctx context.Context, userID string, pos int, n domain.Notification) error {
	return d.addItems(ctx, userID, bucketOf(pos), []noteItem{{Pos: pos, Notification: n}})
}

// DropsMax is how many drops a user may have waiting.
const DropsMax = dropsMax

// ForegroundWrites reports the foreground writes in flight and when the
// last one finished (gate.go).
func (d *DB) ForegroundWrites() (int64, time.Time) {
	return d.fg.inflight.Load(), time.Unix(0, d.fg.last.Load())
}

// AsBackground marks ctx as a background write's.
func AsBackground(ctx context.Context) context.Context { return domain.Background(ctx) }

// EditBucket runs a change on bucket b of the user's log as every write to
// a bucket does (notebuckets.go); the change gets the items' ids.
func (d *DB) EditBucket(ctx context.Context, userID string, b int, change func(ids []string)) error {
	return d.editBucket(ctx, userID, b, func(items []noteItem) ([]noteItem, bool) {
		ids := make([]string, len(items))
		for i, it := range items {
			ids[i] = it.ID
		}
		change(ids)
		return append(items, noteItem{Pos: b*noteBucketSize + 49, Notification: domain.Notification{ID: "mine", Type: "t"}}), true
	})
}

// BucketIDs returns the ids bucket b of the user's log holds, in position
// order.
func (d *DB) BucketIDs(ctx context.Context, userID string, b int) ([]string, error) {
	items, err := d.bucket(ctx, userID, b)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	return ids, err
}

// PackBucketsAgain runs migration 8's packing phase again.
func (d *DB) PackBucketsAgain(ctx context.Context) error { return migratePackBuckets(ctx, d) }

// ScannedAccount is what LoadUserNames reads of an account.
type ScannedAccount struct {
	Name    string
	Session int
}

// ScanAccounts reads every account's name and session version as
// LoadUserNames does: straight from the embedded engine's storage when
// straight, else through the driver.
func (d *DB) ScanAccounts(ctx context.Context, straight bool) (map[string]ScannedAccount, error) {
	scan := d.scan
	defer func() { d.scan = scan }()
	if !straight {
		d.scan = nil
	}
	got, err := d.scanAccounts(ctx)
	out := map[string]ScannedAccount{}
	for id, a := range got {
		out[id] = ScannedAccount{Name: a.name, Session: a.session}
	}
	return out, err
}

// DropIDs reads every drop's id as SweepDeadDrops does, straight or
// through the driver.
func (d *DB) DropIDs(ctx context.Context, straight bool) ([]string, error) {
	scan := d.scan
	defer func() { d.scan = scan }()
	if !straight {
		d.scan = nil
	}
	return d.dropIDs(ctx)
}

// DropProbes counts the reads of drops not hinted so far.
func (d *DB) DropProbes() int64 { return d.dropProbes.Load() }

// RestartDropHints forgets what this process knows of drops, as a start
// does.
func (d *DB) RestartDropHints() { d.hints = dropHints{} }

// ForgetDropHint forgets one user's hint, as a failed write does.
func (d *DB) ForgetDropHint(userID string) { d.hints.forget(userID) }

// ColRoomRecords is the ended rooms' folded records' collection.
const ColRoomRecords = colRoomRecords

// ColRoadshows is the roadshows' collection.
const ColRoadshows = colRoadshows

// ExpiredIDs reads the ids of col's documents whose date field is before
// now as the embedded engine's token index is read at start (eachExpiry):
// straight from the engine's storage when straight, else through the
// driver.
func (d *DB) ExpiredIDs(ctx context.Context, col, field string, now time.Time, straight bool) ([]string, error) {
	scan := d.scan
	defer func() { d.scan = scan }()
	if !straight {
		d.scan = nil
	}
	var ids []string
	err := d.eachExpiry(ctx, col, field, func(id string, at time.Time) {
		if at.Before(now) {
			ids = append(ids, id)
		}
	})
	return ids, err
}

// ForgetExpiry empties the embedded engine's expiry index, as a new
// process starts with it, so that the next sweep or Warm reads it from the
// tables.
func (d *DB) ForgetExpiry() {
	d.expiry.mu.Lock()
	defer d.expiry.mu.Unlock()
	d.expiry.loaded, d.expiry.hours = false, nil
}

// ForgetOutbox makes the embedded engine's outbox memory read the marks
// again, as the first pass after a start does.
func (d *DB) ForgetOutbox() { d.outbox.cleared("", true) }

// UseStraightReads turns the embedded engine's straight reads on or off
// (off: every read through FerretDB and the driver, as on MongoDB) and
// returns what restores them.
func UseStraightReads(d *DB, on bool) func() {
	read, doc, docs := d.readBinary, d.readDoc, d.readDocs
	if !on {
		d.readBinary, d.readDoc, d.readDocs = nil, nil, nil
	}
	return func() { d.readBinary, d.readDoc, d.readDocs = read, doc, docs }
}

// HoldForeground counts a user's write in flight until the returned
// release is first called, as the command monitor does for a real one.
func (d *DB) HoldForeground() (release func()) {
	d.fg.inflight.Add(1)
	return sync.OnceFunc(func() {
		d.fg.last.Store(d.fg.timeSource().Now().UnixNano())
		d.fg.inflight.Add(-1)
	})
}

// SetBackgroundWait sets the longest a background write waits for a quiet
// moment (0: the default), so that a test can hold one back for good.
func (d *DB) SetBackgroundWait(most time.Duration) { d.fg.most.Store(int64(most)) }

// BackgroundWaiting reports how many background writers wait now.
func (d *DB) BackgroundWaiting() int64 { return d.fg.waiting.Load() }

// WithoutStringScan makes the embedded engine's start-up scans go through
// the driver (as when FerretDB's storage cannot be read straight) and
// returns what restores them.
func WithoutStringScan(d *DB) (restore func()) {
	scan := d.scan
	d.scan = nil
	return func() { d.scan = scan }
}

// DocumentScanFunc returns the straight scan SetDocumentScan gave, if any.
func (d *DB) DocumentScanFunc() DocumentScan { return d.scanDocs }
