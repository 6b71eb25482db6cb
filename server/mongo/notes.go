package mongo

import (
	"context"
	"fmt"
	"slices"
	"sort"

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
//   - notification_buckets: {_id: userId/bucket, items: [...]}: positions
//     bucket*noteBucketSize and on, each item with its position.
//
// An append reserves positions in the head first (a versioned write), then
// pushes the items into their bucket. A crash in between leaves a hole (a
// reserved position with no item, counted in total and unread until the user
// next marks everything read); it never leaves a stored notification that no
// read finds.
const (
	colNoteHeads   = "notification_heads"
	colNoteBuckets = "notification_buckets"
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

type noteBucket struct {
	ID    string     `bson:"_id"`
	Items []noteItem `bson:"items"`
}

func bucketOf(pos int) int { return pos / noteBucketSize }

func bucketID(userID string, b int) string { return fmt.Sprintf("%s/%08d", userID, b) }

// head reads a user's head; a user with no notifications has an empty one.
func (d *DB) head(ctx context.Context, userID string) (noteHead, error) {
	h := noteHead{UserID: userID, LastDigest: -1}
	err := mapErr("notification head", d.db.Collection(colNoteHeads).FindOne(ctx, byID(userID)).Decode(&h))
	if domain.IsKind(err, domain.KindNotFound) {
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

// appendNotes appends ns to the user's log, after the user's drops.
func (d *DB) appendNotes(ctx context.Context, userID string, ns []*domain.Notification) error {
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
	byBucket := map[int]bson.A{}
	for i, n := range ns {
		p := first + i
		byBucket[bucketOf(p)] = append(byBucket[bucketOf(p)], noteItem{Pos: p, Notification: *n})
	}
	for b, items := range byBucket {
		if _, err := upsertUpdate(ctx, d.db.Collection(colNoteBuckets), byID(bucketID(userID, b)),
			bson.D{{Key: "$push", Value: bson.D{{Key: "items", Value: bson.D{{Key: "$each", Value: items}}}}}}); err != nil {
			return h, mapErr("append notifications", err)
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

// bucket reads one bucket of a user's log, items in position order.
func (d *DB) bucket(ctx context.Context, userID string, b int) ([]noteItem, error) {
	var nb noteBucket
	err := mapErr("notifications", d.db.Collection(colNoteBuckets).FindOne(ctx, byID(bucketID(userID, b))).Decode(&nb))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// Pushes from several processes may land out of order.
	slices.SortStableFunc(nb.Items, func(a, b noteItem) int { return a.Pos - b.Pos })
	for i := range nb.Items {
		nb.Items[i].UserID = userID
	}
	return nb.Items, nil
}

// logOf reads a user's head and the drops not yet absorbed (notedrops.go),
// which follow the head's positions.
func (d *DB) logOf(ctx context.Context, userID string) (noteHead, []domain.Notification, error) {
	h, err := d.head(ctx, userID)
	if err != nil {
		return h, nil, err
	}
	dr, next, err := d.drops(ctx, userID, h.Drops)
	if d.embedded && next-h.Drops >= dropsMax {
		d.absorber.add(userID)
	}
	return h, dr, err
}

// ListNotifications returns one page of a user's notifications, newest
// first, and the total: the drops and the page's bucket or two, or with
// unreadOnly the buckets from the oldest one holding an unread
// notification. Bucket items past the head's count (pushed by an absorb
// that crashed before its head write) are still read as drops.
func (d *DB) ListNotifications(ctx context.Context, userID string, unreadOnly bool, p domain.Page) ([]domain.Notification, int, error) {
	h, dr, err := d.logOf(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	out := []domain.Notification{}
	skip, size := p.Skip(), p.PageSize
	if !unreadOnly {
		total := h.Count + len(dr)
		hi := total - 1 - skip
		lo := max(hi-size+1, 0)
		for pos := hi; pos >= max(lo, h.Count); pos-- {
			out = append(out, dr[pos-h.Count])
		}
		hi = min(hi, h.Count-1)
		for b := bucketOf(max(hi, 0)); hi >= lo && b >= bucketOf(lo); b-- {
			items, err := d.bucket(ctx, userID, b)
			if err != nil {
				return nil, 0, err
			}
			for i := len(items) - 1; i >= 0; i-- {
				if items[i].Pos >= lo && items[i].Pos <= hi {
					out = append(out, items[i].Notification)
				}
			}
		}
		return out, total, nil
	}
	seen, unread := 0, h.Unread
	take := func(n domain.Notification) {
		if !n.Read && len(out) < size {
			if seen >= skip {
				out = append(out, n)
			}
			seen++
		}
	}
	for i := len(dr) - 1; i >= 0; i-- {
		if !dr[i].Read {
			unread++
		}
		take(dr[i])
	}
	for b := bucketOf(max(h.Count-1, 0)); h.Count > 0 && b >= h.UnreadFrom && len(out) < size; b-- {
		items, err := d.bucket(ctx, userID, b)
		if err != nil {
			return nil, 0, err
		}
		for i := len(items) - 1; i >= 0 && len(out) < size; i-- {
			if items[i].Pos < h.Count {
				take(items[i].Notification)
			}
		}
	}
	return out, unread, nil
}

// findBucket returns the bucket that holds id, by the first ids of the
// buckets.
func findBucket(h noteHead, id string) int {
	return max(sort.Search(len(h.Firsts), func(i int) bool { return h.Firsts[i] > id })-1, 0)
}

// NotificationsAfter returns a user's pushed (not digest) notifications
// with ids after id, oldest first, at most limit: the buckets from the one
// holding id on, then the drops.
func (d *DB) NotificationsAfter(ctx context.Context, userID, id string, limit int) ([]domain.Notification, error) {
	h, dr, err := d.logOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := []domain.Notification{}
	from := 0
	if id != "" {
		from = findBucket(h, id)
	}
	for b := from; h.Count > 0 && b <= bucketOf(h.Count-1) && len(out) < limit; b++ {
		items, err := d.bucket(ctx, userID, b)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Pos < h.Count && it.ID > id && !it.Digest && len(out) < limit {
				out = append(out, it.Notification)
			}
		}
	}
	for _, n := range dr {
		if n.ID > id && !n.Digest && len(out) < limit {
			out = append(out, n)
		}
	}
	return out, nil
}

// CountUnread returns a user's unread counter, with the drops.
func (d *DB) CountUnread(ctx context.Context, userID string) (int, error) {
	h, dr, err := d.logOf(ctx, userID)
	n := h.Unread
	for _, x := range dr {
		if !x.Read {
			n++
		}
	}
	return n, err
}

// setFlags sets a boolean field on the items at the given indexes of a
// bucket, by index: pushes only ever append, so the indexes stay valid even
// if another process appends meanwhile.
func (d *DB) setFlags(ctx context.Context, userID string, b int, field string, idx []int) error {
	if len(idx) == 0 {
		return nil
	}
	set := bson.D{}
	for _, i := range idx {
		set = append(set, bson.E{Key: fmt.Sprintf("items.%d.%s", i, field), Value: true})
	}
	_, err := d.db.Collection(colNoteBuckets).UpdateOne(ctx, byID(bucketID(userID, b)), bson.D{{Key: "$set", Value: set}})
	return mapErr("mark notifications", err)
}

// rawBucket reads a bucket as stored, for setFlags' indexes.
func (d *DB) rawBucket(ctx context.Context, userID string, b int) ([]noteItem, error) {
	var nb noteBucket
	err := mapErr("notifications", d.db.Collection(colNoteBuckets).FindOne(ctx, byID(bucketID(userID, b))).Decode(&nb))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, nil
	}
	return nb.Items, err
}

// MarkRead marks the user's notifications with ids (all when ids is nil)
// read: the buckets holding ids, or those from the oldest unread one on.
func (d *DB) MarkRead(ctx context.Context, userID string, ids []string) error {
	defer d.lockLog(userID)()
	h, err := d.absorb(ctx, userID)
	if err != nil || h.Count == 0 {
		return err
	}
	var buckets []int
	want := map[string]bool{}
	if ids == nil {
		for b := h.UnreadFrom; b <= bucketOf(h.Count-1); b++ {
			buckets = append(buckets, b)
		}
	} else {
		for _, id := range ids {
			want[id] = true
			if b := findBucket(h, id); !slices.Contains(buckets, b) {
				buckets = append(buckets, b)
			}
		}
	}
	marked := 0
	for _, b := range buckets {
		items, err := d.rawBucket(ctx, userID, b)
		if err != nil {
			return err
		}
		var idx []int
		for i, it := range items {
			if !it.Read && (ids == nil || want[it.ID]) {
				idx = append(idx, i)
			}
		}
		if err := d.setFlags(ctx, userID, b, "read", idx); err != nil {
			return err
		}
		marked += len(idx)
	}
	_, err = d.updateHead(ctx, userID, func(nh *noteHead) {
		nh.Unread = max(nh.Unread-marked, 0)
		if ids == nil && nh.Count == h.Count {
			// Everything is read: the counter is exact again, whatever
			// a crashed append left.
			nh.Unread, nh.UnreadFrom = 0, bucketOf(h.Count)
		}
	})
	return err
}

// PendingDigest returns the digest-only notifications not yet summed up:
// for each user listed as waiting, the buckets from their oldest waiting one.
func (d *DB) PendingDigest(ctx context.Context) ([]domain.Notification, error) {
	var doc struct {
		Users []string `bson:"users"`
	}
	err := mapErr("digest users", d.db.Collection(colMeta).FindOne(ctx, byID(digestUsersID)).Decode(&doc))
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return nil, err
	}
	var out []domain.Notification
	for _, u := range doc.Users {
		h, dr, err := d.logOf(ctx, u)
		if err != nil {
			return nil, err
		}
		for b := h.DigestFrom; b <= bucketOf(max(h.Count-1, 0)) && h.LastDigest >= 0; b++ {
			items, err := d.bucket(ctx, u, b)
			if err != nil {
				return nil, err
			}
			for _, it := range items {
				if it.Pos < h.Count && it.Digest && !it.Digested {
					out = append(out, it.Notification)
				}
			}
		}
		for _, n := range dr {
			if n.Digest && !n.Digested {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// MarkDigested records that notifications were summed up in a digest.
func (d *DB) MarkDigested(ctx context.Context, ns []domain.Notification) error {
	byUser := map[string][]string{}
	for _, n := range ns {
		byUser[n.UserID] = append(byUser[n.UserID], n.ID)
	}
	for u, ids := range byUser {
		if err := d.markDigested(ctx, u, ids); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) markDigested(ctx context.Context, userID string, ids []string) error {
	defer d.lockLog(userID)()
	h, err := d.absorb(ctx, userID)
	if err != nil {
		return err
	}
	want := map[string]bool{}
	var buckets []int
	for _, id := range ids {
		want[id] = true
		if b := findBucket(h, id); !slices.Contains(buckets, b) {
			buckets = append(buckets, b)
		}
	}
	last := -1
	for _, b := range buckets {
		items, err := d.rawBucket(ctx, userID, b)
		if err != nil {
			return err
		}
		var idx []int
		for i, it := range items {
			if want[it.ID] {
				idx = append(idx, i)
				last = max(last, it.Pos)
			}
		}
		if err := d.setFlags(ctx, userID, b, "digested", idx); err != nil {
			return err
		}
	}
	if last < 0 {
		return nil
	}
	// Nothing before the last one summed up waits any more.
	if _, err := d.updateHead(ctx, userID, func(nh *noteHead) { nh.DigestFrom = max(nh.DigestFrom, bucketOf(last)) }); err != nil {
		return err
	}
	if err := d.setDigestUser(ctx, userID, false); err != nil {
		return err
	}
	// A digest notification appended meanwhile by another process may have
	// listed the user before the line above took them off: list them again.
	if h, err = d.head(ctx, userID); err != nil {
		return err
	}
	if h.LastDigest > last {
		return d.setDigestUser(ctx, userID, true)
	}
	return nil
}
