package mongo

import (
	"cmp"
	"context"
	"errors"
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
// another writer may take it over: longer than a writer may take between
// its claim and its document's write landing (claimBudget, then Open's
// client timeout for the write itself), so a key whose document is still
// being written is never taken.
const claimGrace = 2 * time.Minute

// claimBudget is how long after its claim an account's insert may still
// start: a sign-up claims the email while the password hashes
// (app.Accounts.Register), so the insert waits for the hash. An insert
// starting by then lands within claimBudget + the client's 30 s timeout,
// before claimGrace.
const claimBudget = claimGrace / 2

// NormalizeEmail is the form an email is stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

var errEmailTaken = domain.CodedError(domain.KindConflict, "email_taken", "email already registered")

// CreateUser inserts u, assigning its ID. A taken email is a conflict. It
// is ClaimEmail, then CreateClaimedUser.
func (d *DB) CreateUser(ctx context.Context, u *domain.User) error {
	id, at, err := d.ClaimEmail(ctx, u.Email)
	if err != nil {
		return err
	}
	u.ID = id
	return d.CreateClaimedUser(ctx, u, at)
}

// ClaimEmail claims email for a new account: it inserts the email key
// {_id: email, userId: id} and returns the new account's id and the time
// of the claim (no later than the time stored in the key). A taken email
// is a conflict (email_taken); a key whose account was never written (a
// crash, or a sign-up that failed after its claim) is taken over once it
// is older than claimGrace.
//
// The key is written before its account, so a crash in between leaves a
// key whose account does not exist, never an account whose email a second
// sign-up could take. The caller then writes the account with
// CreateClaimedUser, or gives the key up with ReleaseEmail.
func (d *DB) ClaimEmail(ctx context.Context, email string) (id string, at time.Time, err error) {
	id, email, at = NewID(), NormalizeEmail(email), time.Now().UTC()
	ok, err := d.claimKey(ctx, "claim email", colUserEmails, "userId", email, id,
		emailKey{Email: email, UserID: id, At: at},
		func(id string) error { _, err := d.UserByID(ctx, id); return err })
	if err == nil && !ok {
		err = errEmailTaken
	}
	return id, at, err
}

// CreateClaimedUser inserts u, whose email ClaimEmail claimed for u.ID at
// at. An insert that could no longer land within claimGrace of the claim
// (it would start later than claimBudget after it) is not made: the claim
// is released and the error says to retry.
func (d *DB) CreateClaimedUser(ctx context.Context, u *domain.User, at time.Time) error {
	u.Email = NormalizeEmail(u.Email)
	if time.Since(at) > claimBudget {
		if err := d.ReleaseEmail(ctx, u.Email, u.ID); err != nil {
			return err
		}
		return unavailable("create user", errors.New("the email claim is too old for its account to be written"))
	}
	_, err := d.db.Collection(colUsers).InsertOne(ctx, u)
	d.accountWritten(u.ID, heldAccount{name: u.Name, session: u.SessionVersion}, heldAll, err != nil)
	if err = mapErr("create user", err); domain.IsKind(err, domain.KindConflict) {
		// Only an account written before the keys existed can still hold
		// this email (the old unique index on users.email).
		return errEmailTaken
	}
	return err
}

// ReleaseEmail gives up the claim on email that ClaimEmail made for the
// account id, for a sign-up that ends before it writes its account: the
// key is deleted if it still names id and no account id is stored, so that
// the email can be signed up with again at once rather than after
// claimGrace. A key another sign-up has taken over is left alone. The
// caller must not write the account afterwards, nor call this after an
// insert of the account whose outcome is unknown.
//
// The delete is conditional on the owner: a filter on {_id, userId} on
// MongoDB, read-compare-delete under the key's lock on the embedded engine.
func (d *DB) ReleaseEmail(ctx context.Context, email, id string) error {
	email = NormalizeEmail(email)
	defer d.locks.lock(colUserEmails + email)()
	if _, err := d.UserByID(ctx, id); !domain.IsKind(err, domain.KindNotFound) {
		return err // stored (nil): the key is its account's
	}
	c := d.db.Collection(colUserEmails)
	filter := bson.D{{Key: "_id", Value: email}, {Key: "userId", Value: id}}
	if d.embedded {
		var k emailKey
		err := mapErr("read email key", c.FindOne(ctx, byID(email)).Decode(&k))
		if domain.IsKind(err, domain.KindNotFound) || (err == nil && k.UserID != id) {
			return nil
		}
		if err != nil {
			return err
		}
		filter = byID(email) // compared above, under the lock
	}
	_, err := c.DeleteOne(ctx, filter)
	return mapErr("release email", err)
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
// the email key and one of the account, both by _id (findByID: straight
// from the embedded engine's storage, as every sign-in asks).
func (d *DB) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var k emailKey
	if ok, err := d.findByID(ctx, "user by email", colUserEmails, NormalizeEmail(email), &k); err != nil || !ok {
		return nil, cmp.Or[error](err, domain.ErrNotFound)
	}
	return d.UserByID(ctx, k.UserID)
}

// UserByID returns the user with id, read by _id (findByID, as GET /me and
// every sign-in ask).
func (d *DB) UserByID(ctx context.Context, id string) (*domain.User, error) {
	var u domain.User
	if ok, err := d.findByID(ctx, "user by id", colUsers, id, &u); err != nil || !ok {
		return nil, cmp.Or[error](err, domain.ErrNotFound)
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
