package mongo

import (
	"context"
	"log/slog"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"

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
	ColUsers          = colUsers
	ColInvestors      = colInvestors
	ColRefresh        = colRefresh
	ColUserEmails     = colUserEmails
	ColInvestorOwners = colInvestorOwners
	ColMeta           = colMeta
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

// ColNoteBuckets is the notification buckets' collection.
const ColNoteBuckets = colNoteBuckets

// DropsMax is how many drops a user may have waiting.
const DropsMax = dropsMax

// ForegroundWrites reports the foreground writes in flight and when the
// last one finished (gate.go).
func (d *DB) ForegroundWrites() (int64, time.Time) {
	return d.fg.inflight.Load(), time.Unix(0, d.fg.last.Load())
}

// WaitForeground is the background writers' wait.
func (d *DB) WaitForeground(ctx context.Context, quiet, most time.Duration) {
	d.fg.wait(ctx, quiet, most)
}

// AsBackground marks ctx as a background write's.
func AsBackground(ctx context.Context) context.Context { return asBackground(ctx) }

// ColRoomRecords is the ended rooms' folded records' collection.
const ColRoomRecords = colRoomRecords

// ColRoadshows is the roadshows' collection.
const ColRoadshows = colRoadshows
