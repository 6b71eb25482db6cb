package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestDeckRequestsAnswered: an investor's request is granted or declined
// by the founder (or an admin) alone, a grant is revoked later, and each
// answer is a live notification to the investor; the access endpoint tells
// each side where things stand.
func TestDeckRequestsAnswered(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	founder, _ := e.register("founder")
	other, _ := e.register("founder")
	inv, invID := e.register("investor")
	inv2, inv2ID := e.register("investor")
	noProfile, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", inv, investorBody())
	e.must(201, "POST", "/api/v1/investors", inv2, investorBody())
	st := e.publish(founder, map[string]any{"name": "越芯半导体"})
	path := "/api/v1/startups/" + st + "/deck"

	// Before there is a deck: nothing to ask for, and the page says so.
	if a := e.must(200, "GET", path+"/access", "", nil); a.str("hasDeck") != "false" {
		t.Fatalf("access before upload %s", a.Raw)
	}
	checkProblem(t, e.call("POST", path+"/request", inv, nil), 404, "no_deck")
	if code, b, _ := e.raw("PUT", path, founder, "application/pdf", pdf); code != 200 {
		t.Fatalf("upload: %d %s", code, b)
	}
	if a := e.must(200, "GET", path+"/access", "", nil); a.str("hasDeck") != "true" || a.str("pages") != "3" || a.str("mayRead") != "false" {
		t.Fatalf("anonymous access %s", a.Raw)
	}
	checkProblem(t, e.call("POST", path+"/request", noProfile, nil), 409, "profile_required")
	checkProblem(t, e.call("POST", path+"/request", other, nil), 403, "role_required")

	fws, _ := e.dialNotes(t, addr, founder, "")
	iws, _ := e.dialNotes(t, addr, inv, "")
	if r := e.must(202, "POST", path+"/request", inv, nil); r.str("request") != "pending" || r.str("mayRead") != "false" {
		t.Fatalf("request %s", r.Raw)
	}
	if n := fws.within(t); n.field("type") != "deck.requested" || !strings.Contains(string(n.Data), invID) {
		t.Fatalf("request notification %s", string(n.Data))
	}
	e.must(202, "POST", path+"/request", inv2, nil)
	fws.within(t)
	a := e.must(200, "GET", path+"/access", founder, nil)
	if !strings.Contains(a.Raw, `"userId":"`+invID+`"`) || !strings.Contains(a.Raw, `"userId":"`+inv2ID+`"`) || strings.Count(a.Raw, `"status":"pending"`) != 2 {
		t.Fatalf("the founder's access list %s", a.Raw)
	}
	if a := e.must(200, "GET", path+"/access", inv, nil); a.str("request") != "pending" || a.str("requests") != "" {
		t.Fatalf("the investor sees %s", a.Raw)
	}

	// Only the founder or an admin answers.
	for name, tok := range map[string]string{"another founder": other, "the investor": inv} {
		checkProblem(t, e.call("POST", path+"/requests/"+invID+"/decline", tok, nil), 403, "forbidden")
		checkProblem(t, e.call("DELETE", path+"/grants/"+invID, tok, nil), 403, "forbidden")
		_ = name
	}
	checkProblem(t, e.call("POST", path+"/requests/"+invID+"/decline", "", nil), 401, "unauthorized")
	checkProblem(t, e.call("POST", path+"/requests/nope/decline", founder, nil), 400, "invalid_id")

	// Declined: told, may ask again.
	e.must(200, "POST", path+"/requests/"+invID+"/decline", founder, nil)
	if n := iws.within(t); n.field("type") != "deck.declined" || !strings.Contains(string(n.Data), st) {
		t.Fatalf("decline notification %s", string(n.Data))
	}
	checkProblem(t, e.call("POST", path+"/requests/"+invID+"/decline", founder, nil), 404, "deck_request_not_found")
	if a := e.must(200, "GET", path+"/access", inv, nil); a.str("request") != "declined" {
		t.Fatalf("after decline %s", a.Raw)
	}
	if code, _, _ := e.raw("GET", path, inv, "", nil); code != 403 {
		t.Fatalf("a declined investor read the deck: %d", code)
	}
	e.must(202, "POST", path+"/request", inv, nil)

	// Granted (an admin may too): the request leaves the list, the deck opens.
	e.must(200, "POST", path+"/grants", e.admin, map[string]any{"investorUserId": inv2ID})
	e.must(200, "POST", path+"/grants", founder, map[string]any{"investorUserId": invID})
	if n := iws.within(t); n.field("type") != "deck.granted" {
		t.Fatalf("grant notification %s", string(n.Data))
	}
	a = e.must(200, "GET", path+"/access", founder, nil)
	if strings.Contains(a.Raw, "pending") || strings.Count(a.Raw, `"status":"granted"`) != 2 {
		t.Fatalf("after grants %s", a.Raw)
	}
	if code, _, _ := e.raw("GET", path, inv, "", nil); code != 200 {
		t.Fatalf("granted investor: %d", code)
	}
	checkProblem(t, e.call("POST", path+"/requests/"+invID+"/decline", founder, nil), 404, "deck_request_not_found")

	// Revoked: told, the deck closes, and there is nothing left to revoke.
	e.must(200, "DELETE", path+"/grants/"+invID, founder, nil)
	if n := iws.within(t); n.field("type") != "deck.revoked" {
		t.Fatalf("revoke notification %s", string(n.Data))
	}
	if code, _, _ := e.raw("GET", path, inv, "", nil); code != 403 {
		t.Fatalf("a revoked investor read the deck: %d", code)
	}
	checkProblem(t, e.call("DELETE", path+"/grants/"+invID, founder, nil), 404, "deck_grant_not_found")
	if a := e.must(200, "GET", path+"/access", inv, nil); a.str("request") != "" || a.str("mayRead") != "false" {
		t.Fatalf("after revoke %s", a.Raw)
	}
	// A new file keeps who may read it.
	e.raw("PUT", path, founder, "application/pdf", pdf)
	if code, _, _ := e.raw("GET", path, inv2, "", nil); code != 200 {
		t.Fatalf("grant lost on a new upload: %d", code)
	}

	// A withdrawn startup's deck: its access is nobody else's business.
	e.must(200, "POST", "/api/v1/startups/"+st+"/unpublish", founder, nil)
	checkProblem(t, e.call("GET", path+"/access", inv2, nil), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/request", inv, nil), 404, "not_found")
}

// TestDeckReadingBeacon: the reader's page reports reading time as it is
// hidden or closed with navigator.sendBeacon, which carries no token and
// posts text/plain: the view's key stands for the sign-in. A wrong key, a
// view of another deck, a page past the deck or more time than has passed
// are refused; repeated reports keep the larger figures.
func TestDeckReadingBeacon(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	reader, _ := e.register("investor")
	vid := e.must(201, "POST", "/api/v1/investors", reader, investorBody()).str("id")
	e.must(200, "PATCH", "/api/v1/investors/"+vid, e.admin, map[string]any{"verified": true})
	st := e.publish(founder, map[string]any{"name": "越芯半导体"})
	st2 := e.publish(founder, map[string]any{"name": "越芯二号"})
	path := "/api/v1/startups/" + st + "/deck"
	e.raw("PUT", path, founder, "application/pdf", pdf)
	e.raw("PUT", "/api/v1/startups/"+st2+"/deck", founder, "application/pdf", pdf)
	code, _, h := e.raw("GET", path, reader, "", nil)
	viewID, key := h.Get("X-Deck-View-Id"), h.Get("X-Deck-View-Key")
	if code != 200 || viewID == "" || len(key) < 32 {
		t.Fatalf("read: %d id %q key %q", code, viewID, key)
	}
	beacon := func(startup, view, body string) int {
		code, b, _ := e.raw("POST", "/api/v1/startups/"+startup+"/deck/views/"+view+"/pages", "", "text/plain;charset=UTF-8", []byte(body))
		if code != 204 && !strings.Contains(string(b), `"code"`) {
			t.Fatalf("not a problem body: %s", b)
		}
		return code
	}
	if c := beacon(st, viewID, `{"key":"`+key+`","pages":{"1":4.5,"2":2}}`); c != 204 {
		t.Fatalf("beacon: %d", c)
	}
	if c := beacon(st, viewID, `{"key":"`+key+`","pages":{"1":3,"2":6}}`); c != 204 {
		t.Fatalf("second beacon: %d", c)
	}
	for name, tc := range map[string]struct {
		startup, body string
		want          int
	}{
		"no key":             {st, `{"pages":{"1":1}}`, 401},
		"a wrong key":        {st, `{"key":"` + strings.Repeat("0", 32) + `","pages":{"1":100}}`, 404},
		"another deck":       {st2, `{"key":"` + key + `","pages":{"1":100}}`, 404},
		"past the last page": {st, `{"key":"` + key + `","pages":{"4":1}}`, 400},
		"an hour at once":    {st, `{"key":"` + key + `","pages":{"1":3600}}`, 400},
		"not JSON":           {st, `pages=1`, 400},
		"an unknown field":   {st, `{"key":"` + key + `","pages":{},"x":1}`, 400},
	} {
		if c := beacon(tc.startup, viewID, tc.body); c != tc.want {
			t.Errorf("%s: %d, want %d", name, c, tc.want)
		}
	}
	views := e.must(200, "GET", path+"/views", founder, nil)
	if !strings.Contains(views.Raw, `"pages":{"1":4.5,"2":6}`) || strings.Contains(views.Raw, key) {
		t.Fatalf("views %s", views.Raw)
	}
	// The signed-in report is the same rule, without a key.
	e.must(204, "POST", path+"/views/"+viewID+"/pages", reader, map[string]any{"pages": map[string]float64{"3": 1}})
	checkProblem(t, e.call("POST", path+"/views/"+viewID+"/pages", founder, map[string]any{"pages": map[string]float64{"3": 1}}), 404, "not_found")
}
