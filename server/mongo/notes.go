package mongo

import (
	"context"
	"fmt"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// A user's notifications are a log in buckets, so that every read is a few
// reads by _id (docs/STORAGE.md):
//
//   - notification_heads: {_id: userId, version, count, unread, firsts,
//     unreadFrom, digestFrom, lastDigest}: how many positions the log has,
//     the unread counter, and the id of the first notification of each
//     bucket (to find the bucket of an id);
//   - notification_pages: {_id: userId/bucket, rev, packed}: positions
//     bucket*noteBucketSize and on, each item with its position, packed
//     into one binary value (notebuckets.go).
//
// An append reserves positions in the head first (a versioned write), then
// adds the items to their bucket. A crash in between leaves a hole (a
// reserved position with no item, counted in total and unread until the user
// next marks everything read); it never leaves a stored notification that no
// read finds.
const (
	colNoteHeads   = "notification_heads"
	colNoteBuckets = "notification_pages"
	noteBucketSize = 50
	// digestUsersID in colMeta lists the users with digest notifications
	// waiting, so the daily digest reads those users' logs only.
	digestUsersID = "digest_users"
	// headRetries bounds the retries of a head write that another process
	// raced (only on MongoDB; in one process the lock serialises them).
	headRetries = 20
)

type noteHead struct {
	UserID  string   `bson:"_id"`
	Version int      `bson:"version"`
	Count   int      `bson:"count"`
	Unread  int      `bson:"unread"`
	Firsts  []string `bson:"firsts"`
	// UnreadFrom and DigestFrom are buckets before which nothing is unread
	// (or waits for the digest); LastDigest is the position of the latest
	// digest notification, -1 if none.
	UnreadFrom int `bson:"unreadFrom"`
	DigestFrom int `bson:"digestFrom"`
	LastDigest int `bson:"lastDigest"`
	// Drops is the number of the user's first drop not yet absorbed into
	// the log (notedrops.go).
	Drops int `bson:"drops"`
}

type noteItem struct {
	Pos                 int `bson:"pos"`
	domain.Notification `bson:",inline"`
}

func bucketOf(pos int) int { return pos / noteBucketSize }

func bucketID(userID string, b int) string { return fmt.Sprintf("%s/%08d", userID, b) }

// head reads a user's head; a user with no notifications has an empty one.
func (d *DB) head(ctx context.Context, userID string) (noteHead, error) {
	h := noteHead{UserID: userID, LastDigest: -1}
	ok, err := d.findByID(ctx, "notification head", colNoteHeads, userID, &h)
	if !ok && err == nil {
		return noteHead{UserID: userID, LastDigest: -1}, nil
	}
	return h, err
}

// updateHead applies change to the user's head and stores it if no other
// writer changed it meanwhile, retrying with the fresh head otherwise. The
// caller holds the user's lock, so only another process can race it (on
// MongoDB, where the filter on {_id, version} catches it); on the embedded
// engine the write is by _id alone.
func (d *DB) updateHead(ctx context.Context, userID string, change func(h *noteHead)) (noteHead, error) {
	c := d.db.Collection(colNoteHeads)
	for range headRetries {
		h, err := d.head(ctx, userID)
		if err != nil {
			return h, err
		}
		prev := h.Version
		change(&h)
		h.Version = prev + 1
		if prev == 0 {
			_, err := c.InsertOne(ctx, h)
			if err = mapErr("notification head", err); domain.IsKind(err, domain.KindConflict) {
				continue
			}
			return h, err
		}
		filter := bson.D{{Key: "_id", Value: userID}, {Key: "version", Value: prev}}
		if d.embedded {
			filter = byID(userID)
		}
		res, err := c.ReplaceOne(ctx, filter, h)
		if err != nil {
			return h, mapErr("notification head", err)
		}
		if res.MatchedCount == 1 {
			return h, nil
		}
	}
	return noteHead{}, domain.ErrEditConflict
}

// CreateNotification stores n, assigning its id. Ids grow with time, so
// "after id" is "newer than".
func (d *DB) CreateNotification(ctx context.Context, n *domain.Notification) error {
	return d.CreateNotifications(ctx, []*domain.Notification{n})
}

// CreateNotifications stores many notifications, assigning ids: each
// user's are appended to that user's log, a few users at a time.
func (d *DB) CreateNotifications(ctx context.Context, ns []*domain.Notification) error {
	byUser := map[string][]*domain.Notification{}
	var users []string
	for _, n := range ns {
		if byUser[n.UserID] == nil {
			users = append(users, n.UserID)
		}
		byUser[n.UserID] = append(byUser[n.UserID], n)
	}
	if d.embedded && len(users) > 1 {
		return d.dropNotes(ctx, users, byUser)
	}
	return parallel(ctx, 4, len(users), func(i int) error {
		return d.appendNotes(ctx, users[i], byUser[users[i]])
	})
}

// lockLog holds off fan-outs' id numbering (shared) and locks the user's
// log; it returns the unlock.
func (d *DB) lockLog(userID string) func() {
	d.dropsMu.RLock()
	unlock := d.locks.lock(colNoteHeads + userID)
	return func() { unlock(); d.dropsMu.RUnlock() }
}

// appendNotes appends ns to the user's log, after the user's drops; a
// background append (a fan-out's) gives way to users' writes first.
func (d *DB) appendNotes(ctx context.Context, userID string, ns []*domain.Notification) error {
	d.giveWay(ctx)
	defer d.lockLog(userID)()
	_, err := d.appendLocked(ctx, userID, ns)
	return err
}

// appendLocked absorbs the user's drops (notedrops.go) and appends ns
// after them, and returns the head after; the caller holds lockLog. The
// drops' items are pushed before the head counts them (a crash in between
// repeats the absorb, which skips what it pushed); ns's positions are
// reserved in the head before they are pushed (a crash in between leaves a
// hole, which reads skip).
func (d *DB) appendLocked(ctx context.Context, userID string, ns []*domain.Notification) (noteHead, error) {
	h, items, next, err := d.absorbPush(ctx, userID)
	if err != nil {
		return h, err
	}
	if len(items) == 0 && len(ns) == 0 {
		return h, nil
	}
	for _, n := range ns {
		n.ID = NewID() // under the lock, so a user's ids grow with position
	}
	from, digest := h.Drops, false
	h, err = d.updateHead(ctx, userID, func(h *noteHead) {
		place := func(n *domain.Notification) {
			p := h.Count
			if len(h.Firsts) <= bucketOf(p) {
				h.Firsts = append(h.Firsts, n.ID)
			}
			if n.Digest {
				h.LastDigest = p
			}
			h.Count++
			if !n.Read {
				h.Unread++
			}
		}
		for i := range items {
			place(&items[i])
		}
		for _, n := range ns {
			place(n)
			digest = digest || n.Digest
		}
		h.Drops = next
	})
	if err != nil {
		return h, err
	}
	if len(items) > 0 {
		d.absorbed(userID, from, next)
	}
	first := h.Count - len(ns)
	byBucket := map[int][]noteItem{}
	for i, n := range ns {
		p := first + i
		byBucket[bucketOf(p)] = append(byBucket[bucketOf(p)], noteItem{Pos: p, Notification: *n})
	}
	for b, items := range byBucket {
		if err := d.addItems(ctx, userID, b, items); err != nil {
			return h, err
		}
	}
	if digest {
		return h, d.setDigestUser(ctx, userID, true)
	}
	return h, nil
}

func (d *DB) setDigestUser(ctx context.Context, userID string, waiting bool) error {
	op := "$pull"
	if waiting {
		op = "$addToSet"
	}
	_, err := upsertUpdate(ctx, d.db.Collection(colMeta), byID(digestUsersID),
		bson.D{{Key: op, Value: bson.D{{Key: "users", Value: userID}}}})
	return mapErr("digest users", err)
}
