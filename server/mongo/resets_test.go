package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// TestResetTokenUseRace: of many concurrent uses of one password-reset
// link exactly one finds it unused (and may set the password); the rest
// find it used, and the stored token says used. It runs on both paths
// (paths: the embedded engine's read-compare-write under the token's lock,
// MongoDB's conditional filter {_id, used: false}). Several tokens, each
// raced by many goroutines, because FerretDB's writes are not atomic: with
// the lock removed the embedded path lets two or more uses of one token
// win (it did on every run tried, not necessarily on the first token).
// Within one process the lock covers the MongoDB path too; with the lock
// removed, as between processes, its filter alone holds, and without both
// it fails likewise.
func TestResetTokenUseRace(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		const tokens, uses = 8, 16
		exp := time.Now().Add(time.Hour)
		for k := range tokens {
			tok := domain.ResetToken{Hash: fmt.Sprint("r", k), UserID: "u", ExpiresAt: exp, CreatedAt: time.Now()}
			if err := db.SaveResetToken(ctx, tok); err != nil {
				t.Fatal(err)
			}
		}
		for k := range tokens {
			hash := fmt.Sprint("r", k)
			won := make([]bool, uses)
			errs := race(uses, func(i int) error {
				got, err := db.UseResetToken(ctx, hash)
				if err == nil && (got.Hash != hash || got.UserID != "u") {
					return fmt.Errorf("returned %+v", got)
				}
				won[i] = err == nil && !got.Used
				return err
			})
			n := 0
			for i, err := range errs {
				if err != nil {
					t.Fatalf("%s, use %d: %v", hash, i, err)
				}
				if won[i] {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%s: %d of %d concurrent uses found it unused, want exactly 1", hash, n, uses)
			}
			stored, err := db.ResetToken(ctx, hash)
			if err != nil || !stored.Used {
				t.Fatalf("%s after the race: stored %+v, %v; want used", hash, stored, err)
			}
			if again, err := db.UseResetToken(ctx, hash); err != nil || !again.Used {
				t.Fatalf("%s used again later: %+v, %v; want used", hash, again, err)
			}
		}
		if _, err := db.UseResetToken(ctx, "nope"); !domain.IsKind(err, domain.KindNotFound) {
			t.Fatalf("unknown token: %v", err)
		}
	})
}
