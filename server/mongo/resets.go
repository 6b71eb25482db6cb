package mongo

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// colResetTokens holds password reset tokens by the hash of the token:
// the token itself is only ever in the link sent to the user.
const colResetTokens = "reset_tokens"

// SaveResetToken stores t.
func (d *DB) SaveResetToken(ctx context.Context, t domain.ResetToken) error {
	if err := d.listAdd(ctx, listResets, t.UserID, t.Hash); err != nil {
		return err
	}
	_, err := d.db.Collection(colResetTokens).InsertOne(ctx, t)
	return mapErr("save reset token", err)
}

// ResetToken returns the token with hash, used or not.
func (d *DB) ResetToken(ctx context.Context, hash string) (domain.ResetToken, error) {
	var t domain.ResetToken
	err := d.db.Collection(colResetTokens).FindOne(ctx, byID(hash)).Decode(&t)
	return t, mapErr("find reset token", err)
}

// UseResetToken marks the token with hash used and returns it as it was
// before: exactly one of several concurrent calls sees Used false (the
// same guarantee and the same means as UseRefresh).
func (d *DB) UseResetToken(ctx context.Context, hash string) (domain.ResetToken, error) {
	defer d.locks.lock(colResetTokens + hash)()
	c := d.db.Collection(colResetTokens)
	var t domain.ResetToken
	setUsed := bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}}
	if err := c.FindOne(ctx, byID(hash)).Decode(&t); err != nil {
		return t, mapErr("find reset token", err)
	}
	if t.Used {
		return t, nil
	}
	filter := byID(hash)
	if !d.embedded {
		filter = append(filter, bson.E{Key: "used", Value: false})
	}
	res, err := c.UpdateOne(ctx, filter, setUsed)
	if err != nil {
		return t, mapErr("use reset token", err)
	}
	t.Used = res.ModifiedCount == 0 // another process used it meanwhile
	return t, nil
}

// DeleteResetTokensOf removes userID's unused tokens, kept in the user's
// list: a new link or a changed password makes the older links useless.
func (d *DB) DeleteResetTokensOf(ctx context.Context, userID string) error {
	ids, err := d.list(ctx, listResets, userID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := d.db.Collection(colResetTokens).DeleteOne(ctx, byID(id)); err != nil {
			return mapErr("delete reset token", err)
		}
		if err := d.listRemove(ctx, listResets, userID, id); err != nil {
			return err
		}
	}
	return nil
}

// listResets lists a user's reset tokens (user id → token hashes).
const listResets = "resets"
