package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

var pdf = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// raw sends body with a content type and returns status, body and headers.
func (e *env) raw(method, path, token, ctype string, body []byte) (int, []byte, http.Header) {
	e.t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := e.srv.App().Test(req, 30_000)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b, res.Header
}

// TestDeckPrivacy: a deck is read only by its founder, admins, verified
// investors and investors the founder granted; reads are logged for the
// founder, who alone sees the log.
func TestDeckPrivacy(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	founder, _ := e.register("founder")
	other, _ := e.register("founder")
	verified, _ := e.register("investor")
	unverified, unverifiedID := e.register("investor")
	vid := e.must(201, "POST", "/api/v1/investors", verified, investorBody()).str("id")
	e.must(200, "PATCH", "/api/v1/investors/"+vid, e.admin, map[string]any{"verified": true})
	e.must(201, "POST", "/api/v1/investors", unverified, investorBody())
	st := e.publish(founder, map[string]any{"name": "越芯半导体"})
	path := "/api/v1/startups/" + st + "/deck"

	if code, _, _ := e.raw("PUT", path, other, "application/pdf", pdf); code != 403 {
		t.Fatalf("another founder uploaded: %d", code)
	}
	if code, b, _ := e.raw("PUT", path, founder, "application/pdf", []byte("<html>not a pdf")); code != 400 || !strings.Contains(string(b), "not_pdf") {
		t.Fatalf("non-PDF: %d %s", code, b)
	}
	if code, b, _ := e.raw("PUT", path, founder, "text/plain", pdf); code != 400 || !strings.Contains(string(b), "not_pdf") {
		t.Fatalf("wrong content type: %d %s", code, b)
	}
	big := append(append([]byte{}, pdf...), bytes.Repeat([]byte("x"), 20<<20)...)
	if code, b, _ := e.raw("PUT", path, founder, "application/pdf", big); code != 413 || !strings.Contains(string(b), "deck_too_large") {
		t.Fatalf("21 MB deck: %d %s", code, b)
	}
	if code, b, _ := e.raw("GET", path, verified, "", nil); code != 404 || !strings.Contains(string(b), "no_deck") {
		t.Fatalf("before upload: %d %s", code, b)
	}
	if code, b, _ := e.raw("PUT", path, founder, "application/pdf", pdf); code != 200 {
		t.Fatalf("upload: %d %s", code, b)
	}

	for name, tok := range map[string]string{"anonymous": "", "another founder": other, "unverified investor": unverified} {
		code, b, _ := e.raw("GET", path, tok, "", nil)
		if code == 200 || bytes.Contains(b, []byte("%PDF")) {
			t.Errorf("%s read the deck: %d", name, code)
		}
	}
	code, b, h := e.raw("GET", path, verified, "", nil)
	if code != 200 || !bytes.Equal(b, pdf) || h.Get("Content-Type") != "application/pdf" || h.Get("X-Deck-View-Id") == "" {
		t.Fatalf("verified investor: %d %q %v", code, b, h)
	}
	viewID := h.Get("X-Deck-View-Id")
	e.must(204, "POST", path+"/views/"+viewID+"/pages", verified, map[string]any{"pages": map[string]float64{"1": 12.5, "2": 40}})
	checkProblem(t, e.call("POST", path+"/views/"+viewID+"/pages", unverified, map[string]any{"pages": map[string]float64{"1": 1}}), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/views/"+viewID+"/pages", verified, map[string]any{"pages": map[string]float64{"0": 1}}), 400, "validation_failed")

	// Request and grant, each a live notification.
	fws, _ := e.dialNotes(t, addr, founder, "")
	if code, _, _ := e.raw("POST", path+"/request", unverified, "application/json", nil); code != 202 {
		t.Fatalf("request: %d", code)
	}
	if n := fws.within(t); n.field("type") != "deck.requested" {
		t.Fatalf("request notification %s", n.Data)
	}
	iws, _ := e.dialNotes(t, addr, unverified, "")
	checkProblem(t, e.call("POST", path+"/grants", other, map[string]any{"investorUserId": unverifiedID}), 403, "forbidden")
	checkProblem(t, e.call("POST", path+"/grants", founder, map[string]any{"investorUserId": "nope"}), 400, "validation_failed")
	e.must(200, "POST", path+"/grants", founder, map[string]any{"investorUserId": unverifiedID})
	if n := iws.within(t); n.field("type") != "deck.granted" {
		t.Fatalf("grant notification %s", n.Data)
	}
	if code, b, _ := e.raw("GET", path, unverified, "", nil); code != 200 || !bytes.Equal(b, pdf) {
		t.Fatalf("granted investor: %d", code)
	}

	// The view log is the founder's.
	views := e.must(200, "GET", path+"/views", founder, nil)
	if views.str("total") != "2" || !strings.Contains(views.Raw, `"2":40`) {
		t.Fatalf("views %s", views.Raw)
	}
	checkProblem(t, e.call("GET", path+"/views", verified, nil), 403, "forbidden")
	checkProblem(t, e.call("GET", path+"/views", "", nil), 401, "unauthorized")
	// A withdrawn startup's deck is nobody else's business.
	e.must(200, "POST", "/api/v1/startups/"+st+"/unpublish", founder, nil)
	if code, _, _ := e.raw("GET", path, verified, "", nil); code != 404 {
		t.Fatalf("deck of a draft: %d", code)
	}
}

// TestRoadshowDeck: a presenting startup's deck is shown to the room while
// the roadshow is live, by the room's admission rule; before the start only
// the host and the presenters may open it, and never a startup that is not
// in the agenda.
func TestRoadshowDeck(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	s := newRoadshow(t, e, "registered")
	if code, body, _ := e.raw("PUT", "/api/v1/startups/"+s.startupA+"/deck", s.founderA, "application/pdf", pdf); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	outsider, _ := e.register("founder")
	elsewhere := e.publish(outsider, map[string]any{"name": "不在议程里"})
	e.raw("PUT", "/api/v1/startups/"+elsewhere+"/deck", outsider, "application/pdf", pdf)
	path := "/api/v1/roadshows/" + s.id + "/decks/"
	get := func(token, startup string) (int, string) {
		code, body, _ := e.raw("GET", path+startup, token, "", nil)
		return code, string(body)
	}
	for _, tc := range []struct {
		name, token, startup string
		code                 int
		has                  string
	}{
		{"host before the start", s.host, s.startupA, 200, "%PDF"},
		{"presenter B before the start", s.founderB, s.startupA, 200, "%PDF"},
		{"a signed-out guest in a registered room", "", s.startupA, 401, "sign_in_required"},
		{"an unregistered viewer", s.viewer, s.startupA, 403, "registration_required"},
		{"no deck uploaded", s.host, s.startupB, 404, "no_deck"},
		{"a startup outside the agenda", s.host, elsewhere, 404, "not_found"},
		{"a bad id", s.host, "x%20y", 400, "invalid_id"},
	} {
		if code, body := get(tc.token, tc.startup); code != tc.code || !strings.Contains(body, tc.has) {
			t.Errorf("%s: %d %.80s, want %d with %q", tc.name, code, body, tc.code, tc.has)
		}
	}
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/register", s.viewer, nil)
	if code, body := get(s.viewer, s.startupA); code != 403 || !strings.Contains(body, "roadshow_not_live") {
		t.Errorf("registered viewer before the start: %d %s", code, body)
	}
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	if code, body := get(s.viewer, s.startupA); code != 200 || body != string(pdf) {
		t.Errorf("registered viewer while live: %d %.80s", code, body)
	}
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/end", s.host, nil)
	if code, body := get(s.viewer, s.startupA); code != 403 || !strings.Contains(body, "roadshow_not_live") {
		t.Errorf("registered viewer after the end: %d %s", code, body)
	}
}
