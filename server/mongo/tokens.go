package mongo

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Refresh tokens are stored so that every operation is a few reads and
// writes by _id:
//
//   - refresh_tokens: {_id: hash of the token, userId, family, used, ...};
//   - refresh_families: {_id: family, userId, expiresAt}: a session. A
//     token works only while its family exists, so revoking a session is one
//     delete by _id, and its tokens are garbage for the sweep;
//   - refresh_expiry: {_id: "YYYY-MM-DD", hashes, families, revoked}: what
//     expires that day (UTC), so the hourly sweep reads the past days'
//     buckets instead of filtering every token by date. Only on MongoDB: on
//     the embedded engine the sweep reads the tokens', sessions' and
//     revocation marks' expiry straight from FerretDB's SQLite tables
//     (tokens_sweep.go), which saves a sign-in and a rotation an fsynced
//     write of a document that grows with every sign-in of the day;
//   - refresh_users: {_id: userId, families}: a user's sessions, written by
//     releases before schema version 10 for signing out everywhere, which
//     the account's session version does by itself (a token of an older
//     version is refused and its session revoked: app.Accounts.Refresh);
//     step 9 → 10 drops the collection.
const (
	colRefreshFamilies = "refresh_families"
	colRefreshUsers    = "refresh_users"
	colRefreshExpiry   = "refresh_expiry"
	// sweepDocID in colMeta records the last day the sweep has emptied.
	sweepDocID = "refresh_sweep"
	// sweepLookback is how far back a first sweep looks (longer than any
	// refresh token lives).
	sweepLookback = 400 * 24 * time.Hour
)

type refreshFamily struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

type userFamilies struct {
	ID       string   `bson:"_id"`
	Families []string `bson:"families"`
}

type expiryBucket struct {
	Day      string   `bson:"_id"`
	Hashes   []string `bson:"hashes"`
	Families []string `bson:"families"`
	// Revoked lists the revocation marks (colRevoked) to delete that day.
	Revoked []string `bson:"revoked"`
}

func expiryDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// SaveRefresh stores t and makes its family (the session) live until t
// expires: two fsynced writes on the embedded engine, three on MongoDB,
// whose expiry bucket is written first, so a crash part-way leaves nothing
// the sweep does not find (on the embedded engine the sweep reads the
// collections themselves).
func (d *DB) SaveRefresh(ctx context.Context, t domain.RefreshToken) error {
	if err := d.saveRefreshSession(ctx, t); err != nil {
		return err
	}
	_, err := d.db.Collection(colRefresh).InsertOne(ctx, t)
	return mapErr("save refresh token", err)
}

// saveRefreshSession writes what SaveRefresh writes besides the token.
func (d *DB) saveRefreshSession(ctx context.Context, t domain.RefreshToken) error {
	if !d.embedded {
		add := func(field, v string) bson.E { return bson.E{Key: field, Value: v} }
		if _, err := upsertUpdate(ctx, d.db.Collection(colRefreshExpiry), byID(expiryDay(t.ExpiresAt)),
			bson.D{{Key: "$addToSet", Value: bson.D{add("hashes", t.Hash), add("families", t.Family)}}}); err != nil {
			return mapErr("save refresh expiry", err)
		}
	}
	if _, err := d.db.Collection(colRefreshFamilies).ReplaceOne(ctx, byID(t.Family),
		refreshFamily{ID: t.Family, UserID: t.UserID, ExpiresAt: t.ExpiresAt}, options.Replace().SetUpsert(true)); err != nil {
		return mapErr("save refresh family", err)
	}
	return nil
}

// UseRefresh marks the unused token with hash as used and returns it. It
// returns ErrNotFound if no such token exists or its session was revoked,
// and reused=true with the token if it had already been used: a sign that it
// was stolen.
//
// Exactly one of several concurrent calls with one token gets reused=false.
// On MongoDB the update filtered by {_id, used: false} guarantees it across
// processes; on the embedded engine, which has no atomic conditional update
// and serves this process only, it is a read and a write by _id under this
// process's lock for the token.
func (d *DB) UseRefresh(ctx context.Context, hash string) (t domain.RefreshToken, reused bool, err error) {
	defer d.locks.lock(colRefresh + hash)()
	c := d.db.Collection(colRefresh)
	setUsed := bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}}
	if d.embedded {
		if err := c.FindOne(ctx, byID(hash)).Decode(&t); err != nil {
			return t, false, mapErr("find refresh token", err)
		}
		if !t.Used {
			if _, err := c.UpdateOne(ctx, byID(hash), setUsed); err != nil {
				return t, false, mapErr("use refresh token", err)
			}
		}
		reused = t.Used
		t.Used = true
	} else {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}}, setUsed)
		if err != nil {
			return t, false, mapErr("use refresh token", err)
		}
		if err := c.FindOne(ctx, byID(hash)).Decode(&t); err != nil {
			return t, false, mapErr("find refresh token", err)
		}
		reused = res.ModifiedCount == 0
	}
	if err := d.db.Collection(colRefreshFamilies).FindOne(ctx, byID(t.Family)).Err(); err != nil {
		return domain.RefreshToken{}, false, mapErr("refresh family", err) // revoked
	}
	return t, reused, nil
}

// DeleteRefreshFamily revokes a session (logout, theft): one delete by _id.
// Its tokens stop working at once and are removed by the sweep.
func (d *DB) DeleteRefreshFamily(ctx context.Context, family string) error {
	_, err := d.db.Collection(colRefreshFamilies).DeleteOne(ctx, byID(family))
	return mapErr("delete refresh family", err)
}

// DeleteRefreshExpired removes the tokens and sessions that expired on the
// days before now's (UTC), one expiry bucket a day; FerretDB has no TTL
// indexes, so the server calls this periodically. It returns how many tokens
// it deleted.
func (d *DB) DeleteRefreshExpired(ctx context.Context, now time.Time) (int, error) {
	meta := d.db.Collection(colMeta)
	var mark struct {
		Through string `bson:"through"`
	}
	err := mapErr("refresh sweep mark", meta.FindOne(ctx, byID(sweepDocID)).Decode(&mark))
	if err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return 0, err
	}
	day := now.UTC().Add(-sweepLookback).Truncate(24 * time.Hour)
	if last, perr := time.Parse(time.DateOnly, mark.Through); err == nil && perr == nil {
		day = last.Add(24 * time.Hour)
	}
	today := expiryDay(now)
	n := 0
	if d.embedded {
		k, err := d.sweepStraight(ctx, now)
		if n += k; err != nil {
			return n, err
		}
	}
	for ; expiryDay(day) < today; day = day.Add(24 * time.Hour) {
		k, err := d.sweepDay(ctx, expiryDay(day), now)
		n += k
		if err != nil {
			return n, err
		}
		if _, err := meta.ReplaceOne(ctx, byID(sweepDocID), bson.D{{Key: "_id", Value: sweepDocID}, {Key: "through", Value: expiryDay(day)}},
			options.Replace().SetUpsert(true)); err != nil {
			return n, mapErr("refresh sweep mark", err)
		}
	}
	return n, nil
}

// sweepDay empties one expiry bucket. Re-running it after a crash deletes
// what is left.
func (d *DB) sweepDay(ctx context.Context, day string, now time.Time) (int, error) {
	var b expiryBucket
	err := mapErr("refresh expiry", d.db.Collection(colRefreshExpiry).FindOne(ctx, byID(day)).Decode(&b))
	if domain.IsKind(err, domain.KindNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range b.Hashes {
		res, err := d.db.Collection(colRefresh).DeleteOne(ctx, byID(h))
		if err != nil {
			return n, mapErr("sweep refresh token", err)
		}
		n += int(res.DeletedCount)
	}
	for _, f := range b.Families {
		var fam refreshFamily
		err := mapErr("sweep family", d.db.Collection(colRefreshFamilies).FindOne(ctx, byID(f)).Decode(&fam))
		if domain.IsKind(err, domain.KindNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if fam.ExpiresAt.After(now) {
			continue // rotated since: a later bucket has it
		}
		if err := d.DeleteRefreshFamily(ctx, f); err != nil {
			return n, err
		}
	}
	for _, f := range b.Revoked {
		if _, err := d.db.Collection(colRevoked).DeleteOne(ctx, byID(f)); err != nil {
			return n, mapErr("sweep revocation mark", err)
		}
	}
	_, err = d.db.Collection(colRefreshExpiry).DeleteOne(ctx, byID(day))
	return n, mapErr("sweep refresh expiry", err)
}

// RefreshByHash returns the token stored under hash.
func (d *DB) RefreshByHash(ctx context.Context, hash string) (domain.RefreshToken, error) {
	var t domain.RefreshToken
	err := d.db.Collection(colRefresh).FindOne(ctx, byID(hash)).Decode(&t)
	return t, mapErr("refresh by hash", err)
}

// colRevoked holds a mark per revoked session (family), by _id. Deleting
// the family alone is not enough against a rotation in flight: the
// rotation's SaveRefresh writes the family again.
const colRevoked = "refresh_revoked"

// RevokeRefreshFamily ends a session for good: it marks the family revoked
// until until (when its last token would have expired; the sweep then
// removes the mark) and then deletes it. Marking first closes the race with
// a rotation in flight, which saves its new token and then checks the mark
// (RefreshFamilyRevoked): either it sees the mark, or its save came before
// the delete, which then takes the family it wrote.
func (d *DB) RevokeRefreshFamily(ctx context.Context, family string, until time.Time) error {
	if !d.embedded { // the embedded engine's sweep reads the mark's until
		if _, err := d.db.Collection(colRefreshExpiry).UpdateOne(ctx, byID(expiryDay(until)),
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "revoked", Value: family}}}},
			options.UpdateOne().SetUpsert(true)); err != nil {
			return mapErr("save revocation expiry", err)
		}
	}
	_, err := d.db.Collection(colRevoked).ReplaceOne(ctx, byID(family), bson.D{{Key: "_id", Value: family}, {Key: "until", Value: until}},
		options.Replace().SetUpsert(true))
	// Concurrent revocations of one family race to insert the one mark;
	// the losers find it there, which is all they wanted.
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr("revoke refresh family", err)
	}
	return d.DeleteRefreshFamily(ctx, family)
}

// RefreshFamilyRevoked reports whether family was revoked.
func (d *DB) RefreshFamilyRevoked(ctx context.Context, family string) (bool, error) {
	err := mapErr("refresh family revoked", d.db.Collection(colRevoked).FindOne(ctx, byID(family)).Err())
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}
