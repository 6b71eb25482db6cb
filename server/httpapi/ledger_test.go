package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// ledgerFixture is a space in Keqiao and a startup in Yuecheng, an officer
// of Yuecheng and the tokens to act with.
type ledgerFixture struct {
	e                      *env
	space, startup         string
	officer, founder, mgr  string
	officerEmail, password string
}

func newLedgerFixture(t *testing.T) *ledgerFixture {
	e := newEnv(t, httpapi.Config{})
	f := &ledgerFixture{e: e, password: "officer-passphrase-2026"}
	f.mgr, _ = e.register("manager")
	f.founder, _ = e.register("founder")
	f.space = e.must(201, "POST", "/api/v1/spaces", f.mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	f.startup = e.publish(f.founder, map[string]any{"name": "越芯半导体", "district": "yuecheng"})
	f.officerEmail = fmt.Sprintf("officer%d@test.cn", userSeq+1)
	userSeq++
	e.must(201, "POST", "/api/v1/admin/officers", e.admin, map[string]any{"email": f.officerEmail, "name": "越城区科技局", "password": f.password,
		"districts": []string{"yuecheng"}})
	f.officer = e.login(f.officerEmail, f.password)
	return f
}

func payment(kind, id string, amount float64, district string) map[string]any {
	return map[string]any{"recipientKind": kind, "recipientId": id, "amountWan": amount, "policy": "众创空间建设补助",
		"docNumber": "绍市科〔2026〕12号", "district": district, "date": "2026-03-01", "status": "paid", "note": ""}
}

func totals(t *testing.T, r resp) (count int, amount, paid float64, byDistrict, byPolicy map[string]float64) {
	t.Helper()
	var body struct {
		Totals struct {
			Count      int     `json:"count"`
			AmountWan  float64 `json:"amountWan"`
			PaidWan    float64 `json:"paidWan"`
			ByDistrict []struct {
				Key       string  `json:"key"`
				AmountWan float64 `json:"amountWan"`
			} `json:"byDistrict"`
			ByPolicy []struct {
				Key       string  `json:"key"`
				AmountWan float64 `json:"amountWan"`
			} `json:"byPolicy"`
		} `json:"totals"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &body); err != nil {
		t.Fatal(err)
	}
	byDistrict, byPolicy = map[string]float64{}, map[string]float64{}
	for _, d := range body.Totals.ByDistrict {
		byDistrict[d.Key] = d.AmountWan
	}
	for _, p := range body.Totals.ByPolicy {
		byPolicy[p.Key] = p.AmountWan
	}
	return body.Totals.Count, body.Totals.AmountWan, body.Totals.PaidWan, byDistrict, byPolicy
}

// TestLedgerWhoMayRecord: admins record everywhere, district officers in
// their districts only, nobody else; officers are made by admins; a bad
// entry is refused naming every bad field; anyone reads the ledger.
func TestLedgerWhoMayRecord(t *testing.T) {
	f := newLedgerFixture(t)
	e := f.e
	body := payment("startup", f.startup, 50, "yuecheng")
	checkProblem(t, e.call("POST", "/api/v1/ledger", "", body), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/ledger", f.founder, body), 403, "forbidden")
	checkProblem(t, e.call("POST", "/api/v1/ledger", f.mgr, body), 403, "forbidden")
	checkProblem(t, e.call("POST", "/api/v1/admin/officers", f.mgr, map[string]any{"email": "x@test.cn", "name": "x", "password": "officer-passphrase-2026",
		"districts": []string{"keqiao"}}), 403, "forbidden")
	// Officers are not self-registered.
	r := e.call("POST", "/api/v1/auth/register", "", map[string]any{"email": "self@test.cn", "password": "officer-passphrase-2026", "role": "officer", "name": "x"})
	checkProblem(t, r, 400, "validation_failed")

	if r := e.must(200, "GET", "/api/v1/me", f.officer, nil); r.str("user", "role") != "officer" || !strings.Contains(r.Raw, `"districts":["yuecheng"]`) {
		t.Fatalf("the officer's account: %s", r.Raw)
	}
	own := e.must(201, "POST", "/api/v1/ledger", f.officer, body)
	if own.str("recipientName") != "越芯半导体" || own.str("recipientPublic") != "true" || own.str("district") != "yuecheng" {
		t.Fatalf("recorded: %s", own.Raw)
	}
	// Keqiao is not the officer's; the admin's it is.
	checkProblem(t, e.call("POST", "/api/v1/ledger", f.officer, payment("space", f.space, 80, "keqiao")), 403, "district_out_of_scope")
	// The district defaults to the recipient's: Keqiao again.
	noDistrict := payment("space", f.space, 80, "")
	checkProblem(t, e.call("POST", "/api/v1/ledger", f.officer, noDistrict), 403, "district_out_of_scope")
	if r := e.must(201, "POST", "/api/v1/ledger", e.admin, noDistrict); r.str("district") != "keqiao" {
		t.Fatalf("district from the recipient: %s", r.Raw)
	}

	bad := map[string]any{"recipientKind": "space", "recipientId": f.startup, "amountWan": 0, "policy": "", "docNumber": "x",
		"district": "nowhere", "date": "2026-13-01", "status": "revoked", "note": ""}
	r = e.call("POST", "/api/v1/ledger", e.admin, bad)
	checkProblem(t, r, 400, "validation_failed")
	for _, want := range []string{`"field":"recipientId","code":"recipient_unknown"`, `"field":"amountWan","code":"amount_range"`,
		`"field":"policy","code":"required"`, `"field":"district","code":"district_unknown"`, `"field":"date","code":"date_out_of_range"`,
		`"field":"status","code":"payment_status"`} {
		if !strings.Contains(r.Raw, want) {
			t.Errorf("missing %s in %s", want, r.Raw)
		}
	}

	list := e.must(200, "GET", "/api/v1/ledger", "", nil)
	if list.str("total") != "2" {
		t.Fatalf("public list: %s", list.Raw)
	}
	n, amount, paid, byDistrict, byPolicy := totals(t, list)
	if n != 2 || amount != 130 || paid != 130 || byDistrict["yuecheng"] != 50 || byDistrict["keqiao"] != 80 || byPolicy["众创空间建设补助"] != 130 {
		t.Fatalf("totals: %d %v %v %v %v", n, amount, paid, byDistrict, byPolicy)
	}
	if l := e.must(200, "GET", "/api/v1/ledger?district=keqiao", "", nil); l.str("total") != "1" {
		t.Fatalf("filtered by district: %s", l.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/ledger?district=nowhere", "", nil), 400, "validation_failed")
	// The program's figures count the ledger.
	st := e.must(200, "GET", "/api/v1/stats/program", "", nil)
	if !strings.Contains(st.Raw, `"key":"support.paidWan","zh":"已兑现扶持资金（万元）","en":"Support paid (万元)","value":130`) ||
		!strings.Contains(st.Raw, `"key":"support.recipients"`) {
		t.Fatalf("figures: %s", st.Raw)
	}
}

// TestLedgerCorrections: a correction is a new entry naming the old one,
// which stays as history; only the current entry of a history may be
// corrected, once; a revocation cancels the entry's amount; officers
// correct only in their districts.
func TestLedgerCorrections(t *testing.T) {
	f := newLedgerFixture(t)
	e := f.e
	first := e.must(201, "POST", "/api/v1/ledger", f.officer, payment("startup", f.startup, 50, "yuecheng")).str("id")
	fixed := payment("startup", f.startup, 45, "yuecheng")
	fixed["note"] = "金额更正"
	second := e.must(201, "POST", "/api/v1/ledger/"+first+"/corrections", f.officer, fixed)
	if second.str("corrects") != first {
		t.Fatalf("correction: %s", second.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/ledger/"+first+"/corrections", e.admin, fixed), 409, "already_corrected")
	checkProblem(t, e.call("POST", "/api/v1/ledger/"+first+"/corrections", f.founder, fixed), 403, "forbidden")

	list := e.must(200, "GET", "/api/v1/ledger", "", nil)
	if n, amount, _, _, _ := totals(t, list); list.str("total") != "1" || n != 1 || amount != 45 {
		t.Fatalf("current entries: %s", list.Raw)
	}
	hist := e.must(200, "GET", "/api/v1/ledger?history=true", "", nil)
	if n, amount, _, _, _ := totals(t, hist); hist.str("total") != "2" || n != 1 || amount != 45 || !strings.Contains(hist.Raw, `"correctedBy":"`+second.str("id")+`"`) {
		t.Fatalf("with history: %s", hist.Raw)
	}

	// An officer of another district may not correct it; the admin moves it to Keqiao.
	e.must(201, "POST", "/api/v1/admin/officers", e.admin, map[string]any{"email": "keqiao@test.cn", "name": "柯桥区科技局", "password": f.password, "districts": []string{"keqiao"}})
	keqiao := e.login("keqiao@test.cn", f.password)
	checkProblem(t, e.call("POST", "/api/v1/ledger/"+second.str("id")+"/corrections", keqiao, payment("startup", f.startup, 45, "keqiao")), 403, "district_out_of_scope")
	revoke := payment("startup", f.startup, 0, "yuecheng")
	revoke["status"] = "revoked"
	third := e.must(201, "POST", "/api/v1/ledger/"+second.str("id")+"/corrections", f.officer, revoke)
	if third.str("amountWan") != "45" || third.str("status") != "revoked" {
		t.Fatalf("revocation: %s", third.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/ledger/"+third.str("id")+"/corrections", e.admin, fixed), 409, "payment_revoked")
	if n, amount, _, _, _ := totals(t, e.must(200, "GET", "/api/v1/ledger", "", nil)); n != 0 || amount != 0 {
		t.Fatalf("a revoked entry counts nothing: %d %v", n, amount)
	}
	// The whole history from any of its entries, oldest first.
	h := e.must(200, "GET", "/api/v1/ledger/"+second.str("id"), "", nil)
	var body struct {
		History []struct {
			ID string `json:"id"`
		} `json:"history"`
	}
	_ = json.Unmarshal([]byte(h.Raw), &body)
	if len(body.History) != 3 || body.History[0].ID != first || body.History[2].ID != third.str("id") {
		t.Fatalf("history: %s", h.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/ledger/0123456789abcdef01234567", "", nil), 404, "not_found")
}

// TestLedgerImport: a sheet previews without storing, commits its good
// rows (corrections among them), refuses what it would record twice, and
// the entries then show publicly with totals and in the CSV export; a
// restart reads the same ledger back from the database.
func TestLedgerImport(t *testing.T) {
	f := newLedgerFixture(t)
	e := f.e
	old := e.must(201, "POST", "/api/v1/ledger", e.admin, payment("space", f.space, 10, "keqiao")).str("id")
	sheet := "2026年度扶持资金兑现公示\n" +
		"受助对象,对象类型,金额（万元）,政策名称,文号,区县,兑现日期,状态,备注,更正条目\n" +
		"柯桥创客中心,众创空间,100,众创空间建设补助,绍市科〔2026〕3号,柯桥区,2026/3/15,已兑现,,\n" +
		"越芯半导体,企业,20.5万,创业企业首次融资奖励,越政〔2026〕8号,越城,2026年4月1日,已批准,,\n" +
		"不存在的公司,企业,5,创业企业首次融资奖励,越政〔2026〕8号,越城区,2026-04-01,已兑现,,\n" +
		"越芯半导体,企业,abc,创业企业首次融资奖励,越政〔2026〕8号,越城区,2026-04-01,已兑现,,\n" +
		"柯桥创客中心,众创空间,12,众创空间建设补助,绍市科〔2026〕12号,柯桥区,2026-03-01,已兑现,文号更正," + old + "\n"
	path := "/api/v1/ledger/import"
	checkProblem(t, e.call("POST", path, f.founder, sheet), 403, "forbidden")
	status, raw, _ := e.raw("POST", path, e.admin, "text/csv", []byte(sheet))
	if status != 200 || !strings.Contains(string(raw), `"good":3,"bad":2`) || strings.Contains(string(raw), `"committed":true`) {
		t.Fatalf("preview %d: %s", status, raw)
	}
	for _, want := range []string{`"line":5,`, `"code":"recipient_unknown"`, `"code":"amount_range"`, `"action":"correct"`, `"date":"2026-04-01"`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("preview lacks %s: %s", want, raw)
		}
	}
	if l := e.must(200, "GET", "/api/v1/ledger", "", nil); l.str("total") != "1" {
		t.Fatalf("a preview stores nothing: %s", l.Raw)
	}
	// The officer of Yuecheng may import only Yuecheng's rows.
	_, raw, _ = e.raw("POST", path, f.officer, "text/csv", []byte(sheet))
	if !strings.Contains(string(raw), `"code":"district_out_of_scope"`) || !strings.Contains(string(raw), `"good":1,`) {
		t.Fatalf("officer's preview: %s", raw)
	}
	status, raw, _ = e.raw("POST", path+"?commit=true", e.admin, "text/csv", []byte(sheet))
	if status != 200 || !strings.Contains(string(raw), `"recorded":2,"corrected":1,"committed":true`) {
		t.Fatalf("commit %d: %s", status, raw)
	}
	// The same file again records nothing twice.
	_, raw, _ = e.raw("POST", path+"?commit=true", e.admin, "text/csv", []byte(sheet))
	if !strings.Contains(string(raw), `"good":0,"bad":5`) || !strings.Contains(string(raw), `"code":"duplicate_entry"`) {
		t.Fatalf("second commit: %s", raw)
	}
	list := e.must(200, "GET", "/api/v1/ledger", "", nil)
	n, amount, paid, byDistrict, byPolicy := totals(t, list)
	if list.str("total") != "3" || n != 3 || amount != 132.5 || paid != 112 || byDistrict["keqiao"] != 112 || byDistrict["yuecheng"] != 20.5 ||
		byPolicy["创业企业首次融资奖励"] != 20.5 {
		t.Fatalf("after the import: %d %v %v %v %v %s", n, amount, paid, byDistrict, byPolicy, list.Raw)
	}
	csv := e.call("GET", "/api/v1/ledger.csv?history=true", "", nil)
	if csv.Status != 200 || !strings.Contains(csv.Raw, "柯桥创客中心,众创空间,12,众创空间建设补助") || !strings.Contains(csv.Raw, "越芯半导体,企业,20.5") ||
		strings.Count(csv.Raw, "\n") != 5 {
		t.Fatalf("export: %d %s", csv.Status, csv.Raw)
	}
	// A restart loads the same ledger from the database.
	before := list.Raw
	restarted := newEnvOn(t, e.db)
	if after := restarted.must(200, "GET", "/api/v1/ledger", "", nil).Raw; after != before {
		t.Fatalf("after a restart:\n%s\nbefore:\n%s", after, before)
	}
	checkProblem(t, e.call("POST", path, e.admin, "企业,金额\nx,1\n"), 400, "no_header")
}
