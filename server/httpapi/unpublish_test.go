package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestUnpublishWithdrawsEverywhere: a founder's unpublish takes the startup
// out of search, the deal flow, the public list and its public page (its
// deck and feedback with it), and keeps everything for when it is published
// again; only its founder (or an admin) may do either.
func TestUnpublishWithdrawsEverywhere(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	other, _ := e.register("founder")
	inv, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", inv, map[string]any{"name": "王鉴", "kind": "angel", "sectors": []string{"ic"},
		"stages": []string{"angel"}, "checkMinWan": 100, "checkMaxWan": 500, "districts": []string{}})
	id := e.publish(founder, map[string]any{"name": "越芯撤回测试", "sector": "ic", "stage": "angel", "askWan": 300})
	e.must(200, "POST", "/api/v1/dealflow/"+id+"/feedback", inv, map[string]any{"action": "save"})
	listed := func(r resp) bool { return strings.Contains(r.Raw, id) }
	e.eventually(t, "/api/v1/search?q=越芯撤回测试", listed)

	checkProblem(t, e.call("POST", "/api/v1/startups/"+id+"/unpublish", other, nil), 403, "forbidden")
	checkProblem(t, e.call("POST", "/api/v1/startups/"+id+"/unpublish", inv, nil), 403, "forbidden")
	if r := e.must(200, "POST", "/api/v1/startups/"+id+"/unpublish", founder, nil); r.str("status") != "draft" || r.str("publishedAt") == "" {
		t.Fatalf("unpublish %s", r.Raw)
	}
	e.eventually(t, "/api/v1/search?q=越芯撤回测试", func(r resp) bool { return !listed(r) })
	for name, path := range map[string]string{
		"deal flow": "/api/v1/dealflow?pageSize=100", "saved list": "/api/v1/dealflow?saved=true",
		"public list": "/api/v1/startups?pageSize=100", "filtered search": "/api/v1/search?type=startup&sector=ic",
	} {
		if r := e.must(200, "GET", path, inv, nil); listed(r) {
			t.Errorf("%s still lists the withdrawn startup: %s", name, r.Raw)
		}
	}
	checkProblem(t, e.call("GET", "/api/v1/startups/"+id, inv, nil), 404, "not_found")
	checkProblem(t, e.call("POST", "/api/v1/dealflow/"+id+"/feedback", inv, map[string]any{"action": "interested"}), 404, "not_found")
	if r := e.must(200, "GET", "/api/v1/startups?mine=true", founder, nil); !listed(r) {
		t.Fatalf("the founder lost the draft: %s", r.Raw)
	}

	// Published again: back everywhere, the investor's save kept.
	e.must(200, "POST", "/api/v1/startups/"+id+"/publish", founder, nil)
	e.eventually(t, "/api/v1/search?q=越芯撤回测试", listed)
	if r := e.must(200, "GET", "/api/v1/dealflow?saved=true", inv, nil); !listed(r) {
		t.Fatalf("the save did not survive: %s", r.Raw)
	}
	e.must(200, "GET", "/api/v1/startups/"+id, inv, nil)
}

// TestUndoPass: a pass is withdrawn (DELETE feedback) and the startup is
// ranked again; the investor reads their own word back, and only theirs.
func TestUndoPass(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	inv, _ := e.register("investor")
	inv2, _ := e.register("investor")
	for _, tok := range []string{inv, inv2} {
		e.must(201, "POST", "/api/v1/investors", tok, map[string]any{"name": "王鉴", "kind": "angel", "sectors": []string{"ic"},
			"stages": []string{"angel"}, "checkMinWan": 100, "checkMaxWan": 500, "districts": []string{}})
	}
	id := e.publish(founder, map[string]any{"name": "越芯跳过测试", "sector": "ic", "stage": "angel", "askWan": 300})
	fb := "/api/v1/dealflow/" + id + "/feedback"
	e.must(200, "POST", fb, inv, map[string]any{"action": "pass"})
	if r := e.must(200, "GET", fb, inv, nil); r.str("action") != "pass" {
		t.Fatalf("own word %s", r.Raw)
	}
	if r := e.must(200, "GET", fb, inv2, nil); r.str("action") != "" {
		t.Fatalf("another investor sees %s", r.Raw)
	}
	checkProblem(t, e.call("GET", fb, founder, nil), 403, "role_required")
	checkProblem(t, e.call("GET", fb, "", nil), 401, "unauthorized")
	deal := func() string {
		r := e.must(200, "GET", "/api/v1/dealflow?pageSize=100", inv, nil)
		items, _ := r.Body["items"].([]any)
		for _, it := range items {
			m := it.(map[string]any)
			if m["startup"].(map[string]any)["id"] == id {
				f, _ := m["feedback"].(string)
				return "listed:" + f
			}
		}
		return "absent"
	}
	before := deal()
	e.must(204, "DELETE", fb, inv, nil)
	if r := e.must(200, "GET", fb, inv, nil); r.str("action") != "" {
		t.Fatalf("after undo %s", r.Raw)
	}
	if got := deal(); got != "listed:" {
		t.Fatalf("after undo the deal flow has it %s (before: %s)", got, before)
	}
}
