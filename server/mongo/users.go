package mongo

import (
	"context"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colUserEmails maps a normalised email to its account: {_id: email,
// userId}. It is how an account is found by email with one read by _id, and
// the duplicate _id of a second insert is what makes an email unique.
const colUserEmails = "user_emails"

type emailKey struct {
	Email  string    `bson:"_id"`
	UserID string    `bson:"userId"`
	At     time.Time `bson:"at"`
}

// claimGrace is how old a key whose document does not exist must be before
// another writer may take it over: longer than the driver lets the write
// after the claim take (Open's client timeout), so a key whose document is
// still being written is never taken.
const claimGrace = 2 * time.Minute

// NormalizeEmail is the form an email is stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser inserts u, assigning its ID. A taken email is a conflict.
//
// The email key is claimed first and the account written second, so a
// crash in between leaves a key whose account does not exist; a sign-up
// with that email after claimGrace takes such a key over instead of being
// refused forever.
func (d *DB) CreateUser(ctx context.Context, u *domain.User) error {
	u.ID = NewID()
	u.Email = NormalizeEmail(u.Email)
	taken := domain.CodedError(domain.KindConflict, "email_taken", "email already registered")
	ok, err := d.claimKey(ctx, "claim email", colUserEmails, "userId", u.Email, u.ID,
		emailKey{Email: u.Email, UserID: u.ID, At: time.Now().UTC()},
		func(id string) error { _, err := d.UserByID(ctx, id); return err })
	if err != nil {
		return err
	}
	if !ok {
		return taken
	}
	_, err = d.db.Collection(colUsers).InsertOne(ctx, u)
	d.accountWritten(u.ID, heldAccount{name: u.Name, session: u.SessionVersion}, heldAll, err != nil)
	if err = mapErr("create user", err); domain.IsKind(err, domain.KindConflict) {
		// Only an account written before the keys existed can still hold
		// this email (the old unique index on users.email).
		return taken
	}
	return err
}

// claimKey inserts doc, the key document col/_id=key naming owner id in
// field, which is how a natural key is made unique: a duplicate _id. A key
// left by a crash (its owner, looked up by lookup, was never stored) is
// taken over. It reports false when the key belongs to a stored owner.
func (d *DB) claimKey(ctx context.Context, op, col, field, key, id string, doc any, lookup func(id string) error) (bool, error) {
	_, err := d.db.Collection(col).InsertOne(ctx, doc)
	if err = mapErr(op, err); !domain.IsKind(err, domain.KindConflict) {
		return err == nil, err
	}
	return d.takeOverKey(ctx, col, field, key, id, func(owner string) (bool, error) {
		err := lookup(owner)
		if domain.IsKind(err, domain.KindNotFound) {
			return false, nil
		}
		return err == nil, err
	})
}

// takeOverKey points the key doc col/_id=key, whose current owner (in
// field) is orphaned (live reports false and the claim is older than
// claimGrace), to newOwner. It reports false when the owner is alive or may
// still be being written. The swap is conditional on the old owner: a
// filter on {_id, field} on MongoDB, read-compare-write under the lock on
// the embedded engine.
func (d *DB) takeOverKey(ctx context.Context, col, field, key, newOwner string, live func(owner string) (bool, error)) (bool, error) {
	defer d.locks.lock(col + key)()
	c := d.db.Collection(col)
	var cur bson.M
	if err := c.FindOne(ctx, byID(key)).Decode(&cur); err != nil {
		return false, mapErr("read key", err)
	}
	owner, _ := cur[field].(string)
	if at, ok := cur["at"].(bson.DateTime); ok && time.Since(at.Time()) < claimGrace {
		return false, nil
	}
	if alive, err := live(owner); err != nil || alive {
		return false, err
	}
	filter := bson.D{{Key: "_id", Value: key}, {Key: field, Value: owner}}
	if d.embedded {
		filter = byID(key) // compared above, under the lock
	}
	res, err := c.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: field, Value: newOwner}, {Key: "at", Value: time.Now().UTC()}}}})
	if err != nil {
		return false, mapErr("take over key", err)
	}
	return res.MatchedCount == 1, nil
}

// UserByEmail returns the user with email (case-insensitive): one read of
// the email key and one of the account, both by _id.
func (d *DB) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var k emailKey
	if err := d.db.Collection(colUserEmails).FindOne(ctx, byID(NormalizeEmail(email))).Decode(&k); err != nil {
		return nil, mapErr("user by email", err)
	}
	return d.UserByID(ctx, k.UserID)
}

// UserByID returns the user with id.
func (d *DB) UserByID(ctx context.Context, id string) (*domain.User, error) {
	var u domain.User
	if err := d.db.Collection(colUsers).FindOne(ctx, byID(id)).Decode(&u); err != nil {
		return nil, mapErr("user by id", err)
	}
	return &u, nil
}

// UpdateUser overwrites the stored user with u. The email is the account's
// key and is kept as stored.
func (d *DB) UpdateUser(ctx context.Context, u *domain.User) error {
	defer d.lockAccount(u.ID)()
	old, err := d.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	u.Email = old.Email
	res, err := d.db.Collection(colUsers).ReplaceOne(ctx, byID(u.ID), u)
	if err != nil || res.MatchedCount > 0 {
		d.accountWritten(u.ID, heldAccount{name: u.Name, session: u.SessionVersion}, heldAll, err != nil)
	}
	if err != nil {
		return mapErr("update user", err)
	}
	if res.MatchedCount == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// SetUserName changes an account's display name alone, so that it cannot
// undo a password change made at the same moment (UpdateUser replaces the
// whole account).
func (d *DB) SetUserName(ctx context.Context, id, name string) error {
	defer d.lockAccount(id)()
	res, err := d.db.Collection(colUsers).UpdateOne(ctx, byID(id), bson.D{{Key: "$set", Value: bson.D{{Key: "name", Value: name}}}})
	if err != nil || res.MatchedCount > 0 {
		d.accountWritten(id, heldAccount{name: name}, heldName, err != nil)
	}
	if err != nil {
		return mapErr("set user name", err)
	}
	if res.MatchedCount == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// CountUsers counts users, for deciding at start whether the database is
// empty (a count of the collection, run once per start, not per request).
func (d *DB) CountUsers(ctx context.Context) (int, error) {
	n, err := d.db.Collection(colUsers).CountDocuments(ctx, bson.D{})
	return int(n), mapErr("count users", err)
}
