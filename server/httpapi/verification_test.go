package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestVerificationWithEvidence: the owner of an investor profile submits
// evidence; the admin sees it in the queue and rejects it with a reason;
// the owner is told why and sees it; submitted again and approved, the
// profile is verified and the owner is told.
func TestVerificationWithEvidence(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	owner, _ := e.register("investor")
	other, _ := e.register("investor")
	mgr, _ := e.register("manager")
	inv := e.must(201, "POST", "/api/v1/investors", owner, investorBody()).str("id")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "鉴湖众创空间", "level": "city", "model": "investment",
		"services": []string{"financing"}, "district": "yuecheng"}).str("id")
	ows, _ := e.dialNotes(t, addr, owner, "")
	path := "/api/v1/verifications/investor/" + inv
	evidence := map[string]any{"organization": "鉴湖资本", "title": "合伙人", "licenceNo": "91330600MA2BXXXX1Y", "link": "https://jianhu.example.cn/team"}

	// Only the owner submits, with an organisation and something to check it against.
	checkProblem(t, e.call("POST", path, other, evidence), 403, "forbidden")
	checkProblem(t, e.call("POST", path, "", evidence), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/verifications/mentor/"+inv, owner, evidence), 404, "not_found")
	r := e.call("POST", path, owner, map[string]any{"organization": "", "licenceNo": "", "link": "javascript:alert(1)"})
	checkProblem(t, r, 400, "validation_failed")
	for _, f := range []string{"evidence.organization", "evidence.link"} {
		if !containsField(r, f) {
			t.Errorf("%s not named: %s", f, r.Raw)
		}
	}
	if r := e.call("POST", path, owner, map[string]any{"organization": "鉴湖资本"}); !strings.Contains(r.Raw, `"code":"evidence_required"`) {
		t.Fatalf("no licence and no link: %s", r.Raw)
	}
	if r := e.must(200, "GET", path, owner, nil); r.str("status") != "" {
		t.Fatalf("status before submitting: %s", r.Raw)
	}
	if r := e.must(200, "POST", path, owner, evidence); r.str("status") != "pending" {
		t.Fatalf("submit: %s", r.Raw)
	}
	checkProblem(t, e.call("GET", path, other, nil), 403, "forbidden")

	// The admin's queue shows the evidence, the space without any after it; others may not look.
	checkProblem(t, e.call("GET", "/api/v1/verifications", owner, nil), 403, "admin_only")
	q := e.must(200, "GET", "/api/v1/verifications", e.admin, nil)
	if !strings.Contains(q.Raw, "91330600MA2BXXXX1Y") || !strings.Contains(q.Raw, space) ||
		strings.Index(q.Raw, inv) > strings.Index(q.Raw, space) {
		t.Fatalf("queue: %s", q.Raw)
	}

	// Rejecting needs a known reason, and a note for "other".
	checkProblem(t, e.call("POST", path+"/reject", owner, map[string]any{"reason": "evidence_missing"}), 403, "admin_only")
	for _, bad := range []map[string]any{{"reason": "because"}, {"reason": "other"}, {}} {
		checkProblem(t, e.call("POST", path+"/reject", e.admin, bad), 400, "validation_failed")
	}
	if r := e.must(200, "POST", path+"/reject", e.admin, map[string]any{"reason": "evidence_unverifiable", "note": "营业执照号查不到"}); r.str("status") != "rejected" {
		t.Fatalf("reject: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", path+"/reject", e.admin, map[string]any{"reason": "evidence_missing"}), 409, "not_pending")
	n := ows.nextOfType(t, "verification.decided")
	if !strings.Contains(string(n.Data), `"verified":false`) || !strings.Contains(string(n.Data), `"reason":"evidence_unverifiable"`) ||
		!strings.Contains(string(n.Data), "营业执照号查不到") {
		t.Fatalf("rejection notice %s", n.Data)
	}
	if r := e.must(200, "GET", path, owner, nil); r.str("status") != "rejected" || r.str("reason") != "evidence_unverifiable" || r.str("adminNote") != "营业执照号查不到" {
		t.Fatalf("the owner's page after the rejection: %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/investors/"+inv, owner, nil); r.str("verified") != "false" {
		t.Fatalf("rejected but verified: %s", r.Raw)
	}

	// Submitted again, approved: verified, and told.
	evidence["licenceNo"] = "91330600MA2BXXXX2Z"
	if r := e.must(200, "POST", path, owner, evidence); r.str("status") != "pending" || r.str("reason") != "" {
		t.Fatalf("resubmit: %s", r.Raw)
	}
	if r := e.must(200, "POST", path+"/approve", e.admin, nil); r.str("status") != "verified" {
		t.Fatalf("approve: %s", r.Raw)
	}
	if n := ows.nextOfType(t, "verification.decided"); !strings.Contains(string(n.Data), `"verified":true`) {
		t.Fatalf("approval notice %s", n.Data)
	}
	if r := e.must(200, "GET", "/api/v1/investors/"+inv, owner, nil); r.str("verified") != "true" {
		t.Fatalf("approved but not verified: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", path, owner, evidence), 409, "already_verified")
	checkProblem(t, e.call("POST", path+"/approve", e.admin, nil), 409, "already_verified")
	if q := e.must(200, "GET", "/api/v1/verifications", e.admin, nil); strings.Contains(q.Raw, inv) {
		t.Fatalf("a verified profile is still queued: %s", q.Raw)
	}

	// A space is verified without evidence when the admin knows it.
	e.must(200, "POST", "/api/v1/verifications/space/"+space+"/approve", e.admin, nil)
	if r := e.must(200, "GET", "/api/v1/verifications/space/"+space, mgr, nil); r.str("status") != "verified" {
		t.Fatalf("space: %s", r.Raw)
	}
}
