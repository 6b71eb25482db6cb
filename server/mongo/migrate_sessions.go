package mongo

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// familyV2 is a session as versions 2 to 10 stored it: a token worked while
// its family's document existed.
type familyV2 struct {
	ID        string    `bson:"_id"`
	UserID    string    `bson:"userId"`
	ExpiresAt time.Time `bson:"expiresAt"`
}

// saveFamilyV2 writes t's session as versions 2 to 10 did (step 1 → 2 makes
// the sessions of version 1's tokens): on MongoDB its expiry bucket, then
// the family's document, live until t expires.
func (d *DB) saveFamilyV2(ctx context.Context, t domain.RefreshToken) error {
	if !d.embedded {
		add := func(field, v string) bson.E { return bson.E{Key: field, Value: v} }
		if _, err := upsertUpdate(ctx, d.db.Collection(colRefreshExpiry), byID(expiryDay(t.ExpiresAt)),
			bson.D{{Key: "$addToSet", Value: bson.D{add("hashes", t.Hash), add("families", t.Family)}}}); err != nil {
			return mapErr("save refresh expiry", err)
		}
	}
	_, err := d.db.Collection(colRefreshFamilies).ReplaceOne(ctx, byID(t.Family),
		familyV2{ID: t.Family, UserID: t.UserID, ExpiresAt: t.ExpiresAt}, options.Replace().SetUpsert(true))
	return mapErr("save refresh family", err)
}

// migrateEndedSessions writes a revocation mark for every session that has
// live tokens but no family document. Up to version 10 a token worked only
// while its family's document existed, and releases before the marks
// (and signing out everywhere by the users' session lists, until version
// 10) ended a session by deleting that document alone, leaving its tokens
// to the sweep. From version 11 a token works unless its family is marked,
// so without the mark such a session, ended by a logout, would work again.
// The mark lasts until the family's last token expires.
//
// It runs before the collection is dropped (the next phase). Once that is
// done, or where no release ever wrote the collection, it marks nothing: a
// re-run then must not take every session for an ended one.
func migrateEndedSessions(ctx context.Context, d *DB) error {
	have, err := d.db.ListCollectionNames(ctx, bson.D{{Key: "name", Value: colRefreshFamilies}})
	if err != nil {
		return mapErr("list collections", err)
	}
	if len(have) == 0 {
		return nil
	}
	now := time.Now()
	live := map[string]time.Time{} // family → its last token's expiry
	err = d.scanFields(ctx, colRefresh, []string{"family", "expiresAt"}, func(v []string) error {
		exp, err := millis(v[1])
		if err != nil || v[0] == "" || !exp.After(now) {
			return err
		}
		if exp.After(live[v[0]]) {
			live[v[0]] = exp
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, col := range []string{colRefreshFamilies, colRevoked} {
		if err := d.scanFields(ctx, col, []string{"_id"}, func(v []string) error {
			delete(live, v[0])
			return nil
		}); err != nil {
			return err
		}
	}
	ended := make([]string, 0, len(live))
	for f := range live {
		ended = append(ended, f)
	}
	slices.Sort(ended)
	return parallel(ctx, 4, len(ended), func(i int) error {
		return d.RevokeRefreshFamily(ctx, ended[i], live[ended[i]])
	})
}

// scanFields reads the top-level string, integer and date fields of every
// document of col, as text (a date as its milliseconds since 1970, a field
// missing or of another type as ""): straight from the embedded engine's
// storage where it can (StringScan), else through the driver. It is a
// scan either way, so the scan watcher hears of it (scanwatch.go), as of
// loadAll's: the migrations and the token sweep's index (Warm) read before
// the server says ready, and any other use is one to find.
func (d *DB) scanFields(ctx context.Context, col string, fields []string, fn func(values []string) error) error {
	if d.scan != nil {
		if watch := d.scans.Load(); watch != nil {
			(*watch)(Scan{Collection: col, Command: "find (straight)", Filter: "{}"})
		}
		return mapErr("scan "+col, d.scan(ctx, d.db.Name(), col, fields, fn))
	}
	proj := bson.D{}
	for _, f := range fields {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	cur, err := d.db.Collection(col).Find(ctx, bson.D{}, options.Find().SetBatchSize(1000).SetProjection(proj))
	if err != nil {
		return mapErr("scan "+col, err)
	}
	defer cur.Close(ctx)
	vals := make([]string, len(fields))
	for cur.Next(ctx) {
		for i, f := range fields {
			vals[i] = ""
			switch v := cur.Current.Lookup(f); v.Type {
			case bson.TypeString:
				vals[i] = v.StringValue()
			case bson.TypeInt32:
				vals[i] = strconv.FormatInt(int64(v.Int32()), 10)
			case bson.TypeInt64:
				vals[i] = strconv.FormatInt(v.Int64(), 10)
			case bson.TypeDateTime:
				vals[i] = strconv.FormatInt(v.DateTime(), 10)
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return mapErr("scan "+col, cur.Err())
}

// millis reads a date scanned as its milliseconds ("" is the zero time).
func millis(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	return time.UnixMilli(ms), err
}
