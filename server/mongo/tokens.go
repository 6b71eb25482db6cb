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
//   - refresh_tokens: {_id: hash of the token, userId, family, used, ...}:
//     a sign-in writes this one document (one fsynced write on the embedded
//     engine), a rotation marks the old token used and writes the new one;
//   - refresh_revoked: {_id: family, until}: a session (a family of
//     tokens) that ended, kept until its last token would have expired. A
//     token works while it is unused, unexpired and its family has no mark;
//   - refresh_expiry: {_id: "YYYY-MM-DD", hashes, revoked}: what expires
//     that day (UTC), so the hourly sweep reads the past days' buckets
//     instead of filtering every token by date. Only on MongoDB: on the
//     embedded engine the sweep deletes what its index in memory lists
//     (expiryIndex, tokens_sweep.go: read from the tables once per start),
//     which saves a sign-in and a rotation an fsynced write of a document
//     that grows with every sign-in of the day;
//   - refresh_families: {_id: family, userId, expiresAt}, written by
//     releases before schema version 11 for every session, which worked
//     while its document existed; step 10 → 11 marks the sessions ended by
//     deleting it alone and drops the collection;
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

type expiryBucket struct {
	Day    string   `bson:"_id"`
	Hashes []string `bson:"hashes"`
	// Revoked lists the revocation marks (colRevoked) to delete that day.
	// Buckets written before schema version 11 also list families, whose
	// collection that step dropped.
	Revoked []string `bson:"revoked"`
}

func expiryDay(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// SaveRefresh stores t, which starts or continues its session (family):
// one fsynced write on the embedded engine, whose sweep then finds it in
// its index in memory (a crash loses nothing there: the next start reads
// the index from the tokens). On MongoDB the token's expiry bucket is
// written first, so a crash part-way leaves nothing the sweep does not
// find.
func (d *DB) SaveRefresh(ctx context.Context, t domain.RefreshToken) error {
	if !d.embedded {
		if _, err := upsertUpdate(ctx, d.db.Collection(colRefreshExpiry), byID(expiryDay(t.ExpiresAt)),
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "hashes", Value: t.Hash}}}}); err != nil {
			return mapErr("save refresh expiry", err)
		}
	}
	_, err := d.db.Collection(colRefresh).InsertOne(ctx, t)
	if d.embedded {
		// Listed whatever the outcome: a write that failed may still be
		// stored, and sweeping an id that is not there deletes nothing.
		d.expiry.add(t.ExpiresAt, t.Hash, false)
	}
	return mapErr("save refresh token", err)
}

// UseRefresh marks the unused token with hash as used and returns it. It
// returns ErrNotFound if no such token exists or its session was revoked
// (its family's mark: RevokeRefreshFamily), and reused=true with the token
// if it had already been used: a sign that it was stolen.
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
	revoked, err := d.RefreshFamilyRevoked(ctx, t.Family)
	if err != nil {
		return domain.RefreshToken{}, false, err
	}
	if revoked {
		return domain.RefreshToken{}, false, mapErr("refresh family", domain.ErrNotFound)
	}
	return t, reused, nil
}

// DeleteRefreshExpired removes the tokens and revocation marks that expired:
// on the embedded engine those its index lists for the hours that ended by
// now (sweepIndexed); on MongoDB, and for the buckets earlier releases
// wrote on the embedded engine, those of the days before now's (UTC), one
// expiry bucket a day. FerretDB has no TTL indexes, so the server calls
// this periodically. It returns how many tokens it deleted.
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
		k, err := d.sweepIndexed(ctx, now)
		if n += k; err != nil {
			return n, err
		}
	}
	for ; expiryDay(day) < today; day = day.Add(24 * time.Hour) {
		k, err := d.sweepDay(ctx, expiryDay(day))
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
func (d *DB) sweepDay(ctx context.Context, day string) (int, error) {
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
	for _, f := range b.Revoked {
		if _, err := d.db.Collection(colRevoked).DeleteOne(ctx, byID(f)); err != nil {
			return n, mapErr("sweep revocation mark", err)
		}
	}
	_, err = d.db.Collection(colRefreshExpiry).DeleteOne(ctx, byID(day))
	return n, mapErr("sweep refresh expiry", err)
}

// DeleteRefresh deletes the token stored under hash, if any: a sign-up's
// token written before its account, when the account is not written after
// all. On MongoDB its hash stays in its expiry bucket, whose sweep then
// finds nothing to delete.
func (d *DB) DeleteRefresh(ctx context.Context, hash string) error {
	_, err := d.db.Collection(colRefresh).DeleteOne(ctx, byID(hash))
	return mapErr("delete refresh token", err)
}

// RefreshByHash returns the token stored under hash.
func (d *DB) RefreshByHash(ctx context.Context, hash string) (domain.RefreshToken, error) {
	var t domain.RefreshToken
	err := d.db.Collection(colRefresh).FindOne(ctx, byID(hash)).Decode(&t)
	return t, mapErr("refresh by hash", err)
}

// colRevoked holds a mark per ended session (family), by _id: what makes
// its tokens stop working, so ending a session is one write.
const colRevoked = "refresh_revoked"

// RevokeRefreshFamily ends a session for good: it marks the family revoked
// until until (when its last token would have expired; the sweep then
// removes the mark): one fsynced write on the embedded engine, two on
// MongoDB (the day's expiry bucket first). Its tokens stop working at once
// and are removed by the sweep. A rotation in flight saves its new token
// and then checks the mark again (RefreshFamilyRevoked); whichever way that
// race goes, every later use of the new token finds the mark.
func (d *DB) RevokeRefreshFamily(ctx context.Context, family string, until time.Time) error {
	if !d.embedded { // the embedded engine's sweep lists the mark below
		if _, err := d.db.Collection(colRefreshExpiry).UpdateOne(ctx, byID(expiryDay(until)),
			bson.D{{Key: "$addToSet", Value: bson.D{{Key: "revoked", Value: family}}}},
			options.UpdateOne().SetUpsert(true)); err != nil {
			return mapErr("save revocation expiry", err)
		}
	}
	_, err := d.db.Collection(colRevoked).ReplaceOne(ctx, byID(family), bson.D{{Key: "_id", Value: family}, {Key: "until", Value: until}},
		options.Replace().SetUpsert(true))
	if d.embedded {
		// Listed whatever the outcome, as SaveRefresh's token is.
		d.expiry.add(until, family, true)
	}
	// Concurrent revocations of one family race to insert the one mark;
	// the losers find it there, which is all they wanted.
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr("revoke refresh family", err)
	}
	return nil
}

// RefreshFamilyRevoked reports whether family was revoked.
func (d *DB) RefreshFamilyRevoked(ctx context.Context, family string) (bool, error) {
	err := mapErr("refresh family revoked", d.db.Collection(colRevoked).FindOne(ctx, byID(family)).Err())
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	return err == nil, err
}
