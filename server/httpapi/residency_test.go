package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestResidencyIsTwoSided: a founder's choice of space is a request the
// space confirms, and a space's invitation one the founder confirms; nobody
// attaches a startup to a space alone.
func TestResidencyIsTwoSided(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	other, _ := e.register("manager")
	founder, _ := e.register("founder")
	stranger, _ := e.register("founder")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	asked := e.publish(founder, map[string]any{"name": "越芯半导体", "spaceId": space})
	if r := e.must(200, "GET", "/api/v1/startups/"+asked, founder, nil); r.str("residency") != "requested" {
		t.Fatalf("a founder's choice of space: %s", r.Raw)
	}
	res := "/api/v1/spaces/" + space + "/residents"
	if r := e.must(200, "GET", res, mgr, nil); !strings.Contains(r.Raw, `"residency":"requested"`) {
		t.Fatalf("the manager's list: %s", r.Raw)
	}
	checkProblem(t, e.call("GET", res, other, nil), 403, "forbidden")
	checkProblem(t, e.call("POST", res+"/"+asked+"/confirm", other, nil), 403, "forbidden")
	checkProblem(t, e.call("POST", res+"/"+asked+"/confirm", founder, nil), 403, "forbidden")
	if r := e.must(200, "POST", res+"/"+asked+"/confirm", mgr, nil); r.str("residency") != "confirmed" {
		t.Fatalf("confirm: %s", r.Raw)
	}
	// Changing the space again is a new request.
	space2 := e.must(201, "POST", "/api/v1/spaces", other, map[string]any{"name": "越城众创", "level": "city", "model": "incubation",
		"services": []string{}, "district": "yuecheng"}).str("id")
	if r := e.must(200, "PATCH", "/api/v1/startups/"+asked, founder, map[string]any{"spaceId": space2}); r.str("residency") != "requested" {
		t.Fatalf("moving: %s", r.Raw)
	}
	e.must(200, "POST", "/api/v1/spaces/"+space2+"/residents/"+asked+"/decline", other, nil)
	if r := e.must(200, "GET", "/api/v1/startups/"+asked, founder, nil); r.str("spaceId") != "" {
		t.Fatalf("a declined request stays: %s", r.Raw)
	}

	// The space invites; the founder answers.
	invited := e.publish(stranger, map[string]any{"name": "兰亭智能", "sector": "ai"})
	if r := e.must(200, "POST", res+"/"+invited+"/confirm", mgr, nil); r.str("residency") != "invited" {
		t.Fatalf("invite: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/startups/"+invited+"/residency/accept", founder, nil), 404, "not_found")
	checkProblem(t, e.call("POST", "/api/v1/spaces/"+space2+"/residents/"+invited+"/confirm", other, nil), 409, "resident_elsewhere")
	if r := e.must(200, "POST", "/api/v1/startups/"+invited+"/residency/accept", stranger, nil); r.str("residency") != "confirmed" {
		t.Fatalf("accept: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/startups/"+invited+"/residency/accept", stranger, nil), 409, "no_residency_pending")
	// A draft elsewhere is not the space's to invite.
	draft := e.must(201, "POST", "/api/v1/startups", stranger, startupBody()).str("id")
	checkProblem(t, e.call("POST", res+"/"+draft+"/confirm", mgr, nil), 404, "not_found")
}

// TestOfficialFiguresCountOnlyVouchedFacts is the attack of issue 13: a
// draft with teamSize 100000 attached to another manager's space, and an
// unverified space, moved the city's figures. Official figures count
// verified spaces and published startups whose residency the space
// confirmed, and say which numbers are founders' own.
func TestOfficialFiguresCountOnlyVouchedFacts(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	attacker, _ := e.register("founder")
	attackerMgr, _ := e.register("manager")
	verified := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{"financing"}, "district": "keqiao"}).str("id")
	e.must(200, "PATCH", "/api/v1/spaces/"+verified, e.admin, map[string]any{"verified": true})
	before := e.must(200, "GET", "/api/v1/stats/program", "", nil)

	// A draft with a huge team asks to reside in the verified space.
	b := startupBody()
	b["spaceId"], b["teamSize"], b["highTech"] = verified, 100000, true
	e.must(201, "POST", "/api/v1/startups", attacker, b)
	// A published startup asks the same space; nobody confirms.
	e.publish(attacker, map[string]any{"name": "未确认", "spaceId": verified, "teamSize": 5000})
	// A space nobody verified, with its own confirmed resident.
	fake := e.must(201, "POST", "/api/v1/spaces", attackerMgr, map[string]any{"name": "假空间", "level": "national", "model": "incubation",
		"services": []string{"financing"}, "district": "keqiao"}).str("id")
	inFake := e.publish(attacker, map[string]any{"name": "假入驻", "spaceId": fake, "teamSize": 9000})
	e.must(200, "POST", "/api/v1/spaces/"+fake+"/residents/"+inFake+"/confirm", attackerMgr, nil)

	after := e.must(200, "GET", "/api/v1/stats/program", "", nil)
	for _, key := range []string{"startups", "talent", "highTech", "spaces.national", "spaces.city", "share.financing"} {
		v0, _, _ := figureOf(t, before, key)
		if v1, _, _ := figureOf(t, after, key); v1 != v0 {
			t.Errorf("%s moved from %s to %s", key, v0, v1)
		}
	}
	// A confirmed, published resident of a verified space counts; its team
	// size is marked as the founder's own statement.
	ok := e.publish(attacker, map[string]any{"name": "真入驻", "spaceId": verified, "teamSize": 7})
	e.must(200, "POST", "/api/v1/spaces/"+verified+"/residents/"+ok+"/confirm", mgr, nil)
	r := e.must(200, "GET", "/api/v1/stats/program", "", nil)
	if v, _, _ := figureOf(t, r, "startups"); v != "1" {
		t.Errorf("startups %s, want 1", v)
	}
	if v, _, _ := figureOf(t, r, "talent"); v != "7" {
		t.Errorf("talent %s, want 7", v)
	}
	for _, f := range r.Body["figures"].([]any) {
		m := f.(map[string]any)
		want := "verified"
		if m["key"] == "talent" || m["key"] == "highTech" {
			want = "self-declared"
		}
		if m["basis"] != want {
			t.Errorf("%s basis %v, want %s", m["key"], m["basis"], want)
		}
	}
}

// TestRegistryImportRespectsFounders: a space's import creates and updates
// its own rows and only the space's facts of confirmed residents; it never
// touches a founder's profile or draft, and the export lists no one
// else's draft.
func TestRegistryImportRespectsFounders(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	b := startupBody()
	b["name"], b["spaceId"], b["teamSize"], b["oneLiner"] = "草稿公司", space, 3, "创始人自己的草稿"
	draft := e.must(201, "POST", "/api/v1/startups", founder, b).str("id")
	resident := e.publish(founder, map[string]any{"name": "越芯半导体", "spaceId": space, "teamSize": 4, "stage": "angel"})
	e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+resident+"/confirm", mgr, nil)

	sheet := "企业名称,所属行业,融资阶段,团队人数,高新技术企业\n草稿公司,人工智能,B轮,500,是\n越芯半导体,人工智能,B轮,12,是\n新登记,集成电路,种子轮,6,否\n"
	code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import?commit=true", mgr, "text/csv", []byte(sheet))
	if code != 200 || !strings.Contains(string(body), `"created":1`) || !strings.Contains(string(body), `"updated":1`) || !strings.Contains(string(body), "由创始人维护") {
		t.Fatalf("import: %d %s", code, body)
	}
	d := e.must(200, "GET", "/api/v1/startups/"+draft, founder, nil)
	if d.str("teamSize") != "3" || d.str("stage") != "angel" || d.str("sector") != "ic" || d.str("highTech") != "false" {
		t.Fatalf("the founder's draft changed: %s", d.Raw)
	}
	r := e.must(200, "GET", "/api/v1/startups/"+resident, founder, nil)
	if r.str("teamSize") != "12" || r.str("highTech") != "true" || r.str("stage") != "angel" || r.str("sector") != "ic" {
		t.Fatalf("the resident's space facts, not its profile, change: %s", r.Raw)
	}
	code, csvOut, _ := e.raw("GET", "/api/v1/spaces/"+space+"/registry.csv", mgr, "", nil)
	if code != 200 || strings.Contains(string(csvOut), "草稿公司") || !strings.Contains(string(csvOut), "越芯半导体") || !strings.Contains(string(csvOut), "新登记") {
		t.Fatalf("export: %d %s", code, csvOut)
	}
}

// TestOnlyConfirmedResidencyShowsPublicly: a founder who chooses a space,
// or a startup a space invited, is nobody's resident until the other side
// confirms: the space's public page, the catalog's space filter, the
// startup's public profile and card, and the deal flow's "same maker
// space" reason all wait for the confirmation.
func TestOnlyConfirmedResidencyShowsPublicly(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	invitee, _ := e.register("founder")
	investor, _ := e.register("investor")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	e.must(200, "PATCH", "/api/v1/spaces/"+space, e.admin, map[string]any{"verified": true})
	b := investorBody()
	b["spaceIds"] = []string{space}
	e.must(201, "POST", "/api/v1/investors", investor, b)

	asked := e.publish(founder, map[string]any{"name": "越芯半导体", "spaceId": space})
	invited := e.publish(invitee, map[string]any{"name": "兰亭智能"})
	e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+invited+"/confirm", mgr, nil)

	shows := func(who string) (page, catalog bool, profile string, card string, reason bool) {
		t.Helper()
		sp := e.must(200, "GET", "/api/v1/spaces/"+space, who, nil)
		page = strings.Contains(sp.Raw, asked) || strings.Contains(sp.Raw, invited) || sp.str("residentCount") != "0"
		cat := e.must(200, "GET", "/api/v1/startups?spaceId="+space, who, nil)
		catalog = cat.str("total") != "0"
		profile = e.must(200, "GET", "/api/v1/startups/"+asked, who, nil).str("spaceId")
		flow := e.must(200, "GET", "/api/v1/dealflow?pageSize=100", investor, nil)
		for _, it := range flow.Body["items"].([]any) {
			m := it.(map[string]any)
			if st := m["startup"].(map[string]any); st["id"] == asked {
				card, _ = st["spaceId"].(string)
				reason = strings.Contains(fmt.Sprint(m["reasons"]), "shared_space")
			}
		}
		return
	}
	for _, who := range []string{"", investor} {
		page, catalog, profile, card, reason := shows(who)
		if page || catalog || profile != "" || card != "" || reason {
			t.Fatalf("unconfirmed residency shows (viewer %q): page %v, catalog %v, profile %q, card %q, shared-space reason %v",
				who, page, catalog, profile, card, reason)
		}
	}
	// The founder still sees their own request, and the manager the list.
	if r := e.must(200, "GET", "/api/v1/startups/"+asked, founder, nil); r.str("spaceId") != space || r.str("residency") != "requested" {
		t.Fatalf("the founder's own view: %s", r.Raw)
	}

	// Both sides confirmed: it shows everywhere.
	e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+asked+"/confirm", mgr, nil)
	e.must(200, "POST", "/api/v1/startups/"+invited+"/residency/accept", invitee, nil)
	sp := e.must(200, "GET", "/api/v1/spaces/"+space, "", nil)
	if sp.str("residentCount") != "2" || !strings.Contains(sp.Raw, asked) || !strings.Contains(sp.Raw, invited) {
		t.Fatalf("confirmed residents missing from the space's page: %s", sp.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/startups?spaceId="+space, "", nil); r.str("total") != "2" {
		t.Fatalf("catalog by space: %s", r.Raw)
	}
	if _, _, profile, card, reason := shows(""); profile != space || card != space || !reason {
		t.Fatalf("a confirmed resident: profile %q, card %q, shared-space reason %v", profile, card, reason)
	}
}
