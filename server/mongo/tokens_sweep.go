package mongo

import (
	"context"
	"strconv"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// sweepStraight deletes, on the embedded engine, the refresh tokens and
// revocation marks whose time has passed, found by reading their expiry
// straight from FerretDB's SQLite tables (StringScan: a date is stored as
// its milliseconds), so that a sign-in or a rotation writes no expiry
// bucket. An expired token can no longer be used or rotated, and a mark
// outlives its session's last token, so deleting either after the read
// races nothing.
// It returns how many tokens it deleted. The deletes are background
// writes: each waits for a quiet moment of the users' writes.
func (d *DB) sweepStraight(ctx context.Context, now time.Time) (int, error) {
	ctx = domain.Background(ctx)
	n := 0
	for _, c := range []struct{ col, field string }{
		{colRefresh, "expiresAt"}, {colRevoked, "until"},
	} {
		ids, err := d.expiredIDs(ctx, c.col, c.field, now)
		if err != nil {
			return n, err
		}
		for _, id := range ids {
			d.giveWay(ctx)
			res, err := d.db.Collection(c.col).DeleteOne(ctx, byID(id))
			if err != nil {
				return n, mapErr("sweep "+c.col, err)
			}
			if c.col == colRefresh {
				n += int(res.DeletedCount)
			}
		}
	}
	return n, nil
}

// expiredIDs returns the ids of the documents of col whose date field is
// before now; a document without it is left alone (a revocation mark of an
// earlier release goes with its expiry bucket).
func (d *DB) expiredIDs(ctx context.Context, col, field string, now time.Time) ([]string, error) {
	var ids []string
	cut := now.UnixMilli()
	err := d.scanFields(ctx, col, []string{"_id", field}, func(v []string) error {
		if v[0] == "" || v[1] == "" {
			return nil
		}
		ms, err := strconv.ParseInt(v[1], 10, 64)
		if err != nil {
			return err
		}
		if ms < cut {
			ids = append(ids, v[0])
		}
		return nil
	})
	return ids, err
}
