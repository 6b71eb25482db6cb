package httpapi_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestTrendTargetsAndPace: each figure's trend carries its target (the
// dashboard draws it as a line) and whether it is on course for the plan's
// year, judged from the first record to now.
func TestTrendTargetsAndPace(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "越城空间", "level": "city", "model": "comprehensive",
		"services": []string{"financing"}, "district": "yuecheng"}).str("id")
	e.must(200, "PATCH", "/api/v1/spaces/"+space, e.admin, map[string]any{"verified": true})
	now := time.Now()
	for _, since := range []*time.Time{ptr(now.AddDate(0, -3, 0)), nil} {
		b := startupBody()
		b["spaceId"], b["district"] = space, "yuecheng"
		if since != nil {
			b["incubatedSince"] = since.Format(time.RFC3339)
		}
		id := e.must(201, "POST", "/api/v1/startups", founder, b).str("id")
		e.must(200, "POST", "/api/v1/startups/"+id+"/publish", founder, nil)
		e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+id+"/confirm", mgr, nil)
	}
	if _, err := e.history.Backfill(t.Context(), now, 12); err != nil {
		t.Fatal(err)
	}
	if err := e.history.Record(t.Context(), now); err != nil {
		t.Fatal(err)
	}
	targets := e.must(200, "GET", "/api/v1/stats/targets", e.admin, nil).Body
	pace := func(year int, startups float64) string {
		t.Helper()
		targets["year"], targets["startups"] = year, startups
		e.must(200, "PUT", "/api/v1/stats/targets", e.admin, targets)
		r := e.must(200, "GET", "/api/v1/stats/program/history?days=400", "", nil)
		if r.str("targetYear") != strconv.Itoa(year) {
			t.Fatalf("targetYear %s", r.str("targetYear"))
		}
		for _, s := range r.Body["series"].([]any) {
			m := s.(map[string]any)
			if m["key"] == "startups" {
				if m["target"] != startups {
					t.Fatalf("startups target %v, want %v", m["target"], startups)
				}
				return m["pace"].(map[string]any)["status"].(string)
			}
		}
		t.Fatalf("no startups series: %s", r.Raw)
		return ""
	}
	// From 0 a year ago to 2 now: 3 by the end of next year is on course, 50 is not, 2 is met.
	next := now.Year() + 1
	for _, c := range []struct {
		year   int
		target float64
		want   string
	}{{next, 3, "on_track"}, {next, 50, "behind"}, {next, 2, "reached"}, {now.Year() - 1, 50, "missed"}} {
		if got := pace(c.year, c.target); got != c.want {
			t.Errorf("%v startups by %d: %s, want %s", c.target, c.year, got, c.want)
		}
	}
	// A figure without a target has no pace.
	for _, sr := range e.must(200, "GET", "/api/v1/stats/program/history?days=400", "", nil).Body["series"].([]any) {
		if m := sr.(map[string]any); m["target"] == nil && m["pace"] != nil {
			t.Errorf("%v has a pace but no target", m["key"])
		}
	}
}
