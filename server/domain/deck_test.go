package domain_test

import (
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// TestDeckAccessRules: a request is pending until granted (it then leaves
// the requests for the grants) or declined; a declined investor may ask
// again; only a pending request is declined and only a grant revoked.
func TestDeckAccessRules(t *testing.T) {
	now := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	dk := &domain.Deck{}
	if !dk.Request("a", now) || dk.AccessOf("a") != domain.DeckRequestPending {
		t.Fatalf("request: %+v", dk)
	}
	if err := dk.Revoke("a"); err != domain.ErrDeckGrantNotFound {
		t.Fatalf("revoke without a grant: %v", err)
	}
	if err := dk.Decline("a", now); err != nil || dk.AccessOf("a") != domain.DeckRequestDeclined {
		t.Fatalf("decline: %v %+v", err, dk)
	}
	if err := dk.Decline("a", now); err != domain.ErrDeckRequestNotFound {
		t.Fatalf("declined twice: %v", err)
	}
	if !dk.Request("a", now.Add(time.Hour)) || dk.AccessOf("a") != domain.DeckRequestPending || len(dk.Requests) != 1 {
		t.Fatalf("asking again: %+v", dk)
	}
	if !dk.Grant("a") || dk.AccessOf("a") != domain.DeckAccessGranted || len(dk.Requests) != 0 || dk.Grant("a") {
		t.Fatalf("grant: %+v", dk)
	}
	if dk.Request("a", now) {
		t.Fatal("a granted investor's request tells the founder")
	}
	if err := dk.Decline("a", now); err != domain.ErrDeckRequestNotFound {
		t.Fatalf("declining a grant: %v", err)
	}
	if err := dk.Revoke("a"); err != nil || dk.AccessOf("a") != "" || len(dk.Grants) != 0 {
		t.Fatalf("revoke: %v %+v", err, dk)
	}
	if dk.Grant("b"); dk.AccessOf("b") != domain.DeckAccessGranted {
		t.Fatal("a grant without a request")
	}
}

// TestDeckViewReports: reports carry running totals (the larger figure per
// page wins, so a repeated or late beacon changes nothing); they name only
// the deck's pages, sane seconds, and no more time than has passed.
func TestDeckViewReports(t *testing.T) {
	start := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	v := &domain.DeckView{At: start}
	at := start.Add(5 * time.Minute)
	if err := v.ReportPages(map[string]float64{"1": 30, "2": 12}, 3, at); err != nil {
		t.Fatal(err)
	}
	if err := v.ReportPages(map[string]float64{"1": 20, "2": 15}, 3, at); err != nil {
		t.Fatal(err)
	}
	if v.Pages["1"] != 30 || v.Pages["2"] != 15 {
		t.Fatalf("pages %v", v.Pages)
	}
	for name, tc := range map[string]struct {
		pages map[string]float64
		code  string
	}{
		"page 0":               {map[string]float64{"0": 1}, "page_out_of_range"},
		"past the deck":        {map[string]float64{"4": 1}, "page_out_of_range"},
		"not a number":         {map[string]float64{"x": 1}, "page_out_of_range"},
		"leading zero":         {map[string]float64{"01": 1}, "page_out_of_range"},
		"negative seconds":     {map[string]float64{"1": -1}, "invalid_seconds"},
		"more than a day":      {map[string]float64{"1": 90000}, "invalid_seconds"},
		"more than has passed": {map[string]float64{"1": 300, "2": 100}, "reading_time_too_long"},
		"more pages than deck": {map[string]float64{"1": 1, "2": 1, "3": 1, "4": 1}, "too_many_pages"},
	} {
		err := v.ReportPages(tc.pages, 3, at)
		e, ok := domain.AsError(err)
		if !ok || e.Code != "validation_failed" || len(e.Fields) == 0 || e.Fields[0].Code != tc.code {
			t.Errorf("%s: %v, want field code %s", name, err, tc.code)
		}
	}
	if v.Pages["1"] != 30 || v.Pages["2"] != 15 || len(v.Pages) != 2 {
		t.Fatalf("a refused report changed the view: %v", v.Pages)
	}
}
