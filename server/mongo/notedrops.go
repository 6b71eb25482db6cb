package mongo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// A fan-out (one event told to many users: a match alert to every fitting
// investor) would cost each recipient a head write and a bucket push, and
// FerretDB runs every update as its own fsynced SQLite transaction after
// decoding and re-encoding the whole bucket. So on the embedded engine a
// fan-out drops each recipient's notes into a new small document instead,
// notification_drops {_id: userId/k, items}, and inserts them all at once
// (FerretDB inserts a batch of 100 documents in one transaction):
//
//   - a user's drops are numbered k = head.drops, head.drops+1, … up to
//     the first missing one; they follow the log's positions, newest last,
//     and every read of the log reads them too (usually one missing _id);
//   - any write to the user's log under the user's lock (an append,
//     marking read, the digest) first absorbs them: pushes their items
//     into the buckets at the next positions (skipping any a crashed
//     absorb pushed already), then moves head.drops past them, then
//     deletes them. A crash before the head write repeats the absorb; a
//     crash after it leaves drops below head.drops that nothing reads;
//   - a user found with dropsMax drops waiting (by a fan-out or a read) is
//     absorbed in the background, one user at a time; a fan-out to a user
//     with dropsHard waiting appends to that log itself. So a read has a
//     few drops to read, and the fan-out rarely more than its inserts.
//
// Numbering a drop from the head read under the user's lock is exact only
// while this process is the database's only client, so drops are written
// on the embedded engine only; on MongoDB a fan-out appends to each log
// (its writes are cheap there and its conditional head write is atomic).
const (
	colNoteDrops = "notification_drops"
	// dropsMax drops waiting send the user to the background absorber;
	// at dropsHard the fan-out appends to that user's log itself.
	dropsMax  = 16
	dropsHard = 64
	// dropBatch drops go in one insert: the embedded FerretDB commits an
	// insert 100 documents to a transaction (its BatchSize), so each batch
	// is one fsync, and a background fan-out gives way between them.
	dropBatch = 100
)

type noteDrop struct {
	ID    string                `bson:"_id"`
	Items []domain.Notification `bson:"items"`
}

func dropID(userID string, k int) string { return fmt.Sprintf("%s/%08d", userID, k) }

// absorb moves the user's drops into the log (see above) and returns the
// head after. The caller holds lockLog.
func (d *DB) absorb(ctx context.Context, userID string) (noteHead, error) {
	return d.appendLocked(ctx, userID, nil)
}

// absorbPush reads the head and the drops waiting and pushes the drops'
// items into the buckets at the positions after the head's count, skipping
// any that a crashed absorb pushed already. It returns the head, the items
// and the number of the first missing drop; the caller's head write counts
// them.
func (d *DB) absorbPush(ctx context.Context, userID string) (noteHead, []domain.Notification, int, error) {
	h, err := d.head(ctx, userID)
	if err != nil {
		return h, nil, 0, err
	}
	if hint, ok := d.hints.get(userID); ok && hint.drops == h.Drops && hint.next == h.Drops {
		return h, nil, h.Drops, nil // nothing waiting
	}
	items, next, err := d.drops(ctx, userID, h.Drops)
	if err != nil || len(items) == 0 {
		return h, nil, next, err
	}
	d.hints.forget(userID) // until the caller's head write has landed
	byBucket := map[int][]noteItem{}
	for i, n := range items {
		p := h.Count + i
		byBucket[bucketOf(p)] = append(byBucket[bucketOf(p)], noteItem{Pos: p, Notification: n})
	}
	for b, its := range byBucket {
		// addItems skips the items a crashed absorb added already.
		if err := d.addItems(ctx, userID, b, its); err != nil {
			return h, nil, 0, err
		}
	}
	return h, items, next, nil
}

// absorbed records that the drops from..next are in the log: none wait
// now, and those documents go to the sweeper.
func (d *DB) absorbed(userID string, from, next int) {
	d.hints.set(userID, dropHint{drops: next, next: next}, true)
	var dead []string
	for k := from; k < next; k++ {
		dead = append(dead, dropID(userID, k))
	}
	d.sweep.add(dead...)
}

// dropNotes stores a fan-out's notes, byUser in users' order, as drops.
// Fan-outs run one at a time, so only this one adds drops meanwhile: each
// user's next drop number is read (head and drops, four users at a time)
// while other writes go on, since an absorb only ever moves head.drops up
// to the first missing drop. Then, with appends to logs held off (so that
// a user's ids keep growing with their positions), the ids are given and
// every drop inserted, a batch of documents per transaction. Users with
// dropsHard drops waiting, or whose drop could not be inserted, are
// appended to the ordinary way afterwards.
func (d *DB) dropNotes(ctx context.Context, users []string, byUser map[string][]*domain.Notification) error {
	d.fanOut.Lock()
	defer d.fanOut.Unlock()
	from := make([]int, len(users))
	next := make([]int, len(users))
	full := make([]bool, len(users))
	err := parallel(ctx, 4, len(users), func(i int) error {
		if h, ok := d.hints.get(users[i]); ok {
			from[i], next[i], full[i] = h.drops, h.next, h.next-h.drops >= dropsHard
			return nil
		}
		h, err := d.head(ctx, users[i])
		if err != nil {
			return err
		}
		_, k, err := d.drops(ctx, users[i], h.Drops)
		from[i], next[i], full[i] = h.Drops, k, k-h.Drops >= dropsHard
		return err
	})
	if err != nil {
		return err
	}
	if err := d.insertDrops(ctx, users, byUser, from, next, full); err != nil {
		return err
	}
	var rest []string
	for i, f := range full {
		if f {
			rest = append(rest, users[i])
		}
	}
	return parallel(ctx, 4, len(rest), func(j int) error {
		return d.appendNotes(ctx, rest[j], byUser[rest[j]])
	})
}

// insertDrops gives the notes their ids and inserts the users' drops
// numbered next, but for the full ones, a batch of users per transaction;
// a drop refused as taken marks its user full. Each batch gives way to
// users' writes first (a fan-out is the dispatcher's, a background write:
// gate.go) and holds appends off only while its own drops get their ids
// and go in, so that a user's write waits for one transaction at most
// rather than the whole fan-out. Numbering apart from inserting is safe as
// it was for the first batch: an absorb only moves head.drops up to the
// first missing drop, which a drop not yet inserted is.
func (d *DB) insertDrops(ctx context.Context, users []string, byUser map[string][]*domain.Notification, from, next []int, full []bool) error {
	var todo []int
	var digest bson.A
	for i, u := range users {
		if full[i] {
			d.hints.forget(u) // numbered wrong, or not known: appended to afterwards
			continue
		}
		todo = append(todo, i)
		if slices.ContainsFunc(byUser[u], func(n *domain.Notification) bool { return n.Digest }) {
			digest = append(digest, u)
		}
	}
	for start := 0; start < len(todo); start += dropBatch {
		d.giveWay(ctx)
		if err := d.insertDropBatch(ctx, users, byUser, from, next, full, todo[start:min(len(todo), start+dropBatch)]); err != nil {
			return err
		}
	}
	if len(digest) == 0 {
		return nil
	}
	d.giveWay(ctx)
	_, err := upsertUpdate(ctx, d.db.Collection(colMeta), byID(digestUsersID),
		bson.D{{Key: "$addToSet", Value: bson.D{{Key: "users", Value: bson.D{{Key: "$each", Value: digest}}}}}})
	return mapErr("digest users", err)
}

// insertDropBatch inserts the drops of the users at batch (indexes into
// users) in one transaction, with appends held off. The hints change
// before appends may run again, so that no append takes a user for one
// with nothing waiting while its drop is in.
func (d *DB) insertDropBatch(ctx context.Context, users []string, byUser map[string][]*domain.Notification, from, next []int, full []bool, batch []int) (err error) {
	d.dropsMu.Lock()
	defer d.dropsMu.Unlock()
	defer func() {
		for _, i := range batch {
			u := users[i]
			if err != nil || full[i] {
				d.hints.forget(u) // absorbed meanwhile, numbered wrong, or not known to be in
				continue
			}
			h := dropHint{drops: from[i], next: next[i] + 1}
			if cur, ok := d.hints.get(u); ok && cur.drops > h.drops {
				h.drops = cur.drops // an absorb between the numbering and the insert
			}
			d.hints.set(u, h, true)
			if h.next-h.drops >= dropsMax {
				d.absorber.add(u)
			}
		}
	}()
	docs := make([]any, 0, len(batch))
	for _, i := range batch {
		u := users[i]
		d.hints.dropping(u)
		dr := noteDrop{ID: dropID(u, next[i])}
		for _, n := range byUser[u] {
			n.ID = NewID()
			dr.Items = append(dr.Items, *n)
		}
		docs = append(docs, dr)
	}
	_, err = d.db.Collection(colNoteDrops).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && onlyDuplicates(err) {
		for _, we := range bwe.WriteErrors {
			full[batch[we.Index]] = true
		}
		err = nil
	}
	return mapErr("insert notification drops", err)
}

// SweepDeadDrops queues for deletion the drops an absorb moved past (below
// their user's head.drops, never read again) whose deletion a stop or a
// crash cut short: the sweeper's queue is in memory. The server calls it
// once per start, in the background, after Warm has read the drops' ids
// (findDrops: the one scan of the collection, which holds only drops not
// yet absorbed or not yet swept, so it stays small); it reads each of
// their users' heads by _id, and returns how many it queued.
func (d *DB) SweepDeadDrops(ctx context.Context) (int, error) {
	ctx = domain.Background(ctx)
	var byUser map[string][]string
	if held := d.startDrops.Swap(nil); held != nil {
		byUser = *held
	} else {
		var err error
		if byUser, err = d.findDrops(ctx); err != nil {
			return 0, err
		}
	}
	var dead []string
	for user, ids := range byUser {
		h, err := d.head(ctx, user)
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			// dropID's zero-padded number orders as a string too
			if id < dropID(user, h.Drops) {
				dead = append(dead, id)
			}
		}
	}
	d.sweep.add(dead...)
	return len(dead), nil
}

// findDrops reads the drops' ids, by user, and on the embedded engine
// tells the hints which users have drops: from then on a fan-out or a
// read of a user who had none and got none since probes for none
// (notehints.go). Warm calls it before the server is ready, so that the
// first fan-outs (a start dispatches the alerts the last run left) and
// reads probe nothing; SweepDeadDrops then uses what it found.
func (d *DB) findDrops(ctx context.Context) (map[string][]string, error) {
	found, err := d.dropIDs(ctx)
	if err != nil {
		return nil, err
	}
	byUser := map[string][]string{}
	for _, id := range found {
		if i := strings.LastIndexByte(id, '/'); i > 0 {
			byUser[id[:i]] = append(byUser[id[:i]], id)
		}
	}
	if d.embedded {
		// Drops are this process's alone here: the users not found have
		// none, and reads need not probe for them (notehints.go).
		d.hints.found(slices.Collect(maps.Keys(byUser)))
	}
	return byUser, nil
}

// dropIDs reads the ids of every drop: straight from the embedded engine's
// storage when the platform gave the way (StringScan), else through the
// driver, which has FerretDB decode every drop whole.
func (d *DB) dropIDs(ctx context.Context) ([]string, error) {
	var ids []string
	if d.scan != nil {
		err := d.scan(ctx, d.db.Name(), colNoteDrops, []string{"_id"}, func(v []string) error {
			ids = append(ids, v[0])
			return nil
		})
		return ids, mapErr("drops", err)
	}
	cur, err := d.db.Collection(colNoteDrops).Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, mapErr("drops", err)
	}
	var found []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return nil, mapErr("drops decode", err)
	}
	for _, f := range found {
		ids = append(ids, f.ID)
	}
	return ids, nil
}
