package mongo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// colNoteKeys maps a de-duplication key (domain.NoteDedupKey) to the
// notification that holds it; its _id is a hash of the key, so each look-up
// is by _id, which FerretDB finds through its index.
const colNoteKeys = "notification_keys"

func noteKeyID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:16])
}

// NoteKeyHolder returns the id of the notification last stored under key,
// or "" if none was.
func (d *DB) NoteKeyHolder(ctx context.Context, key string) (string, error) {
	var doc struct {
		NotificationID string `bson:"notificationId"`
	}
	_, err := d.findByID(ctx, "notification key", colNoteKeys, noteKeyID(key), &doc)
	return doc.NotificationID, err
}

// SetNoteKey records that notification id holds key (giving way first
// when it is a background write).
func (d *DB) SetNoteKey(ctx context.Context, key, id string) error {
	d.giveWay(ctx)
	_, err := d.db.Collection(colNoteKeys).ReplaceOne(ctx, bson.D{{Key: "_id", Value: noteKeyID(key)}},
		bson.D{{Key: "notificationId", Value: id}}, options.Replace().SetUpsert(true))
	return mapErr("set notification key", err)
}

// NotificationOf returns userID's notification with id: the head, then
// the one bucket that holds it, or the drops.
func (d *DB) NotificationOf(ctx context.Context, userID, id string) (*domain.Notification, error) {
	h, dr, err := d.logOf(ctx, userID)
	if err != nil {
		return nil, err
	}
	for _, n := range dr {
		if n.ID == id {
			return &n, nil
		}
	}
	if h.Count == 0 {
		return nil, domain.ErrNotFound
	}
	items, err := d.bucket(ctx, userID, findBucket(h, id))
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if it.ID == id && it.Pos < h.Count {
			n := it.Notification
			return &n, nil
		}
	}
	return nil, domain.ErrNotFound
}
