package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Bulk loading: the demo set and the scale benchmark write whole sets of
// records at once, a batch per write, with ids chosen by the caller (so a
// load run again after an interruption writes the same ids) and records
// already stored left as they are. Profiles written this way get no outbox
// marks: the loader rebuilds the read model and the search index from the
// database once it is done.

// bulkBatch is how many documents one insert carries.
const bulkBatch = 1000

// InsertUsers stores accounts in bulk, each with its email key (keys
// first, as CreateUser claims them); an account or key stored already is
// skipped. The caller gives distinct emails.
func (d *DB) InsertUsers(ctx context.Context, us []*domain.User) error {
	docs, keys := make([]any, len(us)), make([]any, len(us))
	now := time.Now().UTC()
	for i, u := range us {
		if u.ID == "" {
			u.ID = NewID()
		}
		u.Email = NormalizeEmail(u.Email)
		docs[i], keys[i] = u, emailKey{Email: u.Email, UserID: u.ID, At: now}
	}
	if err := d.insertMany(ctx, colUserEmails, keys); err != nil {
		return err
	}
	// An account stored already keeps what it holds, which the book does
	// not know: it is read from the database until the next start.
	kept, err := d.insertManyKept(ctx, colUsers, docs)
	for i, u := range us {
		d.accountWritten(u.ID, heldAccount{name: u.Name, session: u.SessionVersion}, heldAll, err != nil || kept[i])
	}
	return err
}

// InsertStartups stores startups in bulk, version 1 unless set, each in
// its founder's list first (as CreateStartup does).
func (d *DB) InsertStartups(ctx context.Context, ss []*domain.Startup) error {
	docs := make([]any, len(ss))
	for i, s := range ss {
		if s.ID == "" {
			s.ID = NewID()
		}
		s.Version = max(s.Version, 1)
		docs[i] = s
		if err := d.listAdd(ctx, listOwnStartups, s.OwnerID, s.ID); err != nil {
			return err
		}
	}
	return d.insertMany(ctx, colStartups, docs)
}

// InsertInvestors stores investor profiles in bulk, version 1 unless set.
func (d *DB) InsertInvestors(ctx context.Context, invs []*domain.Investor) error {
	docs, keys := make([]any, len(invs)), make([]any, len(invs))
	now := time.Now().UTC()
	for i, inv := range invs {
		if inv.ID == "" {
			inv.ID = NewID()
		}
		inv.Version = max(inv.Version, 1)
		docs[i], keys[i] = inv, ownerKey{OwnerID: inv.OwnerID, InvestorID: inv.ID, At: now}
	}
	if err := d.insertMany(ctx, colInvestorOwners, keys); err != nil {
		return err
	}
	return d.insertMany(ctx, colInvestors, docs)
}

// InsertSpaces stores maker spaces in bulk, version 1 unless set.
func (d *DB) InsertSpaces(ctx context.Context, sps []*domain.Space) error {
	docs := make([]any, len(sps))
	for i, sp := range sps {
		if sp.ID == "" {
			sp.ID = NewID()
		}
		sp.Version = max(sp.Version, 1)
		docs[i] = sp
	}
	return d.insertMany(ctx, colSpaces, docs)
}

// InsertRoomEvents stores whole room records in bulk, as the buckets
// AppendRoomEvent fills one event at a time; a bucket stored already is
// skipped. Each roadshow's events must all be given in one call.
func (d *DB) InsertRoomEvents(ctx context.Context, es []domain.RoomEvent) error {
	byID := map[string]*eventBucket{}
	var docs []any
	for _, e := range es {
		e.ID = fmt.Sprintf("%s:%012d", e.RoadshowID, e.Seq) // as AppendRoomEvent
		id := eventBucketID(e.RoadshowID, e.Seq)
		b := byID[id]
		if b == nil {
			b = &eventBucket{ID: id}
			byID[id] = b
			docs = append(docs, b)
		}
		b.Events, b.Seqs = append(b.Events, e), append(b.Seqs, e.Seq)
	}
	return d.insertMany(ctx, colRoomEventBuckets, docs)
}

// InsertAttendance stores who attended roadshows in bulk, as SaveAttendance
// leaves each record (the attendee list first, then the records); a record
// stored already is kept.
func (d *DB) InsertAttendance(ctx context.Context, as []domain.Attendance) error {
	users := map[string][]string{}
	var shows []string
	docs := make([]any, len(as))
	for i, a := range as {
		a.ID = a.RoadshowID + ":" + a.UserID
		docs[i] = a
		if users[a.RoadshowID] == nil {
			shows = append(shows, a.RoadshowID)
		}
		users[a.RoadshowID] = append(users[a.RoadshowID], a.UserID)
	}
	for _, id := range shows {
		_, err := upsertUpdate(ctx, d.db.Collection(colLists), byID(listID(listAttendees, id)),
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "ids", Value: bson.D{{Key: "$each", Value: users[id]}}}}}})
		if err := mapErr("add to "+listAttendees, err); err != nil {
			return err
		}
	}
	return d.insertMany(ctx, colAttendance, docs)
}

// insertMany inserts docs a batch at a time, unordered, and ignores
// duplicate ids: those documents are stored already.
func (d *DB) insertMany(ctx context.Context, col string, docs []any) error {
	_, err := d.insertManyKept(ctx, col, docs)
	return err
}

// insertManyKept is insertMany that also says which docs (by index) were
// skipped because a document with their _id was stored already.
func (d *DB) insertManyKept(ctx context.Context, col string, docs []any) (map[int]bool, error) {
	c := d.db.Collection(col)
	kept := map[int]bool{}
	for start := 0; start < len(docs); start += bulkBatch {
		batch := docs[start:min(len(docs), start+bulkBatch)]
		_, err := c.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		if err != nil && !onlyDuplicates(err) {
			return kept, mapErr("bulk insert "+col, err)
		}
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) {
			for _, we := range bwe.WriteErrors {
				kept[start+we.Index] = true
			}
		}
	}
	return kept, nil
}

// onlyDuplicates reports whether every error in a bulk write is a
// duplicate key.
func onlyDuplicates(err error) bool {
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return false
		}
	}
	return true
}

// A load's progress is kept in the meta collection, one record per load,
// so that a start interrupted mid-way finishes the load on the next start.
type loadDoc struct {
	ID    string    `bson:"_id"`
	State string    `bson:"state"`
	At    time.Time `bson:"at"`
}

// LoadState returns the recorded state of the load name ("" when none).
func (d *DB) LoadState(ctx context.Context, name string) (string, error) {
	var doc loadDoc
	err := d.db.Collection(colMeta).FindOne(ctx, bson.D{{Key: "_id", Value: "load:" + name}}).Decode(&doc)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return "", nil
	}
	if err != nil {
		return "", mapErr("load state", err)
	}
	return doc.State, nil
}

// SetLoadState records the state of the load name.
func (d *DB) SetLoadState(ctx context.Context, name, state string) error {
	_, err := d.db.Collection(colMeta).ReplaceOne(ctx, bson.D{{Key: "_id", Value: "load:" + name}},
		loadDoc{ID: "load:" + name, State: state, At: time.Now().UTC()}, options.Replace().SetUpsert(true))
	return mapErr("record load state", err)
}

// InsertNotificationLogs stores the notifications of users who have none
// yet, in bulk: each user's log (head and buckets, as appendNotes leaves
// them) built in memory and written a batch of documents at a time, ids
// assigned in order. A user whose log exists already is skipped, and the
// notifications given for them are left with no id (none of them was
// stored). Digest deliveries are not taken: they also need the digest
// list.
func (d *DB) InsertNotificationLogs(ctx context.Context, ns []*domain.Notification) error {
	byUser := map[string][]*domain.Notification{}
	var users []string
	for _, n := range ns {
		if n.Digest {
			return errors.New("mongo: bulk notifications cannot wait for a digest")
		}
		if byUser[n.UserID] == nil {
			users = append(users, n.UserID)
		}
		byUser[n.UserID] = append(byUser[n.UserID], n)
	}
	var heads, buckets []any
	for _, uid := range users {
		h := noteHead{UserID: uid, Version: 1, LastDigest: -1}
		var items []noteItem
		for _, n := range byUser[uid] {
			n.ID = NewID()
			p := h.Count
			if len(h.Firsts) <= bucketOf(p) {
				h.Firsts = append(h.Firsts, n.ID)
			}
			h.Count++
			if !n.Read {
				h.Unread++
			}
			items = append(items, noteItem{Pos: p, Notification: *n})
			if len(items) == noteBucketSize || h.Count == len(byUser[uid]) {
				doc, err := packBucket(bucketID(uid, bucketOf(p)), 1, items)
				if err != nil {
					return err
				}
				buckets = append(buckets, doc)
				items = nil
			}
		}
		heads = append(heads, h)
	}
	// Buckets first: a head is what makes a log visible.
	if err := d.insertMany(ctx, colNoteBuckets, buckets); err != nil {
		return err
	}
	kept, err := d.insertManyKept(ctx, colNoteHeads, heads)
	for i := range kept {
		for _, n := range byUser[users[i]] {
			n.ID = ""
		}
	}
	return err
}
