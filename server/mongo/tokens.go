package mongo

import (
	"context"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"

	"go.mongodb.org/mongo-driver/v2/bson"
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
	res, err := d.db.Collection(colRefresh).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, mapErr("delete expired refresh tokens", err)
	}
	return int(res.DeletedCount), nil
}

// RefreshByHash returns the token stored under hash.
func (d *DB) RefreshByHash(ctx context.Context, hash string) (domain.RefreshToken, error) {
	var t domain.RefreshToken
	err := d.db.Collection(colRefresh).FindOne(ctx, bson.D{{Key: "_id", Value: hash}}).Decode(&t)
	return t, mapErr("refresh by hash", err)
}
