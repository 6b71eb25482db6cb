package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestCalendarRoutes: the city calendar through the API: an event hosted,
// the roadshows shown beside it as kind roadshow (viewed, not copied, by
// their own visibility), the filters, registration, and the iCalendar
// feeds: a space's in public, a person's at a secret address without a
// sign-in (the rules themselves: server/app TestCalendarRules).
func TestCalendarRoutes(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	s := newRoadshow(t, e, "public")
	hidden := newRoadshowAt(t, e, s, "invited")
	start := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	forum := map[string]any{"kind": "forum", "title": "主题论坛：芯片, 封装; 测试", "spaceId": s.space, "startsAt": start, "location": "三楼报告厅"}
	checkProblem(t, e.call("POST", "/api/v1/events", s.founderA, forum), 403, "role_required")
	bad := e.call("POST", "/api/v1/events", s.host, map[string]any{"kind": "party", "title": "", "spaceId": s.space, "startsAt": "2020-01-01T00:00:00Z"})
	checkProblem(t, bad, 400, "validation_failed")
	for _, f := range []string{`"field":"kind","code":"invalid_choice"`, `"field":"title","code":"required"`, `"field":"startsAt","code":"date_out_of_range"`} {
		if !strings.Contains(bad.Raw, f) {
			t.Fatalf("missing %s in %s", f, bad.Raw)
		}
	}
	ev := e.must(201, "POST", "/api/v1/events", s.host, forum)
	id := ev.str("id")
	if ev.str("district") != "yuecheng" || ev.str("spaceName") != "鉴湖众创空间" {
		t.Fatalf("created: %s", ev.Raw)
	}

	cal := e.must(200, "GET", "/api/v1/calendar", "", nil)
	if cal.str("total") != "2" || !strings.Contains(cal.Raw, `"source":"roadshow","kind":"roadshow"`) || strings.Contains(cal.Raw, hidden) {
		t.Fatalf("calendar for anyone: %s", cal.Raw)
	}
	if c := e.must(200, "GET", "/api/v1/calendar?kind=roadshow&district=yuecheng&spaceId="+s.space, s.host, nil); c.str("total") != "2" {
		t.Fatalf("the host sees their invitation-only roadshow too: %s", c.Raw)
	}
	if c := e.must(200, "GET", "/api/v1/calendar?kind=forum&district=keqiao", "", nil); c.str("total") != "0" {
		t.Fatalf("by district: %s", c.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/calendar?from=yesterday", "", nil), 400, "validation_failed")

	checkProblem(t, e.call("POST", "/api/v1/events/"+id+"/registration", "", nil), 401, "unauthorized")
	if r := e.must(200, "POST", "/api/v1/events/"+id+"/registration", s.viewer, nil); r.str("isRegistered") != "true" || r.str("registered") != "1" {
		t.Fatalf("registered: %s", r.Raw)
	}
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/register", s.viewer, nil)

	// The viewer's own feed, read by a calendar app without a sign-in.
	checkProblem(t, e.call("GET", "/api/v1/calendar/feed", "", nil), 401, "unauthorized")
	addr := e.must(200, "GET", "/api/v1/calendar/feed", s.viewer, nil)
	feed := e.call("GET", addr.str("path"), "", nil)
	if feed.Status != 200 || !strings.HasPrefix(feed.Header["Content-Type"], "text/calendar") || !strings.Contains(feed.Raw, "SUMMARY:主题论坛：芯片\\, 封装\\; 测试\r\n") ||
		!strings.Contains(feed.Raw, "CATEGORIES:roadshow") || !strings.Contains(feed.Raw, "LOCATION:鉴湖众创空间 三楼报告厅") {
		t.Fatalf("the viewer's feed: %d %v\n%s", feed.Status, feed.Header, feed.Raw)
	}
	renewed := e.must(200, "POST", "/api/v1/calendar/feed", s.viewer, nil)
	checkProblem(t, e.call("GET", addr.str("path"), "", nil), 404, "not_found")
	if r := e.call("GET", renewed.str("path"), "", nil); r.Status != 200 {
		t.Fatalf("the renewed address: %d", r.Status)
	}
	checkProblem(t, e.call("GET", "/api/v1/calendar/feeds/nothing.ics", "", nil), 404, "not_found")
	sf := e.call("GET", "/api/v1/calendar/spaces/"+s.space+".ics", "", nil)
	if sf.Status != 200 || strings.Count(sf.Raw, "BEGIN:VEVENT") != 2 || strings.Contains(sf.Raw, "邀请制") {
		t.Fatalf("the space's feed: %d\n%s", sf.Status, sf.Raw)
	}

	if r := e.must(200, "POST", "/api/v1/events/"+id+"/cancel", s.host, nil); r.str("status") != "cancelled" {
		t.Fatalf("cancelled: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/events/"+id+"/registration", s.founderB, nil), 409, "event_cancelled")
	if r := e.must(200, "DELETE", "/api/v1/events/"+id+"/registration", s.viewer, nil); r.str("registered") != "0" {
		t.Fatalf("unregistered: %s", r.Raw)
	}
}

// newRoadshowAt schedules a second roadshow of s's host at s's space.
func newRoadshowAt(t *testing.T, e *env, s roadshowSetup, visibility string) string {
	t.Helper()
	return e.must(201, "POST", "/api/v1/roadshows", s.host, map[string]any{
		"title": "邀请制路演", "spaceId": s.space, "startsAt": time.Now().Add(3 * time.Hour).Format(time.RFC3339), "visibility": visibility,
		"slots": []map[string]any{{"startupId": s.startupA, "minutes": 10}},
	}).str("id")
}

// TestContestRoutes: a contest through the API, from entry to the
// published ranking, and the winner flagged on its startup's awards and
// in an investor's deal flow (contest_winner); refusals are codes with
// fields (the rules themselves: server/app TestContestRules).
func TestContestRoutes(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, map[string]any{"name": "王鉴", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"angel"}})
	judge, judgeID := e.register("mentor")
	m := e.must(201, "POST", "/api/v1/mentors", judge, map[string]any{"name": "周评委", "sectors": []string{"ic"}})
	e.must(200, "PATCH", "/api/v1/mentors/"+m.str("id"), e.admin, map[string]any{"verified": true})
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "training",
		"services": []string{}, "district": "keqiao"}).str("id")
	startup := e.publish(founder, map[string]any{"name": "越芯半导体", "sector": "ic", "stage": "angel"})
	ev := e.must(201, "POST", "/api/v1/events", mgr, map[string]any{"kind": "contest", "title": "越创杯", "spaceId": space,
		"startsAt": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339),
		"contest":  map[string]any{"winners": 1, "criteria": []map[string]any{{"id": "idea", "name": "创新性", "weight": 2}, {"id": "team", "name": "团队", "weight": 1}}}})
	id := ev.str("id")
	base := "/api/v1/events/" + id

	checkProblem(t, e.call("POST", base+"/entries", investor, map[string]any{"startupId": startup}), 403, "role_required")
	if r := e.must(201, "POST", base+"/entries", founder, map[string]any{"startupId": startup}); !strings.Contains(r.Raw, `"startupName":"越芯半导体"`) {
		t.Fatalf("entered: %s", r.Raw)
	}
	checkProblem(t, e.call("PUT", base+"/judges", mgr, map[string]any{"judges": []string{judgeID, "0123456789abcdef01234567"}}), 400, "validation_failed")
	e.must(200, "PUT", base+"/judges", mgr, map[string]any{"judges": []string{judgeID}})
	e.must(200, "POST", base+"/judging", mgr, nil)
	bad := e.call("PUT", base+"/scores/"+startup, judge, map[string]any{"scores": []map[string]any{{"criterion": "idea", "score": 12}}})
	checkProblem(t, bad, 400, "validation_failed")
	for _, f := range []string{`"field":"scores[0].score","code":"score_range"`, `"field":"scores","code":"required"`} {
		if !strings.Contains(bad.Raw, f) {
			t.Fatalf("missing %s in %s", f, bad.Raw)
		}
	}
	checkProblem(t, e.call("PUT", base+"/scores/"+startup, founder, map[string]any{"scores": []map[string]any{}}), 403, "not_a_judge")
	e.must(200, "PUT", base+"/scores/"+startup, judge, map[string]any{"scores": []map[string]any{{"criterion": "idea", "score": 9}, {"criterion": "team", "score": 6}}})
	if v := e.must(200, "GET", base+"/contest", "", nil); v.str("results") != "[]" || v.str("stage") != "judging" {
		t.Fatalf("the ranking shows before it is published: %s", v.Raw)
	}
	pub := e.must(200, "POST", base+"/publish", mgr, nil)
	if !strings.Contains(pub.Raw, `"rank":1,"score":8,"sheets":1,"tied":false,"winner":true`) {
		t.Fatalf("published: %s", pub.Raw)
	}
	checkProblem(t, e.call("PUT", base+"/scores/"+startup, judge, map[string]any{"scores": []map[string]any{{"criterion": "idea", "score": 1}, {"criterion": "team", "score": 1}}}), 409, "contest_published")
	if a := e.must(200, "GET", "/api/v1/startups/"+startup+"/awards", "", nil); a.str("total") != "1" || !strings.Contains(a.Raw, `"title":"越创杯","place":1`) {
		t.Fatalf("awards: %s", a.Raw)
	}
	if d := e.must(200, "GET", "/api/v1/dealflow", investor, nil); !strings.Contains(d.Raw, `{"code":"contest_winner","ok":true,"contest":"越创杯","place":1}`) {
		t.Fatalf("the deal flow's reasons: %s", d.Raw)
	}
}
