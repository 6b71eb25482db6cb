package mongo_test

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestTokenSweepReadsNoTable: on the embedded engine the hourly sweep
// deletes expired refresh tokens and revocation marks by _id alone, from
// the index Warm read at start, and tells the scan watcher of no scan (the
// straight read of both tables it made each hour did). Tokens and marks
// stored before the process started (as this release and the one before
// it wrote them, with no index) expire as the ones written since do; a
// mark whose session was revoked again with a later until outlives its
// first hour.
func TestTokenSweepReadsNoTable(t *testing.T) {
	db := mongotest.OpenEmbedded(t)
	ctx := context.Background()
	now := time.Now()
	stored := func(col string, doc bson.D) { // written by an earlier process
		if _, err := db.Raw(col).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	token := func(hash string, exp time.Time) bson.D {
		return bson.D{{Key: "_id", Value: hash}, {Key: "userId", Value: "u"}, {Key: "family", Value: "f-" + hash},
			{Key: "used", Value: false}, {Key: "expiresAt", Value: exp}, {Key: "createdAt", Value: now}}
	}
	stored(mongo.ColRefresh, token("old-expired", now.Add(-2*time.Hour)))
	stored(mongo.ColRefresh, token("old-live", now.Add(48*time.Hour)))
	stored(mongo.ColRevoked, bson.D{{Key: "_id", Value: "old-mark"}, {Key: "until", Value: now.Add(-2 * time.Hour)}})
	if err := db.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []domain.RefreshToken{
		{Hash: "new-expired", UserID: "u", Family: "f1", ExpiresAt: now.Add(-72 * time.Hour)},
		{Hash: "new-live", UserID: "u", Family: "f2", ExpiresAt: now.Add(48 * time.Hour)},
	} {
		if err := db.SaveRefresh(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []struct {
		family string
		until  time.Time
	}{{"gone", now.Add(-2 * time.Hour)}, {"again", now.Add(-2 * time.Hour)}, {"again", now.Add(48 * time.Hour)}} {
		if err := db.RevokeRefreshFamily(ctx, m.family, m.until); err != nil {
			t.Fatal(err)
		}
	}
	var scans []mongo.Scan
	db.WatchScans(func(s mongo.Scan) { scans = append(scans, s) })
	defer db.WatchScans(func(mongo.Scan) {})
	left := func() (tokens, marks []string) {
		for col, ids := range map[string]*[]string{mongo.ColRefresh: &tokens, mongo.ColRevoked: &marks} {
			for _, id := range []string{"old-expired", "old-live", "new-expired", "new-live", "old-mark", "gone", "again"} {
				if err := db.Raw(col).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err == nil {
					*ids = append(*ids, id)
				}
			}
		}
		return tokens, marks
	}
	sweep := func(at time.Time, want int, wantTokens, wantMarks []string) {
		t.Helper()
		if n, err := db.DeleteRefreshExpired(ctx, at); err != nil || n != want {
			t.Fatalf("sweep at %v = %d, %v; want %d", at.Sub(now), n, err, want)
		}
		tokens, marks := left()
		if !equal(tokens, wantTokens) || !equal(marks, wantMarks) {
			t.Fatalf("after the sweep at %v: tokens %v, marks %v; want %v, %v", at.Sub(now), tokens, marks, wantTokens, wantMarks)
		}
	}
	sweep(now, 2, []string{"old-live", "new-live"}, []string{"again"})
	sweep(now.Add(72*time.Hour), 2, nil, nil)
	if len(scans) != 0 {
		t.Fatalf("the sweep scanned: %+v", scans)
	}

	// A process that never read the index (no Warm: a tool, or a test)
	// reads it at its first sweep, and the watcher hears of that read.
	stored(mongo.ColRefresh, token("before-start", now.Add(-time.Hour)))
	db.ForgetExpiry()
	sweep(now, 1, nil, nil)
	if len(scans) != 2 {
		t.Fatalf("the first sweep without Warm told the watcher of %+v, want both tables", scans)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
