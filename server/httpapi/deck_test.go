package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
	pdfcheck "github.com/yuechuang/yuechuang/server/pdf"
	"github.com/yuechuang/yuechuang/server/pdf/pdftest"
)

// pdf is a small but whole deck of three pages.
var pdf = pdftest.Deck(3)

// pageCount parses a PDF the server wrote and counts its pages.
func pageCount(t *testing.T, data []byte) int {
	t.Helper()
	n, err := pdfcheck.Check(data)
	if err != nil {
		t.Fatalf("not a whole PDF: %v", err)
	}
	return n
}

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
	// A file that only starts like a PDF is refused with its own code.
	for name, data := range map[string][]byte{
		"a header and text":      []byte("%PDF-1.7\nthis is not a PDF at all"),
		"a catalog without xref": []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
		"a cut-off deck":         pdf[:len(pdf)/2],
	} {
		if code, b, _ := e.raw("PUT", path, founder, "application/pdf", data); code != 400 || !strings.Contains(string(b), "pdf_unparseable") {
			t.Fatalf("%s: %d %s", name, code, b)
		}
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

// TestRoadshowDeck: in a roadshow room a deck is shown only as it is
// presented: to those the room admits, only while live and on stage, only
// the pages up to the one on screen; each read is a deck view its founder
// sees. Neither the host nor the other presenters have standing access.
func TestRoadshowDeck(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "registered")
	if code, body, _ := e.raw("PUT", "/api/v1/startups/"+s.startupA+"/deck", s.founderA, "application/pdf", pdftest.Deck(5)); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	if code, body, _ := e.raw("PUT", "/api/v1/startups/"+s.startupB+"/deck", s.founderB, "application/pdf", pdftest.Deck(4)); code != 200 {
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
	type want struct {
		name, token, startup string
		code                 int
		has                  string
	}
	check := func(cases ...want) {
		t.Helper()
		for _, tc := range cases {
			if code, body := get(tc.token, tc.startup); code != tc.code || !strings.Contains(body, tc.has) {
				t.Errorf("%s: %d %.80s, want %d with %q", tc.name, code, body, tc.code, tc.has)
			}
		}
	}
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/register", s.viewer, nil)
	check(
		want{"host before the start", s.host, s.startupA, 403, "roadshow_not_live"},
		want{"presenter B before the start", s.founderB, s.startupA, 403, "roadshow_not_live"},
		want{"registered viewer before the start", s.viewer, s.startupA, 403, "roadshow_not_live"},
		want{"a signed-out guest in a registered room", "", s.startupA, 401, "sign_in_required"},
		want{"an unregistered viewer", s.investor, s.startupA, 403, "registration_required"},
		want{"a startup outside the agenda", s.host, elsewhere, 404, "not_found"},
		want{"a bad id", s.host, "x%20y", 400, "invalid_id"},
	)

	host, err := e.dial(t, addr, s.host, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	host.next("welcome")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	host.next("stage")
	pages := func(token, startup string) int {
		t.Helper()
		code, body, _ := e.raw("GET", path+startup, token, "", nil)
		if code != 200 {
			t.Fatalf("read %s: %d %s", startup, code, body)
		}
		return pageCount(t, body)
	}
	// On stage at page 1: the room reads page 1 and nothing more; the
	// deck that is not on stage yet stays closed, to its fellow presenter too.
	if n := pages(s.viewer, s.startupA); n != 1 {
		t.Fatalf("at page 1 the viewer got %d pages", n)
	}
	check(
		want{"the next presenter's deck, by the host", s.host, s.startupB, 403, "deck_not_on_stage"},
		want{"the next presenter's deck, by presenter A", s.founderA, s.startupB, 403, "deck_not_on_stage"},
		want{"still an unregistered viewer", s.investor, s.startupA, 403, "registration_required"},
	)
	host.send("stage.set", map[string]any{"page": 3}, "p3")
	host.expectAck("p3") // acknowledged once stored and on stage
	if n := pages(s.viewer, s.startupA); n != 3 {
		t.Fatalf("at page 3 the viewer got %d pages", n)
	}
	pages(s.host, s.startupA)
	pages(s.founderA, s.startupA) // the founder's own reads are not logged

	// Each viewer's reads are one deck view the founder sees, with how far they got.
	views := e.must(200, "GET", "/api/v1/startups/"+s.startupA+"/deck/views", s.founderA, nil)
	if views.str("total") != "2" || !strings.Contains(views.Raw, `"roadshowId":"`+s.id+`"`) ||
		!strings.Contains(views.Raw, `"upToPage":3,"reads":2`) || !strings.Contains(views.Raw, `"upToPage":3,"reads":1`) {
		t.Fatalf("room views %s", views.Raw)
	}

	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/advance", s.host, nil)
	host.next("stage")
	check(
		want{"the first deck after its slot", s.viewer, s.startupA, 403, "deck_not_on_stage"},
		want{"the host, the first deck after its slot", s.host, s.startupA, 403, "deck_not_on_stage"},
		want{"the second deck once on stage", s.viewer, s.startupB, 200, "%PDF"},
	)
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/end", s.host, nil)
	check(
		want{"registered viewer after the end", s.viewer, s.startupB, 403, "roadshow_not_live"},
		want{"host after the end", s.host, s.startupB, 403, "roadshow_not_live"},
		want{"presenter after the end", s.founderA, s.startupB, 403, "roadshow_not_live"},
	)
}
