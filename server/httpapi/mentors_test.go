package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestMentorRoutes: the mentor role through the API: sign-up, the
// verification queue, the ranked list with reasons, a booking confirmed
// and cancelled, and what a space shows (the rules themselves:
// server/app TestMentorRules).
func TestMentorRoutes(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mentor, _ := e.register("mentor")
	founder, _ := e.register("founder")
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "training",
		"services": []string{}, "district": "keqiao"}).str("id")
	startup := e.publish(founder, map[string]any{"name": "越芯半导体"})
	start := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	body := map[string]any{"name": "周导师", "title": "创始人", "sectors": []string{"ic"}, "stages": []string{"angel"}, "spaceIds": []string{space},
		"officeHours": []map[string]any{{"startsAt": start, "minutes": 60, "spaceId": space}}}
	checkProblem(t, e.call("POST", "/api/v1/mentors", founder, body), 403, "role_required")
	m := e.must(201, "POST", "/api/v1/mentors", mentor, body)
	id := m.str("id")
	if m.str("verified") != "false" || !strings.Contains(m.Raw, `"taken":false`) {
		t.Fatalf("created: %s", m.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/mentors", mentor, body), 409, "profile_exists")
	checkProblem(t, e.call("GET", "/api/v1/mentors/"+id, founder, nil), 404, "not_found")
	checkProblem(t, e.call("GET", "/api/v1/mentors?verified=false", founder, nil), 403, "admin_only")
	if q := e.must(200, "GET", "/api/v1/mentors?verified=false", e.admin, nil); q.str("total") != "1" {
		t.Fatalf("queue: %s", q.Raw)
	}
	if l := e.must(200, "GET", "/api/v1/startups/"+startup+"/mentors", founder, nil); l.str("total") != "0" {
		t.Fatalf("unverified ranked: %s", l.Raw)
	}
	checkProblem(t, e.call("PATCH", "/api/v1/mentors/"+id, mentor, map[string]any{"verified": true}), 403, "admin_only")
	e.must(200, "PATCH", "/api/v1/mentors/"+id, e.admin, map[string]any{"verified": true})
	l := e.must(200, "GET", "/api/v1/startups/"+startup+"/mentors", founder, nil)
	if l.str("total") != "1" || !strings.Contains(l.Raw, `"code":"sector","ok":true,"sector":"ic"`) {
		t.Fatalf("ranked: %s", l.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/startups/"+startup+"/mentors", mentor, nil), 404, "not_found")
	slot := e.must(200, "GET", "/api/v1/mentors/me", mentor, nil).Body["officeHours"].([]any)[0].(map[string]any)["id"].(string)
	bk := e.must(201, "POST", "/api/v1/mentors/"+id+"/bookings", founder, map[string]any{"slotId": slot, "startupId": startup, "message": "流片"})
	if bk.str("status") != "requested" || bk.str("spaceId") != space {
		t.Fatalf("booked: %s", bk.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/mentors/"+id+"/bookings", founder, map[string]any{"slotId": slot, "startupId": startup}), 409, "slot_taken")
	if l := e.must(200, "GET", "/api/v1/bookings", mentor, nil); l.str("total") != "1" || !strings.Contains(l.Raw, `"startupName":"越芯半导体"`) {
		t.Fatalf("the mentor's bookings: %s", l.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/bookings/"+bk.str("id")+"/confirm", founder, nil), 403, "forbidden")
	if r := e.must(200, "POST", "/api/v1/bookings/"+bk.str("id")+"/confirm", mentor, nil); r.str("status") != "confirmed" {
		t.Fatalf("confirmed: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/bookings/"+bk.str("id")+"/record", founder, map[string]any{"held": true}), 409, "session_not_begun")
	if r := e.must(200, "POST", "/api/v1/bookings/"+bk.str("id")+"/cancel", founder, nil); r.str("status") != "cancelled" {
		t.Fatalf("cancelled: %s", r.Raw)
	}
	if h := e.must(200, "GET", "/api/v1/spaces/"+space+"/mentoring", "", nil); h.str("held") != "0" || !strings.Contains(h.Raw, `"name":"周导师"`) {
		t.Fatalf("hosted: %s", h.Raw)
	}
	if n := e.countNotes(mentor, "mentor.requested"); n != 1 {
		t.Fatalf("the mentor was told of %d requests", n)
	}
}

// ipHelpEmail is the IP assistance contact every test server is given;
// an account with it exists only where a test makes one.
const ipHelpEmail = "ip-help@test.cn"
