package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestServiceRequests: providers register and wait for an admin; the
// directory lists verified providers by kind and space; founders send a
// request, which only its provider answers and either side closes; an
// IP-help request reaches the configured IP assistance contact; answered
// requests count in the program's technical-services coverage.
func TestServiceRequests(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	provider, _ := e.register("provider")
	other, _ := e.register("provider")
	founder, _ := e.register("founder")
	stranger, _ := e.register("founder")
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "services",
		"services": []string{"techServices"}, "district": "keqiao"}).str("id")
	e.must(200, "PATCH", "/api/v1/spaces/"+space, e.admin, map[string]any{"verified": true})
	startup := e.publish(founder, map[string]any{"name": "越芯半导体", "spaceId": space})
	e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+startup+"/confirm", mgr, nil)

	body := map[string]any{"name": "绍兴检测认证中心", "kinds": []string{"testing", "consulting"}, "spaceIds": []string{space}, "description": "电子产品检测认证"}
	checkProblem(t, e.call("POST", "/api/v1/providers", founder, body), 403, "role_required")
	r := e.call("POST", "/api/v1/providers", provider, map[string]any{"name": "x", "kinds": []string{"magic"}})
	checkProblem(t, r, 400, "validation_failed")
	p := e.must(201, "POST", "/api/v1/providers", provider, body).str("id")
	if l := e.must(200, "GET", "/api/v1/providers?kind=testing", "", nil); l.str("total") != "0" {
		t.Fatalf("an unverified provider listed: %s", l.Raw)
	}
	checkProblem(t, e.call("PATCH", "/api/v1/providers/"+p, provider, map[string]any{"verified": true}), 403, "admin_only")
	e.must(200, "PATCH", "/api/v1/providers/"+p, e.admin, map[string]any{"verified": true})
	for q, want := range map[string]string{"?kind=testing": "1", "?kind=ip": "0", "?spaceId=" + space: "1", "": "1"} {
		if l := e.must(200, "GET", "/api/v1/providers"+q, "", nil); l.str("total") != want {
			t.Fatalf("directory %q: %s", q, l.Raw)
		}
	}

	send := map[string]any{"startupId": startup, "kind": "testing", "subject": "车规认证", "message": "我们的 MCU 需要 AEC-Q100 认证，请问流程和费用？"}
	checkProblem(t, e.call("POST", "/api/v1/providers/"+p+"/requests", stranger, send), 400, "validation_failed")
	wrong := map[string]any{"startupId": startup, "kind": "ip", "subject": "专利", "message": "专利布局"}
	checkProblem(t, e.call("POST", "/api/v1/providers/"+p+"/requests", founder, wrong), 400, "validation_failed")
	req := e.must(201, "POST", "/api/v1/providers/"+p+"/requests", founder, send)
	id := req.str("id")
	if req.str("status") != "open" || req.str("providerName") != "绍兴检测认证中心" || req.str("spaceId") != space {
		t.Fatalf("sent: %s", req.Raw)
	}
	if l := e.must(200, "GET", "/api/v1/service-requests", provider, nil); l.str("total") != "1" {
		t.Fatalf("the provider's requests: %s", l.Raw)
	}
	coverage := func() string {
		st := e.must(200, "GET", "/api/v1/stats/program", "", nil).Raw
		i := strings.Index(st, `"key":"share.techServices"`)
		return st[i : i+strings.Index(st[i:], "}")]
	}
	if c := coverage(); !strings.Contains(c, `"value":0,`) {
		t.Fatalf("coverage before an answer (the space's own flag no longer counts): %s", c)
	}
	checkProblem(t, e.call("POST", "/api/v1/service-requests/"+id+"/answer", other, map[string]any{"answer": "x"}), 404, "not_found")
	checkProblem(t, e.call("POST", "/api/v1/service-requests/"+id+"/answer", founder, map[string]any{"answer": "x"}), 403, "forbidden")
	checkProblem(t, e.call("POST", "/api/v1/service-requests/"+id+"/close", provider, nil), 409, "request_unanswered")
	a := e.must(200, "POST", "/api/v1/service-requests/"+id+"/answer", provider, map[string]any{"answer": "流程约 8 周，费用请来电。"})
	if a.str("status") != "answered" || a.str("answeredAt") == "" {
		t.Fatalf("answered: %s", a.Raw)
	}
	if c := coverage(); !strings.Contains(c, `"value":1,`) {
		t.Fatalf("coverage after an answer (one of one counted space): %s", c)
	}
	if n := e.countNotes(founder, "request.answered"); n != 1 {
		t.Fatalf("the founder was told of %d answers", n)
	}
	if c := e.must(200, "POST", "/api/v1/service-requests/"+id+"/close", founder, nil); c.str("status") != "closed" {
		t.Fatalf("closed: %s", c.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/service-requests/"+id+"/answer", provider, map[string]any{"answer": "补充"}), 409, "request_closed")

	// IP help reaches the contact named by IP_HELP_EMAIL once it has an account.
	if h := e.must(200, "GET", "/api/v1/ip-help", "", nil); h.str("available") != "false" {
		t.Fatalf("ip help without the contact's account: %s", h.Raw)
	}
	ipBody := map[string]any{"startupId": startup, "subject": "商标被抢注", "message": "我们的商标被他人抢注，需要维权援助。"}
	checkProblem(t, e.call("POST", "/api/v1/ip-help", founder, ipBody), 503, "ip_help_unavailable")
	e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{"email": ipHelpEmail, "password": "ip-help-passphrase", "role": "manager", "name": "绍兴市知识产权保护中心"})
	contact := e.login(ipHelpEmail, "ip-help-passphrase")
	ip := e.must(201, "POST", "/api/v1/ip-help", founder, ipBody)
	if ip.str("ipHelp") != "true" || ip.str("kind") != "ip" {
		t.Fatalf("ip help: %s", ip.Raw)
	}
	if n := e.countNotes(contact, "request.new"); n != 1 {
		t.Fatalf("the IP contact was told of %d requests", n)
	}
	e.must(200, "POST", "/api/v1/service-requests/"+ip.str("id")+"/answer", contact, map[string]any{"answer": "已受理，请提交注册证明。"})
}
