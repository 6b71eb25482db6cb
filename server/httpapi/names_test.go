package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestOneNamePerPerson: an investor is shown by one name everywhere, their
// profile's, which their account takes when they save the profile. Data
// kept from before the two were one (the account named apart, as release
// b1acd2e's demo investors are) shows the profile's name in every read
// model all the same: interest, intros, deck views and requests, the
// investor's page, the founder's matches and the roadshow record.
func TestOneNamePerPerson(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	if me := e.must(200, "GET", "/api/v1/me", s.investor, nil); me.str("user", "name") != "鉴湖资本" {
		t.Fatalf("the profile's name did not become the account's: %s", me.Raw)
	}
	invID := e.must(200, "GET", "/api/v1/investors/me", s.investor, nil).str("id")
	// The account named apart, as older data has it.
	if err := e.db.SetUserName(t.Context(), s.investorID, "王鉴（旧账号名）"); err != nil {
		t.Fatal(err)
	}

	// The investor acts everywhere under the name they have now.
	e.must(200, "POST", "/api/v1/dealflow/"+s.startupA+"/feedback", s.investor, map[string]any{"action": "interested"})
	e.must(201, "POST", "/api/v1/intros", s.investor, map[string]any{"startupId": s.startupA, "message": "你好"})
	deck := "/api/v1/startups/" + s.startupA + "/deck"
	e.raw("PUT", deck, s.founderA, "application/pdf", pdf)
	e.must(202, "POST", deck+"/request", s.investor, nil)
	e.must(200, "POST", deck+"/grants", s.founderA, map[string]any{"investorUserId": s.investorID})
	if code, _, _ := e.raw("GET", deck, s.investor, "", nil); code != 200 {
		t.Fatalf("read the deck: %d", code)
	}
	host, err := e.dial(t, addr, s.host, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	host.next("welcome")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	inv, err := e.dial(t, addr, s.investor, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	inv.next("welcome")
	inv.send("chat.send", map[string]any{"text": "很好的项目"}, "c1")
	inv.expectAck("c1")
	inv.send("question.ask", map[string]any{"text": "量产时间？"}, "q1")
	inv.expectAck("q1")
	inv.send("interest", map[string]any{"startupId": s.startupA}, "i1")
	inv.expectAck("i1")

	// Every answer names them by their profile.
	for name, read := range map[string]struct{ path, token string }{
		"interest":        {"/api/v1/startups/" + s.startupA + "/interest", s.founderA},
		"intros":          {"/api/v1/intros", s.founderA},
		"deck views":      {deck + "/views", s.founderA},
		"deck access":     {deck + "/access", s.founderA},
		"investor page":   {"/api/v1/investors/" + invID, ""},
		"matches":         {"/api/v1/matches/investors?startupId=" + s.startupA + "&pageSize=100", s.founderA},
		"roadshow record": {"/api/v1/roadshows/" + s.id + "/record", s.host},
	} {
		r := e.must(200, "GET", read.path, read.token, nil)
		if !strings.Contains(r.Raw, "鉴湖资本") || strings.Contains(r.Raw, "王鉴") {
			t.Errorf("%s does not show the one name: %s", name, r.Raw)
		}
	}
	// Saving the profile under another name renames the account.
	e.must(200, "PATCH", "/api/v1/investors/"+invID, s.investor, map[string]any{"name": "章雨桐（鉴湖资本）"})
	if me := e.must(200, "GET", "/api/v1/me", s.investor, nil); me.str("user", "name") != "章雨桐（鉴湖资本）" {
		t.Fatalf("rename: %s", me.Raw)
	}
}
