package mongo

import (
	"context"
	"errors"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// SaveRefresh stores t.
func (d *DB) SaveRefresh(ctx context.Context, t domain.RefreshToken) error {
	_, err := d.db.Collection(colRefresh).InsertOne(ctx, t)
	return mapErr("save refresh token", err)
}

// UseRefresh marks the unused token with hash as used and returns it. It
// returns ErrNotFound if no such token exists, and reused=true with the token
// if it had already been used: a sign that it was stolen.
func (d *DB) UseRefresh(ctx context.Context, hash string) (t domain.RefreshToken, reused bool, err error) {
	defer d.locks.lock(colRefresh + hash)()
	c := d.db.Collection(colRefresh)
	res, err := c.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: hash}, {Key: "used", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}})
	if err != nil {
		return t, false, mapErr("use refresh token", err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&t); err != nil {
		return t, false, mapErr("find refresh token", err)
	}
	return t, res.ModifiedCount == 0, nil
}

// DeleteRefreshFamily deletes every token of family (logout, theft).
func (d *DB) DeleteRefreshFamily(ctx context.Context, family string) error {
	_, err := d.db.Collection(colRefresh).DeleteMany(ctx, bson.D{{Key: "family", Value: family}})
	return mapErr("delete refresh family", err)
}

// DeleteRefreshExpired removes tokens that expired before now; FerretDB has
// no TTL indexes, so the server calls this periodically.
func (d *DB) DeleteRefreshExpired(ctx context.Context, now time.Time) (int, error) {
	expired := bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}}
	res, err := d.db.Collection(colRefresh).DeleteMany(ctx, expired)
	if err != nil {
		return 0, mapErr("delete expired refresh tokens", err)
	}
	// A revocation mark outlives every token of its family, no longer.
	if _, err := d.db.Collection(colRevoked).DeleteMany(ctx, expired); err != nil {
		return 0, mapErr("delete expired revocation marks", err)
	}
	return int(res.DeletedCount), nil
}

// RefreshByHash returns the token stored under hash.
func (d *DB) RefreshByHash(ctx context.Context, hash string) (domain.RefreshToken, error) {
	var t domain.RefreshToken
	err := d.db.Collection(colRefresh).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&t)
	return t, mapErr("refresh by hash", err)
}

// colRevoked holds a mark per revoked refresh family, keyed by the family
// alone so that FerretDB serves the check from its _id index.
const colRevoked = "refresh_revoked"

type revokedFamily struct {
	Family    string    `bson:"_id"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// RevokeRefreshFamily ends family: it marks the family revoked until until
// (when its last token would have expired) and then deletes its tokens.
// Marking first closes the race with a rotation in flight: the rotation
// saves its new token and then checks the mark (RefreshFamilyRevoked), so
// either it sees the mark, or its token was saved before this delete began.
func (d *DB) RevokeRefreshFamily(ctx context.Context, family string, until time.Time) error {
	_, err := d.db.Collection(colRevoked).ReplaceOne(ctx, bson.D{{Key: "_id", Value: family}},
		revokedFamily{Family: family, ExpiresAt: until}, options.Replace().SetUpsert(true))
	// Concurrent revocations of one family race to insert the one mark;
	// the losers find it there, which is all they wanted.
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return mapErr("revoke refresh family", err)
	}
	return d.DeleteRefreshFamily(ctx, family)
}

// RefreshFamilyRevoked reports whether family was revoked.
func (d *DB) RefreshFamilyRevoked(ctx context.Context, family string) (bool, error) {
	err := d.db.Collection(colRevoked).FindOne(ctx, bson.D{{Key: "_id", Value: family}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, mapErr("refresh family revoked", err)
}

// DeleteRefreshUser deletes every refresh token of userID (password change,
// sign out everywhere). The user's raised SessionVersion is what refuses a
// token saved concurrently; this only clears the stored ones.
func (d *DB) DeleteRefreshUser(ctx context.Context, userID string) error {
	_, err := d.db.Collection(colRefresh).DeleteMany(ctx, bson.D{{Key: "userId", Value: userID}})
	return mapErr("delete refresh tokens of user", err)
}
