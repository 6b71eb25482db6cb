package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A migration upgrades the stored data from version to-1 to version to. It
// runs as named phases; each phase is idempotent (re-running a half-done
// phase converges on the same data) and is recorded in colMeta when it
// completes, so a start after a crash resumes at the first phase not
// recorded. Migrations scan whole collections: they run once per upgrade,
// at start, before the server serves anything.
type migration struct {
	to     int
	name   string
	phases []phase
}

type phase struct {
	name string
	run  func(ctx context.Context, d *DB) error
}

// migrations are every step from version 1 on, in order. The last one's
// target is SchemaVersion.
func migrations() []migration {
	return []migration{
		{to: 2, name: "keys by _id for emails and investor owners, refresh sessions", phases: []phase{
			{"user_emails", migrateUserEmails},
			{"investor_owners", migrateInvestorOwners},
			{"refresh_sessions", migrateRefreshSessions},
			{"drop_unique_indexes", dropOldUniqueIndexes},
		}},
		{to: 3, name: "notifications as per-user logs in buckets", phases: []phase{
			{"notification_logs", migrateNotificationLogs},
			{"drop_old_notifications", dropCollection(colNotifications)},
		}},
		{to: 4, name: "per-owner lists by _id; room events in buckets", phases: []phase{
			{"lists", migrateLists},
			{"room_event_buckets", migrateRoomEvents},
			{"drop_old_room_events", dropCollection(colRoomEvents)},
		}},
		{to: 5, name: "each founder's startups, each space's roadshows, the scheduled roadshows as lists", phases: []phase{
			{"owner_lists", migrateOwnerLists},
		}},
		// New collections that start empty: nothing to convert.
		{to: 6, name: "fan-out drops and folded room records"},
		{to: 7, name: "folded room records in the room log's compact form", phases: []phase{
			{"room_records_compact", migrateRoomRecords},
		}},
		{to: 8, name: "notification buckets packed", phases: []phase{
			{"pack_note_buckets", migratePackBuckets},
			{"drop_old_note_buckets", dropCollection(colNoteBucketsV7)},
		}},
		{to: 9, name: "settled room records beside their logs", phases: []phase{
			{"settled_records", migrateSettledRecords},
		}},
		// Signing out everywhere is the account's session version since 9;
		// the lists of each user's sessions are no longer written or read.
		{to: 10, name: "the users' session lists dropped", phases: []phase{
			{"drop_refresh_users", dropCollection(colRefreshUsers)},
		}},
		// A session works while its family has no revocation mark, not
		// while its family document exists: the sessions earlier releases
		// ended by deleting that document alone get a mark first.
		{to: 11, name: "sessions without a family document marked revoked; refresh_families dropped", phases: []phase{
			{"mark_sessions_ended", migrateEndedSessions},
			{"drop_refresh_families", dropCollection(colRefreshFamilies)},
		}},
		// GridFS finds a file's chunks by files_id: every deck read decoded
		// every chunk on the embedded engine (migrate_decks.go).
		{to: 12, name: "deck files out of GridFS, read by _id", phases: []phase{
			{"deck_chunks", migrateDeckChunks},
			{"deck_files", migrateDeckFiles},
			{"drop_gridfs", func(ctx context.Context, d *DB) error {
				if err := dropCollection(colGridChunks)(ctx, d); err != nil {
					return err
				}
				return dropCollection(colGridFiles)(ctx, d)
			}},
		}},
	}
}

// progressDocID in colMeta records the phases done of the step under way.
const progressDocID = "migration"

type progressDoc struct {
	ID   string   `bson:"_id"`
	To   int      `bson:"to"`
	Done []string `bson:"done"`
}

// SchemaNewerError is the refusal to open data written by a newer release:
// reading it with older code could misread it, and writing it could break it.
type SchemaNewerError struct{ Stored, Binary int }

// Code is the error's stable code.
func (e *SchemaNewerError) Code() string { return "schema_newer_than_binary" }

func (e *SchemaNewerError) Error() string {
	return fmt.Sprintf("%s: the database holds schema version %d, this release knows up to %d; run a release that knows version %d (or restore a backup of the earlier data)",
		e.Code(), e.Stored, e.Binary, e.Stored)
}

// Migrate brings the stored data to SchemaVersion, applying each missing
// step in order, and returns the version found. It refuses, with a
// *SchemaNewerError, data newer than this binary.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) (from int, err error) {
	return d.migrateTo(ctx, log, SchemaVersion)
}

// migrateTo is Migrate up to version target (tests stop part-way).
func (d *DB) migrateTo(ctx context.Context, log *slog.Logger, target int) (int, error) {
	from, err := d.StoredSchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if from > SchemaVersion {
		e := &SchemaNewerError{Stored: from, Binary: SchemaVersion}
		log.Error("stored data is newer than this release; refusing to start", "code", e.Code(), "stored", from, "binary", SchemaVersion)
		return from, e
	}
	if from == 1 {
		// No version recorded: data of the first release, or a new
		// database, which has nothing to convert: its version is recorded
		// at once rather than each step run over empty collections (a
		// step's progress records are fsynced writes: about 40 on the
		// first start).
		empty, err := d.empty(ctx)
		if err != nil {
			return from, err
		}
		if empty {
			log.Info("new database: schema version recorded", "version", target)
			return from, d.SetStoredSchemaVersion(ctx, target)
		}
	}
	v := from
	for _, m := range migrations() {
		if m.to <= v || m.to > target {
			continue
		}
		if err := d.runMigration(ctx, log, m); err != nil {
			return from, fmt.Errorf("migrate stored data to version %d (%s): %w", m.to, m.name, err)
		}
		v = m.to
	}
	return from, nil
}

// empty reports whether no collection of the database holds a document.
func (d *DB) empty(ctx context.Context) (bool, error) {
	names, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return false, fmt.Errorf("mongo: list collections: %w", err)
	}
	for _, c := range names {
		err := d.db.Collection(c).FindOne(ctx, bson.D{}).Err()
		switch {
		case err == nil:
			return false, nil
		case !errors.Is(err, mongo.ErrNoDocuments):
			return false, fmt.Errorf("mongo: look into %s: %w", c, err)
		}
	}
	return true, nil
}

func (d *DB) runMigration(ctx context.Context, log *slog.Logger, m migration) error {
	meta := d.db.Collection(colMeta)
	var p progressDoc
	err := meta.FindOne(ctx, byID(progressDocID)).Decode(&p)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("read progress: %w", err)
	}
	if p.To != m.to {
		p = progressDoc{ID: progressDocID, To: m.to, Done: []string{}}
	}
	start := time.Now()
	log.Info("migrating stored data", "to", m.to, "step", m.name, "resuming_after", p.Done)
	for _, ph := range m.phases {
		if slices.Contains(p.Done, ph.name) {
			continue
		}
		t := time.Now()
		if err := ph.run(ctx, d); err != nil {
			return fmt.Errorf("phase %s: %w", ph.name, err)
		}
		p.Done = append(p.Done, ph.name)
		if _, err := meta.ReplaceOne(ctx, byID(progressDocID), p, options.Replace().SetUpsert(true)); err != nil {
			return fmt.Errorf("record progress: %w", err)
		}
		log.Info("migration phase done", "to", m.to, "phase", ph.name, "took", time.Since(t).Round(time.Millisecond))
	}
	if err := d.SetStoredSchemaVersion(ctx, m.to); err != nil {
		return err
	}
	if _, err := meta.DeleteOne(ctx, byID(progressDocID)); err != nil {
		return fmt.Errorf("clear progress: %w", err)
	}
	log.Info("stored data migrated", "to", m.to, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// insertKey inserts a key doc; one already there (from a half-done run) is
// fine.
func insertKey(ctx context.Context, c *mongo.Collection, doc any) error {
	if _, err := c.InsertOne(ctx, doc); err != nil && !mongo.IsDuplicateKeyError(err) {
		return err
	}
	return nil
}

func migrateUserEmails(ctx context.Context, d *DB) error {
	keys := d.db.Collection(colUserEmails)
	return each(ctx, d, colUsers, bson.D{}, func(u domain.User) error {
		return insertKey(ctx, keys, emailKey{Email: NormalizeEmail(u.Email), UserID: u.ID})
	})
}

func migrateInvestorOwners(ctx context.Context, d *DB) error {
	keys := d.db.Collection(colInvestorOwners)
	return each(ctx, d, colInvestors, bson.D{}, func(inv domain.Investor) error {
		return insertKey(ctx, keys, ownerKey{OwnerID: inv.OwnerID, InvestorID: inv.ID})
	})
}

// migrateRefreshSessions gives every live token its session (family
// document) and, on MongoDB, expiry bucket (version 1 revoked a session by
// deleting its tokens, so a token that exists belongs to a live session)
// and deletes expired ones. Step 10 → 11 reads the family documents (a
// live token without one was revoked) and drops them.
func migrateRefreshSessions(ctx context.Context, d *DB) error {
	now := time.Now()
	var live []domain.RefreshToken
	var expired []string
	err := each(ctx, d, colRefresh, bson.D{}, func(t domain.RefreshToken) error {
		if t.ExpiresAt.After(now) {
			live = append(live, t)
		} else {
			expired = append(expired, t.Hash)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Newest last, so that each family ends with its latest expiry.
	slices.SortFunc(live, func(a, b domain.RefreshToken) int { return a.ExpiresAt.Compare(b.ExpiresAt) })
	for _, t := range live {
		if err := d.saveFamilyV2(ctx, t); err != nil {
			return err
		}
	}
	for _, h := range expired {
		if _, err := d.db.Collection(colRefresh).DeleteOne(ctx, byID(h)); err != nil {
			return err
		}
	}
	return nil
}

// dropOldUniqueIndexes removes version 1's unique indexes on users.email and
// investors.ownerId: the key collections hold that uniqueness now.
func dropOldUniqueIndexes(ctx context.Context, d *DB) error {
	for col, name := range map[string]string{colUsers: "email_1", colInvestors: "ownerId_1"} {
		if err := d.db.Collection(col).Indexes().DropOne(ctx, name); err != nil && !isIndexNotFound(err) {
			return fmt.Errorf("drop index %s on %s: %w", name, col, err)
		}
	}
	return nil
}

// isIndexNotFound reports dropping an index that is not there (server
// error 27), as a re-run does.
func isIndexNotFound(err error) bool {
	var ce mongo.CommandError
	return errors.As(err, &ce) && (ce.Code == 27 || ce.Code == 26)
}

// migrateNotificationLogs writes each user's version 1 notifications, in id
// order, as that user's log (notes.go). It replaces whole documents, so a
// re-run writes the same ones again.
func migrateNotificationLogs(ctx context.Context, d *DB) error {
	byUser := map[string][]domain.Notification{}
	err := each(ctx, d, colNotifications, bson.D{}, func(n domain.Notification) error {
		byUser[n.UserID] = append(byUser[n.UserID], n)
		return nil
	})
	if err != nil {
		return err
	}
	users := make([]string, 0, len(byUser))
	for u := range byUser {
		users = append(users, u)
	}
	return parallel(ctx, 4, len(users), func(i int) error {
		return d.writeLog(ctx, users[i], byUser[users[i]])
	})
}

func (d *DB) writeLog(ctx context.Context, userID string, ns []domain.Notification) error {
	slices.SortFunc(ns, func(a, b domain.Notification) int { return strings.Compare(a.ID, b.ID) })
	h := noteHead{UserID: userID, Version: 1, Count: len(ns), UnreadFrom: bucketOf(len(ns)), DigestFrom: bucketOf(len(ns)), LastDigest: -1}
	buckets := map[int][]noteItem{}
	waiting := false
	for p, n := range ns {
		b := bucketOf(p)
		if p%noteBucketSize == 0 {
			h.Firsts = append(h.Firsts, n.ID)
		}
		if !n.Read {
			h.Unread++
			h.UnreadFrom = min(h.UnreadFrom, b)
		}
		if n.Digest {
			h.LastDigest = p
			if !n.Digested {
				h.DigestFrom, waiting = min(h.DigestFrom, b), true
			}
		}
		buckets[b] = append(buckets[b], noteItem{Pos: p, Notification: n})
	}
	for b, items := range buckets {
		doc, err := packBucket(bucketID(userID, b), 1, items)
		if err != nil {
			return err
		}
		if _, err := d.db.Collection(colNoteBuckets).ReplaceOne(ctx, byID(doc.ID), doc, replaceUpsert); err != nil {
			return err
		}
	}
	if _, err := d.db.Collection(colNoteHeads).ReplaceOne(ctx, byID(userID), h, options.Replace().SetUpsert(true)); err != nil {
		return err
	}
	if waiting {
		return d.setDigestUser(ctx, userID, true)
	}
	return nil
}

// dropCollection removes a collection whose data an earlier phase moved.
func dropCollection(name string) func(ctx context.Context, d *DB) error {
	return func(ctx context.Context, d *DB) error { return d.db.Collection(name).Drop(ctx) }
}
