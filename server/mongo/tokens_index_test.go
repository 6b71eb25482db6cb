package mongo

import (
	"testing"
	"time"
)

// TestExpiryIndexOneEntryAMark: a session revoked again and again (a
// logout repeated) is listed once, under its latest until's hour; tokens
// are listed as given.
func TestExpiryIndexOneEntryAMark(t *testing.T) {
	var x expiryIndex
	h0 := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	for range 1000 {
		x.add(h0.Add(10*time.Minute), "family", true)
	}
	x.add(h0.Add(20*time.Minute), "token-a", false)
	listed := 0
	for _, l := range x.hours {
		listed += len(l.marks)
	}
	if listed != 1 {
		t.Fatalf("a mark revoked 1000 times is listed %d times", listed)
	}
	x.add(h0.Add(3*time.Hour), "family", true) // revoked again later: moves
	x.add(h0.Add(time.Hour), "family", true)   // an earlier until: stays where it is
	if e := x.due(h0.Add(2 * time.Hour)); len(e.marks) != 0 || len(e.tokens) != 1 || e.tokens[0] != "token-a" {
		t.Fatalf("after the first hours: %+v, want the token alone", e)
	}
	if e := x.due(h0.Add(4 * time.Hour)); len(e.marks) != 1 || e.marks[0] != "family" {
		t.Fatalf("after its latest hour: %+v, want the mark once", e)
	}
	x.add(h0, "family", true) // listed again once taken out (a failed sweep's retry)
	if e := x.due(h0.Add(time.Hour)); len(e.marks) != 1 {
		t.Fatalf("a mark listed again after its sweep: %+v", e)
	}
}
