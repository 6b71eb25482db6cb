package httpapi

import (
	"fmt"
	"testing"
	"time"
)

// TestAddressRateForgets: each address has its own bucket; a bucket idle a
// minute (full again) is forgotten from the head of the time-ordered
// queue, so a thousand addresses seen once do not stay in memory.
func TestAddressRateForgets(t *testing.T) {
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	r := newAddressRate(3)
	r.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if !r.allow("a") {
			t.Fatalf("use %d of a burst of 3 refused", i+1)
		}
	}
	if r.allow("a") || !r.allow("b") {
		t.Fatal("a's fourth use in a minute was allowed, or b shared a's bucket")
	}
	now = now.Add(20 * time.Second) // one token back
	if !r.allow("a") || r.allow("a") {
		t.Fatal("a did not get exactly one token back in 20 s")
	}
	for i := 0; i < 1000; i++ {
		r.allow(fmt.Sprint("10.0.", i/250, ".", i%250))
	}
	if len(r.m) != 1002 {
		t.Fatalf("%d buckets, want 1,002", len(r.m))
	}
	now = now.Add(time.Minute)
	r.allow("c")
	if len(r.m) != 1 || len(r.uses)-r.head != 1 {
		t.Fatalf("%d buckets and %d queued uses a minute later, want c's alone", len(r.m), len(r.uses)-r.head)
	}
}
