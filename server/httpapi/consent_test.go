package httpapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestPresentingNeedsConsent: a manager's agenda entry is an invitation
// the founder answers; until accepted the startup is not presented, shown
// or advertised, and the founder and the host each hear of the other's step.
func TestPresentingNeedsConsent(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	host, _ := e.register("manager")
	founderA, _ := e.register("founder")
	founderB, _ := e.register("founder")
	stranger, _ := e.register("founder")
	space := e.must(201, "POST", "/api/v1/spaces", host, map[string]any{"name": "鉴湖众创空间", "level": "city", "model": "investment",
		"services": []string{"financing"}, "district": "yuecheng"}).str("id")
	a := e.publish(founderA, map[string]any{"name": "越芯半导体"})
	b := e.publish(founderB, map[string]any{"name": "兰亭智能", "sector": "ai"})
	aws, _ := e.dialNotes(t, addr, founderA, "")
	hws, _ := e.dialNotes(t, addr, host, "")

	created := e.must(201, "POST", "/api/v1/roadshows", host, map[string]any{
		"title": "集成电路专场", "spaceId": space, "startsAt": time.Now().Add(time.Hour).Format(time.RFC3339), "visibility": "public",
		"slots": []map[string]any{{"startupId": a, "minutes": 10}, {"startupId": b, "minutes": 8}},
	})
	id := created.str("id")
	path := "/api/v1/roadshows/" + id
	// Nothing is presented yet: the public agenda is empty, the host sees two invitations.
	if r := e.must(200, "GET", path, "", nil); strings.Contains(r.Raw, a) || strings.Contains(r.Raw, b) {
		t.Fatalf("an agenda nobody accepted is public: %s", r.Raw)
	}
	if r := e.must(200, "GET", path, host, nil); strings.Count(r.Raw, `"consent":"invited"`) != 2 {
		t.Fatalf("the host's view: %s", r.Raw)
	}
	if n := aws.nextOfType(t, "roadshow.invitation"); !strings.Contains(string(n.Data), a) || !strings.Contains(string(n.Data), id) {
		t.Fatalf("invitation %s", n.Data)
	}
	checkProblem(t, e.call("POST", path+"/start", host, nil), 409, "no_presenters")
	if code, body, _ := e.raw("GET", path+"/decks/"+a, host, "", nil); code == 200 {
		t.Fatalf("the host read an invited deck: %s", body)
	}

	// Each founder sees and answers their own invitation only.
	if r := e.must(200, "GET", "/api/v1/me/invitations", founderA, nil); r.str("total") != "1" || !strings.Contains(r.Raw, `"consent":"invited"`) {
		t.Fatalf("founder A's invitations %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/me/invitations", stranger, nil); r.str("total") != "0" {
		t.Fatalf("a stranger's invitations %s", r.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/me/invitations", "", nil), 401, "unauthorized")
	checkProblem(t, e.call("POST", path+"/invitations/"+a+"/accept", stranger, nil), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/invitations/"+a+"/accept", host, nil), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/invitations/"+a+"/accept", "", nil), 401, "unauthorized")
	if r := e.must(200, "POST", path+"/invitations/"+a+"/accept", founderA, nil); r.str("consent") != "accepted" {
		t.Fatalf("accept %s", r.Raw)
	}
	if n := hws.nextOfType(t, "roadshow.answered"); !strings.Contains(string(n.Data), `"accepted":true`) {
		t.Fatalf("answer notification %s", n.Data)
	}
	e.must(200, "POST", path+"/invitations/"+b+"/decline", founderB, nil)
	if n := hws.nextOfType(t, "roadshow.answered"); !strings.Contains(string(n.Data), `"accepted":false`) {
		t.Fatalf("decline notification %s", n.Data)
	}
	pub := e.must(200, "GET", path, "", nil)
	if !strings.Contains(pub.Raw, a) || strings.Contains(pub.Raw, b) || strings.Contains(pub.Raw, "invitations") {
		t.Fatalf("public agenda after the answers: %s", pub.Raw)
	}

	// The host re-orders the agenda: answers stay with their startups.
	e.must(200, "PATCH", path, host, map[string]any{"slots": []map[string]any{{"startupId": b, "minutes": 5}, {"startupId": a, "minutes": 12}}})
	if r := e.must(200, "GET", path, host, nil); !strings.Contains(r.Raw, `"consent":"declined"`) || !strings.Contains(r.Raw, `"minutes":12`) {
		t.Fatalf("after re-ordering: %s", r.Raw)
	}

	// Only the accepted startup is presented; answers are closed once live.
	e.must(200, "POST", path+"/start", host, nil)
	if r := e.must(200, "GET", path, "", nil); len(r.Body["slots"].([]any)) != 1 {
		t.Fatalf("presented slots: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", path+"/invitations/"+b+"/accept", founderB, nil), 409, "agenda_fixed")
	checkProblem(t, e.call("POST", path+"/advance", host, nil), 409, "last_slot")
}
