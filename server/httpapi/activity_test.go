package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestInvestorActivity: an investor's page lists the public roadshows they
// attended to anyone, and the startups they are interested in only with
// their consent (publicInterest), which they alone (or an admin) set; they
// always see their own.
func TestInvestorActivity(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	invID := e.must(200, "GET", "/api/v1/investors/me", s.investor, nil).str("id")
	e.must(200, "POST", "/api/v1/dealflow/"+s.startupA+"/feedback", s.investor, map[string]any{"action": "interested"})
	e.must(200, "POST", "/api/v1/dealflow/"+s.startupB+"/feedback", s.investor, map[string]any{"action": "save"})
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
	inv.send("chat.send", map[string]any{"text": "到场"}, "c1")
	inv.expectAck("c1")
	path := "/api/v1/investors/" + invID + "/activity"
	attended := func(token string) resp {
		t.Helper()
		e.eventually(t, path, func(r resp) bool { return strings.Contains(r.Raw, s.id) }) // attendance is stored as the room runs
		return e.must(200, "GET", path, token, nil)
	}

	// Without consent: roadshows yes, interest no, to others; all to the investor.
	for name, tok := range map[string]string{"anonymous": "", "a founder": s.founderA} {
		r := attended(tok)
		if !strings.Contains(r.Raw, "2026 绍兴集成电路专场路演") || strings.Contains(r.Raw, s.startupA) || r.str("interestShown") != "false" {
			t.Errorf("%s sees %s", name, r.Raw)
		}
	}
	if r := e.must(200, "GET", path, s.investor, nil); !strings.Contains(r.Raw, s.startupA) || strings.Contains(r.Raw, s.startupB) || r.str("publicInterest") != "false" {
		t.Fatalf("the investor's own view %s", r.Raw)
	}
	// Consent is the investor's to give.
	other, _ := e.register("investor")
	checkProblem(t, e.call("PATCH", "/api/v1/investors/"+invID, other, map[string]any{"publicInterest": true}), 403, "forbidden")
	e.must(200, "PATCH", "/api/v1/investors/"+invID, s.investor, map[string]any{"publicInterest": true})
	if r := e.must(200, "GET", path, "", nil); !strings.Contains(r.Raw, s.startupA) || !strings.Contains(r.Raw, "越芯半导体") || strings.Contains(r.Raw, s.startupB) {
		t.Fatalf("with consent %s", r.Raw)
	}
	// A withdrawn startup is not listed, and consent withdrawn hides the rest.
	e.must(200, "POST", "/api/v1/startups/"+s.startupA+"/unpublish", s.founderA, nil)
	if r := e.must(200, "GET", path, "", nil); strings.Contains(r.Raw, s.startupA) {
		t.Fatalf("a draft listed %s", r.Raw)
	}
	e.must(200, "PATCH", "/api/v1/investors/"+invID, s.investor, map[string]any{"publicInterest": false})
	if r := e.must(200, "GET", path, "", nil); r.str("interestShown") != "false" {
		t.Fatalf("consent withdrawn %s", r.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/investors/"+strings.Repeat("0", 24)+"/activity", "", nil), 404, "not_found")
}
