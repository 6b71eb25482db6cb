package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

func startupBody() map[string]any {
	return map[string]any{
		"name": "越芯半导体", "oneLiner": "车规级MCU芯片", "description": "专注车规级MCU芯片设计，面向新能源车企，团队来自浙江大学。",
		"sector": "ic", "stage": "angel", "askWan": 300, "district": "keqiao",
		"investorsOnly": map[string]any{"valuationWan": 3000, "contactPhone": "13700000000"},
	}
}

func TestStartupPermissions(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	owner, ownerID := e.register("founder")
	other, _ := e.register("founder")
	investor, _ := e.register("investor")

	checkProblem(t, e.call("POST", "/api/v1/startups", "", startupBody()), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/startups", investor, startupBody()), 403, "role_required")
	draft := e.must(201, "POST", "/api/v1/startups", owner, map[string]any{
		"name": "草稿项目", "sector": "ai", "stage": "seed", "district": "yuecheng"})
	if draft.str("status") != "draft" || draft.str("ownerId") != ownerID || draft.str("id") == "" {
		t.Fatalf("create: %s", draft.Raw)
	}
	id := draft.str("id")
	path := "/api/v1/startups/" + id

	// A draft is invisible to everyone but its owner and admins.
	e.must(200, "GET", path, owner, nil)
	e.must(200, "GET", path, e.admin, nil)
	checkProblem(t, e.call("GET", path, other, nil), 404, "not_found")
	checkProblem(t, e.call("GET", path, "", nil), 404, "not_found")

	// Only the owner or an admin edits.
	checkProblem(t, e.call("PATCH", path, "", map[string]any{"name": "x"}), 401, "unauthorized")
	checkProblem(t, e.call("PATCH", path, other, map[string]any{"name": "x"}), 404, "not_found")
	e.must(200, "PATCH", path, e.admin, map[string]any{"traction": "管理员补充"})
	upd := e.must(200, "PATCH", path, owner, startupBody())
	if upd.str("name") != "越芯半导体" || upd.str("traction") != "管理员补充" || upd.str("version") != "3" {
		t.Fatalf("patch: %s", upd.Raw)
	}

	// Publishing needs a complete pitch and the owner.
	checkProblem(t, e.call("POST", path+"/publish", "", nil), 401, "unauthorized")
	checkProblem(t, e.call("POST", path+"/publish", other, nil), 404, "not_found")
	pub := e.must(200, "POST", path+"/publish", owner, nil)
	if pub.str("status") != "published" || pub.str("publishedAt") == "" {
		t.Fatalf("publish: %s", pub.Raw)
	}
	checkProblem(t, e.call("PATCH", path, other, map[string]any{"name": "x"}), 403, "forbidden")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"description": ""}), 400, "validation_failed")

	// The investors-only part: owner, admin and verified investors only.
	seesPrivate := func(token string) bool {
		return e.must(200, "GET", path, token, nil).str("investorsOnly", "contactPhone") == "13700000000"
	}
	inv := e.must(201, "POST", "/api/v1/investors", investor, map[string]any{"name": "王鉴", "kind": "angel",
		"sectors": []string{"ic"}, "stages": []string{"angel"}, "checkMinWan": 50, "checkMaxWan": 500, "districts": []string{}})
	for name, tc := range map[string]struct {
		token string
		want  bool
	}{"anonymous": {"", false}, "other founder": {other, false}, "unverified investor": {investor, false},
		"owner": {owner, true}, "admin": {e.admin, true}} {
		if got := seesPrivate(tc.token); got != tc.want {
			t.Errorf("%s sees investors-only part: %v, want %v", name, got, tc.want)
		}
	}
	e.must(200, "PATCH", "/api/v1/investors/"+inv.str("id"), e.admin, map[string]any{"verified": true})
	if !seesPrivate(investor) {
		t.Error("verified investor does not see the investors-only part")
	}
	if l := e.must(200, "GET", "/api/v1/startups", investor, nil); l.Raw == "" || containsKey(l.Body, "investorsOnly") {
		t.Errorf("list leaks investors-only part: %s", l.Raw)
	}

	// Delete: owner or admin.
	checkProblem(t, e.call("DELETE", path, "", nil), 401, "unauthorized")
	checkProblem(t, e.call("DELETE", path, other, nil), 403, "forbidden")
	e.must(204, "DELETE", path, owner, nil)
	checkProblem(t, e.call("GET", path, owner, nil), 404, "not_found")
	checkProblem(t, e.call("DELETE", path, owner, nil), 404, "not_found")
}

func containsKey(v any, key string) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, vv := range x {
			if k == key || containsKey(vv, key) {
				return true
			}
		}
	case []any:
		for _, vv := range x {
			if containsKey(vv, key) {
				return true
			}
		}
	}
	return false
}

func TestStartupValidation(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	owner, _ := e.register("founder")
	with := func(k string, v any) map[string]any {
		b := startupBody()
		b[k] = v
		return b
	}
	cases := map[string]struct {
		body  map[string]any
		field string
	}{
		"unknown sector":     {with("sector", "tobacco"), "sector"},
		"unknown stage":      {with("stage", "series-z"), "stage"},
		"unknown district":   {with("district", "hangzhou"), "district"},
		"negative ask":       {with("askWan", -1), "askWan"},
		"javascript link":    {with("links", []map[string]string{{"label": "site", "url": "javascript:alert(1)"}}), "links.url"},
		"long one-liner":     {with("oneLiner", strings.Repeat("长", 81)), "oneLiner"},
		"missing space":      {with("spaceId", "0123456789abcdef01234567"), "spaceId"},
		"future founding":    {with("foundedYear", 3000), "foundedYear"},
		"empty name":         {with("name", "  "), "name"},
		"too many tags":      {with("tags", make([]string, 21)), "tags"},
		"negative valuation": {with("investorsOnly", map[string]any{"valuationWan": -5}), "investorsOnly.valuationWan"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.call("POST", "/api/v1/startups", owner, tc.body)
			checkProblem(t, r, 400, "validation_failed")
			if !containsField(r, tc.field) {
				t.Fatalf("errors do not name %q: %s", tc.field, r.Raw)
			}
		})
	}
	// Publishing an incomplete draft names what is missing.
	d := e.must(201, "POST", "/api/v1/startups", owner, map[string]any{"name": "半成品", "sector": "ai", "stage": "idea", "district": "zhuji"})
	r := e.call("POST", "/api/v1/startups/"+d.str("id")+"/publish", owner, nil)
	checkProblem(t, r, 400, "validation_failed")
	for _, f := range []string{"oneLiner", "description", "askWan"} {
		if !containsField(r, f) {
			t.Errorf("publish error does not name %s: %s", f, r.Raw)
		}
	}
}

func containsField(r resp, field string) bool {
	errs, _ := r.Body["errors"].([]any)
	for _, fe := range errs {
		if m, _ := fe.(map[string]any); m["field"] == field {
			return true
		}
	}
	return false
}

func TestStartupListFiltersAndPages(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	owner, _ := e.register("founder")
	other, _ := e.register("founder")
	for i, sec := range []string{"ic", "ic", "ai", "ic", "biomedicine"} {
		b := startupBody()
		b["name"], b["sector"] = fmt.Sprintf("项目%d", i), sec
		if i == 4 {
			b["district"] = "zhuji"
		}
		id := e.must(201, "POST", "/api/v1/startups", owner, b).str("id")
		if i != 3 { // project 3 stays a draft
			e.must(200, "POST", "/api/v1/startups/"+id+"/publish", owner, nil)
		}
	}
	cases := []struct {
		query       string
		token       string
		total, size int
	}{
		{"", "", 4, 4},
		{"?sector=ic", "", 2, 2},
		{"?sector=ic&stage=angel&district=keqiao", "", 2, 2},
		{"?district=zhuji", "", 1, 1},
		{"?stage=seed", "", 0, 0},
		{"?page=2&pageSize=3", "", 4, 1},
		{"?page=5&pageSize=3", "", 4, 0},
		{"?mine=true", owner, 5, 5},
		{"?mine=true&status=draft", owner, 1, 1},
		{"?mine=true", other, 0, 0},
	}
	for _, tc := range cases {
		r := e.must(200, "GET", "/api/v1/startups"+tc.query, tc.token, nil)
		items, _ := r.Body["items"].([]any)
		if r.str("total") != fmt.Sprint(tc.total) || len(items) != tc.size {
			t.Errorf("%s: total %s, %d items; want %d, %d", tc.query, r.str("total"), len(items), tc.total, tc.size)
		}
	}
	checkProblem(t, e.call("GET", "/api/v1/startups?mine=true", "", nil), 401, "unauthorized")
	if r := e.must(200, "GET", "/api/v1/startups?page=2&pageSize=3", "", nil); r.str("page") != "2" || r.str("pageSize") != "3" {
		t.Errorf("paging echo: %s", r.Raw)
	}
}

func investorBody() map[string]any {
	return map[string]any{"name": "鉴湖资本", "kind": "institution", "sectors": []string{"ic", "ai"},
		"stages": []string{"angel", "pre-a"}, "checkMinWan": 100, "checkMaxWan": 500, "districts": []string{"keqiao"}}
}

func TestInvestorPermissions(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	owner, ownerID := e.register("investor")
	other, _ := e.register("investor")
	founder, _ := e.register("founder")

	checkProblem(t, e.call("POST", "/api/v1/investors", "", investorBody()), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/investors", founder, investorBody()), 403, "role_required")
	b := investorBody()
	b["verified"] = true
	r := e.call("POST", "/api/v1/investors", owner, b)
	checkProblem(t, r, 403, "forbidden_field")
	if !containsField(r, "verified") {
		t.Fatalf("forbidden_field does not name verified: %s", r.Raw)
	}
	inv := e.must(201, "POST", "/api/v1/investors", owner, investorBody())
	if inv.str("verified") != "false" || inv.str("ownerId") != ownerID {
		t.Fatalf("create: %s", inv.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/investors", owner, investorBody()), 409, "profile_exists")
	path := "/api/v1/investors/" + inv.str("id")

	e.must(200, "GET", path, "", nil)
	e.must(200, "GET", path, other, nil)
	if e.must(200, "GET", "/api/v1/investors/me", owner, nil).str("id") != inv.str("id") {
		t.Fatal("/investors/me is not the caller's profile")
	}
	checkProblem(t, e.call("GET", "/api/v1/investors/me", other, nil), 404, "not_found")

	checkProblem(t, e.call("PATCH", path, "", map[string]any{"bio": "x"}), 401, "unauthorized")
	checkProblem(t, e.call("PATCH", path, other, map[string]any{"bio": "x"}), 403, "forbidden")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"verified": true}), 403, "forbidden_field")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"checkMaxWan": 10}), 400, "validation_failed")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"sectors": []string{"ic", "ic"}}), 400, "validation_failed")
	e.must(200, "PATCH", path, owner, map[string]any{"bio": "专注硬科技"})
	if e.must(200, "PATCH", path, e.admin, map[string]any{"verified": true}).str("verified") != "true" {
		t.Fatal("admin could not verify")
	}
	if e.must(200, "GET", path, "", nil).str("bio") != "专注硬科技" {
		t.Fatal("owner's edit lost")
	}

	otherBody := investorBody()
	otherBody["name"], otherBody["kind"], otherBody["sectors"], otherBody["districts"] = "李天使", "angel", []string{"biomedicine"}, []string{}
	e.must(201, "POST", "/api/v1/investors", other, otherBody)
	for q, want := range map[string]string{"": "2", "?sector=ai": "1", "?sector=biomedicine": "1", "?verified=true": "1",
		"?verified=false": "1", "?kind=angel": "1", "?district=keqiao": "1", "?stage=pre-a": "2", "?stage=b": "0"} {
		if got := e.must(200, "GET", "/api/v1/investors"+q, "", nil).str("total"); got != want {
			t.Errorf("GET /investors%s total %s, want %s", q, got, want)
		}
	}
}

func TestSpacePermissions(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	owner, _ := e.register("manager")
	other, _ := e.register("manager")
	founder, _ := e.register("founder")
	body := map[string]any{"name": "柯桥纺织创意园众创空间", "level": "provincial", "model": "incubation",
		"services": []string{"incubationTeam", "mentoring"}, "district": "keqiao"}

	checkProblem(t, e.call("POST", "/api/v1/spaces", "", body), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/spaces", founder, body), 403, "role_required")
	bad := map[string]any{"name": "x", "level": "galactic", "model": "incubation", "services": []string{"massage"}, "district": "keqiao"}
	r := e.call("POST", "/api/v1/spaces", owner, bad)
	checkProblem(t, r, 400, "validation_failed")
	if !containsField(r, "level") || !containsField(r, "services") {
		t.Fatalf("space validation: %s", r.Raw)
	}
	sp := e.must(201, "POST", "/api/v1/spaces", owner, body)
	path := "/api/v1/spaces/" + sp.str("id")

	// A published resident shows on the space's page; a draft does not.
	sb := startupBody()
	sb["spaceId"] = sp.str("id")
	st := e.must(201, "POST", "/api/v1/startups", founder, sb)
	e.must(201, "POST", "/api/v1/startups", founder, sb)
	e.must(200, "POST", "/api/v1/startups/"+st.str("id")+"/publish", founder, nil)
	if got := e.must(200, "GET", path, "", nil); got.str("residentCount") != "0" {
		t.Fatalf("a residency the space has not confirmed shows: %s", got.Raw)
	}
	e.must(200, "POST", path+"/residents/"+st.str("id")+"/confirm", owner, nil)
	got := e.must(200, "GET", path, "", nil)
	if got.str("residentCount") != "1" || got.str("name") != "柯桥纺织创意园众创空间" {
		t.Fatalf("space detail: %s", got.Raw)
	}

	checkProblem(t, e.call("PATCH", path, "", map[string]any{"address": "x"}), 401, "unauthorized")
	checkProblem(t, e.call("PATCH", path, other, map[string]any{"address": "x"}), 403, "forbidden")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"verified": true}), 403, "forbidden_field")
	checkProblem(t, e.call("PATCH", path, owner, map[string]any{"website": "ftp://x"}), 400, "validation_failed")
	e.must(200, "PATCH", path, owner, map[string]any{"address": "柯桥区创意路1号", "isBase": true})
	if e.must(200, "PATCH", path, e.admin, map[string]any{"verified": true}).str("verified") != "true" {
		t.Fatal("admin could not verify a space")
	}
	e.must(201, "POST", "/api/v1/spaces", other, map[string]any{"name": "越城区创客空间", "level": "city", "model": "training", "services": []string{}, "district": "yuecheng"})
	for q, want := range map[string]string{"": "2", "?level=city": "1", "?district=keqiao": "1", "?model=training": "1"} {
		if got := e.must(200, "GET", "/api/v1/spaces"+q, "", nil).str("total"); got != want {
			t.Errorf("GET /spaces%s total %s, want %s", q, got, want)
		}
	}
	if got := e.must(200, "GET", "/api/v1/spaces?mine=true", other, nil); got.str("total") != "1" || !strings.Contains(got.Raw, "越城区创客空间") {
		t.Errorf("GET /spaces?mine=true = %s, want the caller's one space", got.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/spaces?mine=true", "", nil), 401, "unauthorized")
}
