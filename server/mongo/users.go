package mongo

import (
	"context"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// CreateUser inserts u, assigning its ID. A taken email is a conflict.
func (d *DB) CreateUser(ctx context.Context, u *domain.User) error {
	u.ID = NewID()
	u.Email = strings.ToLower(u.Email)
	_, err := d.db.Collection(colUsers).InsertOne(ctx, u)
	if err != nil {
		err = mapErr("create user", err)
		if domain.IsKind(err, domain.KindConflict) {
			return domain.CodedError(domain.KindConflict, "email_taken", "该邮箱已注册 / email already registered")
		}
	}
	return err
}

// UserByEmail returns the user with email (case-insensitive).
func (d *DB) UserByEmail(ctx context.Context, email string) (*domain.User, error) {
	var u domain.User
	err := d.db.Collection(colUsers).FindOne(ctx, bson.D{{Key: "email", Value: strings.ToLower(email)}}).Decode(&u)
	if err != nil {
		return nil, mapErr("user by email", err)
	}
	return &u, nil
}

// UserByID returns the user with id.
func (d *DB) UserByID(ctx context.Context, id string) (*domain.User, error) {
	var u domain.User
	if err := d.db.Collection(colUsers).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&u); err != nil {
		return nil, mapErr("user by id", err)
	}
	return &u, nil
}

// UpdateUser overwrites the stored user with u.
func (d *DB) UpdateUser(ctx context.Context, u *domain.User) error {
	res, err := d.db.Collection(colUsers).ReplaceOne(ctx, bson.D{{Key: "_id", Value: u.ID}}, u)
	if err != nil {
		return mapErr("update user", err)
	}
	if res.MatchedCount == 0 {
		return domain.ErrNotFound
	}
	return nil
}

// CountUsers counts users, for deciding whether the database is empty.
func (d *DB) CountUsers(ctx context.Context) (int, error) {
	n, err := d.db.Collection(colUsers).CountDocuments(ctx, bson.D{})
	return int(n), mapErr("count users", err)
}
