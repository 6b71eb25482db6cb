package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// publish creates and publishes a startup with the given fields over startupBody.
func (e *env) publish(token string, fields map[string]any) string {
	e.t.Helper()
	b := startupBody()
	for k, v := range fields {
		b[k] = v
	}
	id := e.must(201, "POST", "/api/v1/startups", token, b).str("id")
	e.must(200, "POST", "/api/v1/startups/"+id+"/publish", token, nil)
	return id
}

func dealNames(r resp) []string {
	var out []string
	items, _ := r.Body["items"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["startup"].(map[string]any)["name"].(string))
	}
	return out
}

func TestDealFlow(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	// The thesis of the example: IC, angel, 100–500万, Keqiao.
	e.must(201, "POST", "/api/v1/investors", investor, map[string]any{"name": "王鉴", "kind": "angel",
		"sectors": []string{"ic"}, "stages": []string{"angel"}, "checkMinWan": 100, "checkMaxWan": 500, "districts": []string{"keqiao"}})

	both := e.publish(founder, map[string]any{"name": "both", "sector": "ic", "stage": "angel"})
	e.publish(founder, map[string]any{"name": "sector-only", "sector": "ic", "stage": "b"})
	e.publish(founder, map[string]any{"name": "stage-only", "sector": "textiles", "stage": "angel"})
	e.publish(founder, map[string]any{"name": "neither", "sector": "textiles", "stage": "b"})
	draft := e.must(201, "POST", "/api/v1/startups", founder, startupBody()).str("id")

	r := e.must(200, "GET", "/api/v1/dealflow", investor, nil)
	if got := fmt.Sprint(dealNames(r)); got != "[both sector-only stage-only neither]" || r.str("total") != "4" {
		t.Fatalf("deal flow order %s total %s", got, r.str("total"))
	}
	first := r.Body["items"].([]any)[0].(map[string]any)
	// Reasons are codes and what they name, never sentences: the web app
	// words them.
	var got []string
	for _, x := range first["reasons"].([]any) {
		r := x.(map[string]any)
		if _, ok := r["zh"]; ok {
			t.Errorf("a reason carries words: %v", r)
		}
		got = append(got, strings.TrimSpace(fmt.Sprintln(r["code"], r["ok"], r["sector"], r["stage"], r["district"], r["askWan"], r["minWan"], r["maxWan"])))
	}
	reasons := strings.Join(got, "; ")
	for _, want := range []string{"sector true ic <nil> <nil>", "stage true <nil> angel <nil>",
		"cheque true <nil> <nil> <nil> 300 100 500", "district true <nil> <nil> keqiao"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons lack %q: %s", want, reasons)
		}
	}
	if first["score"].(float64) < 75 || containsKey(r.Body, "investorsOnly") {
		t.Errorf("top item: %v", first)
	}

	// Feedback: pass drops out, interested shows, saved lists.
	e.must(200, "POST", "/api/v1/dealflow/"+both+"/feedback", investor, map[string]any{"action": "pass"})
	r = e.must(200, "GET", "/api/v1/dealflow", investor, nil)
	if got := fmt.Sprint(dealNames(r)); got != "[sector-only stage-only neither]" || r.str("total") != "3" {
		t.Fatalf("after pass: %s total %s", got, r.str("total"))
	}
	e.must(204, "DELETE", "/api/v1/dealflow/"+both+"/feedback", investor, nil)
	e.must(200, "POST", "/api/v1/dealflow/"+both+"/feedback", investor, map[string]any{"action": "save"})
	saved := e.must(200, "GET", "/api/v1/dealflow?saved=true", investor, nil)
	if got := fmt.Sprint(dealNames(saved)); got != "[both]" {
		t.Fatalf("saved: %s", got)
	}
	if e.must(200, "GET", "/api/v1/dealflow", investor, nil).Body["items"].([]any)[0].(map[string]any)["feedback"] != "save" {
		t.Error("deal flow does not show the investor's own feedback")
	}

	// Filters and pages.
	if got := fmt.Sprint(dealNames(e.must(200, "GET", "/api/v1/dealflow?sector=textiles", investor, nil))); got != "[stage-only neither]" {
		t.Errorf("sector filter: %s", got)
	}
	p2 := e.must(200, "GET", "/api/v1/dealflow?page=2&pageSize=3", investor, nil)
	if got := fmt.Sprint(dealNames(p2)); got != "[neither]" || p2.str("total") != "4" {
		t.Errorf("page 2: %s total %s", got, p2.str("total"))
	}

	// The index follows profile changes.
	e.must(200, "PATCH", "/api/v1/startups/"+both, founder, map[string]any{"sector": "textiles", "stage": "b"})
	if got := dealNames(e.must(200, "GET", "/api/v1/dealflow", investor, nil)); got[0] != "sector-only" {
		t.Errorf("after a sector change the first is %v", got)
	}
	e.must(200, "POST", "/api/v1/startups/"+both+"/unpublish", founder, nil)
	e.must(204, "DELETE", "/api/v1/startups/"+draft, founder, nil)
	if r := e.must(200, "GET", "/api/v1/dealflow", investor, nil); r.str("total") != "3" {
		t.Errorf("after unpublish: total %s", r.str("total"))
	}

	// Who may.
	checkProblem(t, e.call("GET", "/api/v1/dealflow", "", nil), 401, "unauthorized")
	checkProblem(t, e.call("GET", "/api/v1/dealflow", founder, nil), 403, "role_required")
	noProfile, _ := e.register("investor")
	checkProblem(t, e.call("GET", "/api/v1/dealflow", noProfile, nil), 409, "profile_required")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+both+"/feedback", founder, map[string]any{"action": "pass"}), 403, "role_required")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+both+"/feedback", "", map[string]any{"action": "pass"}), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+both+"/feedback", investor, map[string]any{"action": "love"}), 400, "validation_failed")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+both+"/feedback", investor, map[string]any{}), 400, "validation_failed")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+both+"/feedback", investor, map[string]any{"action": "pass"}), 404, "not_found")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/nope/feedback", investor, map[string]any{"action": "pass"}), 400, "invalid_id")
	checkProblem(t, e.call("GET", "/api/v1/dealflow?stage=series-q", investor, nil), 400, "validation_failed")
}

func TestFeedbackMovesDealFlow(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, map[string]any{"name": "李", "kind": "angel",
		"sectors": []string{"ic", "ai"}, "stages": []string{"angel"}, "checkMinWan": 100, "checkMaxWan": 500})
	ic := e.publish(founder, map[string]any{"name": "ic", "sector": "ic"})
	e.publish(founder, map[string]any{"name": "ai", "sector": "ai"})
	e.publish(founder, map[string]any{"name": "ic-2", "sector": "ic"})
	ai2 := e.publish(founder, map[string]any{"name": "ai-2", "sector": "ai"})
	before := dealNames(e.must(200, "GET", "/api/v1/dealflow", investor, nil))
	// Interest in one AI startup lifts the other AI startup above the IC ones.
	e.must(200, "POST", "/api/v1/dealflow/"+ai2+"/feedback", investor, map[string]any{"action": "interested"})
	after := dealNames(e.must(200, "GET", "/api/v1/dealflow", investor, nil))
	if after[0] != "ai" && after[0] != "ai-2" || after[1] != "ai" && after[1] != "ai-2" {
		t.Fatalf("after interest in AI: %v (before %v)", after, before)
	}
	e.must(200, "POST", "/api/v1/dealflow/"+ic+"/feedback", investor, map[string]any{"action": "pass"})
	if after := dealNames(e.must(200, "GET", "/api/v1/dealflow", investor, nil)); len(after) != 3 || after[2] != "ic-2" {
		t.Fatalf("after passing an IC startup: %v", after)
	}

	// The founder sees who is interested, and only that: passes stay private.
	r := e.must(200, "GET", "/api/v1/startups/"+ai2+"/interest", founder, nil)
	if r.str("total") != "1" || !strings.Contains(r.Raw, `"name":"李"`) {
		t.Errorf("interest in ai-2: %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/startups/"+ic+"/interest", founder, nil); r.str("total") != "0" {
		t.Errorf("a pass shows as interest: %s", r.Raw)
	}
	other, _ := e.register("founder")
	checkProblem(t, e.call("GET", "/api/v1/startups/"+ai2+"/interest", other, nil), 404, "not_found")
	checkProblem(t, e.call("GET", "/api/v1/startups/"+ai2+"/interest", "", nil), 401, "unauthorized")
	e.must(200, "GET", "/api/v1/startups/"+ai2+"/interest", e.admin, nil)
}

func TestInvestorMatches(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	other, _ := e.register("founder")
	for i, th := range []map[string]any{
		{"name": "芯片天使", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"angel"}, "checkMinWan": 100, "checkMaxWan": 500},
		{"name": "纺织基金", "kind": "institution", "sectors": []string{"textiles"}, "stages": []string{"b"}},
		{"name": "电子天使", "kind": "angel", "sectors": []string{"electronics"}, "stages": []string{"angel"}},
	} {
		tok, _ := e.register("investor")
		id := e.must(201, "POST", "/api/v1/investors", tok, th).str("id")
		if i == 0 {
			e.must(200, "PATCH", "/api/v1/investors/"+id, e.admin, map[string]any{"verified": true})
		}
	}
	checkProblem(t, e.call("GET", "/api/v1/matches/investors", founder, nil), 409, "profile_required")
	st := e.must(201, "POST", "/api/v1/startups", founder, startupBody()).str("id")
	r := e.must(200, "GET", "/api/v1/matches/investors", founder, nil)
	var names []string
	for _, it := range r.Body["items"].([]any) {
		names = append(names, it.(map[string]any)["investor"].(map[string]any)["name"].(string))
	}
	if fmt.Sprint(names) != "[芯片天使 电子天使 纺织基金]" {
		t.Fatalf("investor matches: %v", names)
	}
	if !strings.Contains(fmt.Sprint(r.Body["items"].([]any)[1]), "map[code:sector_related family:electronics ok:true sector:ic]") {
		t.Errorf("related-sector reason missing: %v", r.Body["items"].([]any)[1])
	}
	if v := e.must(200, "GET", "/api/v1/matches/investors?verified=true&startupId="+st, founder, nil); v.str("total") != "1" {
		t.Errorf("verified only: %s", v.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/matches/investors?startupId="+st, other, nil), 404, "not_found")
	checkProblem(t, e.call("GET", "/api/v1/matches/investors", "", nil), 401, "unauthorized")
	inv, _ := e.register("investor")
	checkProblem(t, e.call("GET", "/api/v1/matches/investors", inv, nil), 403, "role_required")
	checkProblem(t, e.call("GET", "/api/v1/matches/investors?startupId=xyz", founder, nil), 400, "invalid_id")
	e.must(200, "GET", "/api/v1/matches/investors?startupId="+st, e.admin, nil)
}

// TestFeedbackKeysSurviveLaterRequests guards against Fiber's reused
// request buffers: a startup id taken from the path and kept in memory must
// not change when later requests arrive.
func TestFeedbackKeysSurviveLaterRequests(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, investorBody())
	var ids []string
	for i := 0; i < 6; i++ {
		ids = append(ids, e.publish(founder, map[string]any{"name": fmt.Sprint("s", i)}))
	}
	for _, id := range ids {
		e.must(200, "POST", "/api/v1/dealflow/"+id+"/feedback", investor, map[string]any{"action": "save"})
		e.must(200, "GET", "/api/v1/startups?pageSize=50", "", nil) // traffic that reuses buffers
	}
	if r := e.must(200, "GET", "/api/v1/dealflow?saved=true&pageSize=50", investor, nil); r.str("total") != "6" {
		t.Fatalf("saved %s of 6: %v", r.str("total"), dealNames(r))
	}
}
