package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

func stepDone(r resp, code string) string {
	steps, _ := r.Body["steps"].([]any)
	for _, s := range steps {
		m := s.(map[string]any)
		if m["code"] == code {
			if m["done"] == true {
				return "done"
			}
			return "todo"
		}
	}
	return "absent"
}

// TestOnboarding: after sign-up each founder and investor is told what to
// fill in next, step by step, with a completeness that follows the profile.
func TestOnboarding(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	r := e.must(200, "GET", "/api/v1/me/onboarding", founder, nil)
	if stepDone(r, "startup") != "todo" || stepDone(r, "deck") != "todo" || r.str("done") != "false" {
		t.Fatalf("a new founder %s", r.Raw)
	}
	id := e.must(201, "POST", "/api/v1/startups", founder, map[string]any{"name": "越芯", "sector": "ic", "stage": "seed", "district": "keqiao"}).str("id")
	r = e.must(200, "GET", "/api/v1/me/onboarding", founder, nil)
	if stepDone(r, "startup") != "done" || stepDone(r, "oneLiner") != "todo" || stepDone(r, "published") != "todo" || r.str("completeness") != "0" || r.str("startupId") != id {
		t.Fatalf("with a draft %s", r.Raw)
	}
	e.must(200, "PATCH", "/api/v1/startups/"+id, founder, map[string]any{"oneLiner": "车规芯片", "teamSize": 5, "traction": "两家整车厂验证",
		"description": strings.Repeat("我们设计车规级碳化硅功率芯片。", 8), "askWan": 300})
	e.raw("PUT", "/api/v1/startups/"+id+"/deck", founder, "application/pdf", pdf)
	e.must(200, "POST", "/api/v1/startups/"+id+"/publish", founder, nil)
	r = e.must(200, "GET", "/api/v1/me/onboarding?startupId="+id, founder, nil)
	if stepDone(r, "oneLiner") != "done" || stepDone(r, "deck") != "done" || stepDone(r, "published") != "done" || stepDone(r, "team") != "todo" ||
		r.str("completeness") != "0.4444444444444444" {
		t.Fatalf("after filling in %s", r.Raw)
	}
	other, _ := e.register("founder")
	checkProblem(t, e.call("GET", "/api/v1/me/onboarding?startupId="+id, other, nil), 404, "not_found")
	checkProblem(t, e.call("GET", "/api/v1/me/onboarding", "", nil), 401, "unauthorized")

	inv, _ := e.register("investor")
	if r := e.must(200, "GET", "/api/v1/me/onboarding", inv, nil); stepDone(r, "profile") != "todo" || stepDone(r, "verified") != "todo" {
		t.Fatalf("a new investor %s", r.Raw)
	}
	invID := e.must(201, "POST", "/api/v1/investors", inv, investorBody()).str("id")
	r = e.must(200, "GET", "/api/v1/me/onboarding", inv, nil)
	if stepDone(r, "profile") != "done" || stepDone(r, "sectors") != "done" || stepDone(r, "bio") != "todo" || stepDone(r, "verified") != "todo" || r.str("completeness") != "0.6" {
		t.Fatalf("an investor with a profile %s", r.Raw)
	}
	e.must(200, "PATCH", "/api/v1/investors/"+invID, inv, map[string]any{"bio": "专注早期硬科技", "title": "合伙人"})
	e.must(200, "PATCH", "/api/v1/investors/"+invID, e.admin, map[string]any{"verified": true})
	if r := e.must(200, "GET", "/api/v1/me/onboarding", inv, nil); r.str("done") != "true" || r.str("completeness") != "1" {
		t.Fatalf("all done %s", r.Raw)
	}
}
