package mongo_test

import (
	"context"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
)

// TestPaymentCorrectionClaims: of eight corrections of one entry racing,
// one claims it; a claim whose correcting entry was stored stays; a claim
// left by a crash before its entry's write is taken over once old, not
// before; a released claim frees the entry. Entries are stored once
// whatever the repeats. Both write paths.
func TestPaymentCorrectionClaims(t *testing.T) {
	paths(t, func(t *testing.T, db *mongo.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		p := &domain.Payment{ID: "0000000000000000000000a1", RecipientKind: "space", RecipientID: "s", AmountWan: 1, Status: domain.PaymentPaid, RecordedAt: now}
		for range 2 {
			if err := db.InsertPayments(ctx, []*domain.Payment{p}); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		_ = db.EachPayment(ctx, func(domain.Payment) error { n++; return nil })
		if n != 1 {
			t.Fatalf("%d entries stored, want 1", n)
		}
		errs := race(8, func(i int) error {
			return db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "old", By: "new" + string(rune('a'+i)), At: now})
		})
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else if e, ok := domain.AsError(err); !ok || e.Code != "already_corrected" {
				t.Fatalf("a losing claim: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d claims won, want 1", won)
		}
		// The stored correction's claim holds, however old.
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "kept", By: p.ID, At: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "kept", By: "other", At: now}); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("claim of a stored correction taken over: %v", err)
		}
		// A crash left a claim by an entry never stored: young, it holds; old, it is taken over.
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "crashed", By: "ghost", At: now}); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "crashed", By: "next", At: now}); !domain.IsKind(err, domain.KindConflict) {
			t.Fatalf("young claim taken over: %v", err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "stale", By: "ghost", At: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "stale", By: "next", At: now}); err != nil {
			t.Fatalf("stale claim not taken over: %v", err)
		}
		// Releasing by another entry does nothing; by the holder frees it.
		if err := db.ReleaseCorrection(ctx, "crashed", "next"); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "crashed", By: "next", At: now}); err == nil {
			t.Fatal("a release by another entry freed the claim")
		}
		if err := db.ReleaseCorrection(ctx, "crashed", "ghost"); err != nil {
			t.Fatal(err)
		}
		if err := db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: "crashed", By: "next", At: now}); err != nil {
			t.Fatalf("after the release: %v", err)
		}
	})
}
