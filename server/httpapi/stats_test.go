package httpapi_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func figureOf(t *testing.T, r resp, key string) (value, target, percent string) {
	t.Helper()
	figs, _ := r.Body["figures"].([]any)
	for _, f := range figs {
		m := f.(map[string]any)
		if m["key"] == key {
			return fmt.Sprint(m["value"]), fmt.Sprint(m["target"]), fmt.Sprint(m["percent"])
		}
	}
	t.Fatalf("no figure %s in %s", key, r.Raw)
	return
}

// TestProgramStats counts a small hand-checked program:
//
//	spaces: keqiao city {incubationTeam, financing}, keqiao provincial base {financing, mentoring},
//	        yuecheng national {techServices, mentoring}, yuecheng city {}            → 4 spaces
//	        (mentoring and technical services count from held sessions and answered
//	        requests, not these flags: none here, so 0; TestMentorRules, TestServiceRequests)
//	startups in spaces: 3 (team 5 high-tech, team 10, team 7 graduated); 1 outside  → 3, talent 22
//	investors: 1 institution, 1 angel                                               → 1 institution
func TestProgramStats(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	mk := func(level, district string, base bool, services ...string) string {
		id := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "空间" + level + district, "level": level, "model": "comprehensive",
			"services": append([]string{}, services...), "district": district, "isBase": base}).str("id")
		e.must(200, "PATCH", "/api/v1/spaces/"+id, e.admin, map[string]any{"verified": true}) // only verified spaces count
		return id
	}
	k1 := mk("city", "keqiao", false, "incubationTeam", "financing")
	mk("provincial", "keqiao", true, "financing", "mentoring")
	y1 := mk("national", "yuecheng", false, "techServices", "mentoring")
	mk("city", "yuecheng", false)
	for _, s := range []map[string]any{
		{"name": "甲", "spaceId": k1, "district": "keqiao", "teamSize": 5, "highTech": true},
		{"name": "乙", "spaceId": k1, "district": "keqiao", "teamSize": 10},
		{"name": "丙", "spaceId": y1, "district": "yuecheng", "teamSize": 7, "graduated": true},
		{"name": "丁", "district": "zhuji", "teamSize": 50},
	} {
		// Published, and confirmed by the space: what the figures count.
		id := e.publish(founder, s)
		if space, ok := s["spaceId"].(string); ok {
			e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+id+"/confirm", mgr, nil)
		}
	}
	a, _ := e.register("investor")
	b, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", a, investorBody())
	ib := investorBody()
	ib["kind"] = "angel"
	e.must(201, "POST", "/api/v1/investors", b, ib)

	r := e.must(200, "GET", "/api/v1/stats/program", "", nil)
	want := map[string][3]string{
		"spaces.city":          {"2", "150", "1.3"},
		"spaces.provincial":    {"1", "80", "1.3"},
		"spaces.national":      {"1", "30", "3.3"},
		"makerBases":           {"1", "10", "10"},
		"startups":             {"3", "3000", "0.1"},
		"highTech":             {"1", "500", "0.2"},
		"talent":               {"22", "50000", "0"},
		"ventureInstitutions":  {"1", "10", "10"},
		"share.incubationTeam": {"0.25", "0.4", "62.5"},
		"share.financing":      {"0.5", "0.5", "100"},
		"share.mentoring":      {"0", "0.6", "0"},
		"share.techServices":   {"0", "0.6", "0"},
	}
	for key, w := range want {
		v, tg, p := figureOf(t, r, key)
		if v != w[0] || tg != w[1] || p != w[2] {
			t.Errorf("%s: value %s target %s percent %s, want %v", key, v, tg, p, w)
		}
	}
	if _, ok := r.Body["districts"]; ok {
		t.Error("the public summary has the district detail")
	}
	admin := e.must(200, "GET", "/api/v1/stats/program", e.admin, nil)
	d := admin.Body["districts"].(map[string]any)["keqiao"].([]any)
	if fmt.Sprint(d[0].(map[string]any)["value"], d[1].(map[string]any)["value"], d[3].(map[string]any)["value"]) != "2 2 15" {
		t.Errorf("keqiao detail %v", d)
	}

	// Targets are data the admin edits.
	checkProblem(t, e.call("PUT", "/api/v1/stats/targets", mgr, map[string]any{"year": 2030}), 403, "forbidden")
	checkProblem(t, e.call("PUT", "/api/v1/stats/targets", e.admin, map[string]any{"year": 2030, "financingShare": 2}), 400, "validation_failed")
	e.must(200, "PUT", "/api/v1/stats/targets", e.admin, map[string]any{"year": 2030, "startups": 6, "districts": map[string]any{"keqiao": map[string]any{"startups": 4}}})
	r = e.must(200, "GET", "/api/v1/stats/program", "", nil)
	if v, tg, p := figureOf(t, r, "startups"); v != "3" || tg != "6" || p != "50" {
		t.Errorf("startups after new targets: %s %s %s", v, tg, p)
	}
	if rep := e.call("GET", "/api/v1/stats/program.csv", e.admin, nil); rep.Status != 200 || !strings.Contains(rep.Raw, "孵化科技型小微企业,Tech SMEs incubated,3,6,50.0%") || !strings.Contains(rep.Raw, "柯桥区") {
		t.Errorf("report CSV: %d %s", rep.Status, rep.Raw)
	}

	// A space's own figures: its manager and admins.
	s := e.must(200, "GET", "/api/v1/stats/spaces/"+k1, mgr, nil)
	if v, _, _ := figureOf(t, s, "startups"); v != "2" {
		t.Errorf("space k1 startups %s", v)
	}
	other, _ := e.register("manager")
	checkProblem(t, e.call("GET", "/api/v1/stats/spaces/"+k1, other, nil), 403, "forbidden")
	checkProblem(t, e.call("GET", "/api/v1/stats/spaces/"+k1, "", nil), 401, "unauthorized")
}

// TestRegistryImport imports a messy, GBK-encoded sheet: a title row and
// blank lines before the header, header names as people write them, a bad
// row; then the same file again, which must create nothing new.
func TestRegistryImport(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	sheet := "柯桥创客中心 2026 年入驻企业名册,,,,,\n" +
		",,,,,\n" +
		"序号,企业名称（全称）,所属行业/领域,融资阶段,团队人数,是否高新技术企业\n" +
		"1,越芯半导体有限公司,集成电路,天使轮,12,是\n" +
		",,,,,\n" +
		"2,柯桥纺织科技,现代纺织,种子轮,8人,否\n" +
		"3,,人工智能,天使轮,5,否\n" +
		"4,兰亭智能,人工智能,战略投资,abc,也许\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(sheet))
	if err != nil {
		t.Fatal(err)
	}
	code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", mgr, "text/csv", gbk)
	if code != 200 {
		t.Fatalf("preview: %d %s", code, body)
	}
	p := string(body)
	for _, want := range []string{`"good":2`, `"bad":2`, "缺少企业名称", "融资阶段无法识别", "团队人数须为整数", "高新技术企业须为是或否", `"committed":false`} {
		if !strings.Contains(p, want) {
			t.Errorf("preview lacks %s: %s", want, p)
		}
	}
	if r := e.must(200, "GET", "/api/v1/startups?mine=true", mgr, nil); r.str("total") != "0" {
		t.Fatal("a preview saved something")
	}
	code, body, _ = e.raw("POST", "/api/v1/spaces/"+space+"/registry/import?commit=true", mgr, "text/csv", gbk)
	if code != 200 || !strings.Contains(string(body), `"created":2`) {
		t.Fatalf("commit: %d %s", code, body)
	}
	code, body, _ = e.raw("POST", "/api/v1/spaces/"+space+"/registry/import?commit=true", mgr, "text/csv", gbk)
	if code != 200 || !strings.Contains(string(body), `"created":0`) || !strings.Contains(string(body), `"updated":2`) {
		t.Fatalf("re-import: %d %s", code, body)
	}
	r := e.must(200, "GET", "/api/v1/startups?mine=true", mgr, nil)
	if r.str("total") != "2" || !strings.Contains(r.Raw, `"highTech":true`) || !strings.Contains(r.Raw, `"teamSize":8`) {
		t.Fatalf("imported: %s", r.Raw)
	}
	code, csvOut, _ := e.raw("GET", "/api/v1/spaces/"+space+"/registry.csv", mgr, "", nil)
	if code != 200 || !bytes.HasPrefix(csvOut, []byte("\xef\xbb\xbf企业名称")) || !strings.Contains(string(csvOut), "越芯半导体有限公司,集成电路,天使轮,柯桥区,12") {
		t.Fatalf("export: %d %s", code, csvOut)
	}
	other, _ := e.register("manager")
	if code, _, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", other, "text/csv", gbk); code != 403 {
		t.Fatalf("another manager imported: %d", code)
	}
	if code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", mgr, "text/csv", []byte("a,b\n1,2\n")); code != 400 || !strings.Contains(string(body), "no_header") {
		t.Fatalf("no header: %d %s", code, body)
	}
}

// TestRegistryXLSX round-trips the registry through XLSX: export, then
// import the exported file into another space.
func TestRegistryXLSX(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	mk := func(name string) string {
		return e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": name, "level": "city", "model": "incubation",
			"services": []string{}, "district": "keqiao"}).str("id")
	}
	a, b := mk("甲空间"), mk("乙空间")
	csvIn := "企业名称,行业,阶段,团队人数,高新技术企业\n越芯半导体,集成电路,天使轮,12,是\n柯桥纺织科技,现代纺织,种子轮,8,否\n"
	if code, body, _ := e.raw("POST", "/api/v1/spaces/"+a+"/registry/import?commit=true", mgr, "text/csv", []byte(csvIn)); code != 200 || !strings.Contains(string(body), `"created":2`) {
		t.Fatalf("csv import: %d %s", code, body)
	}
	code, xlsx, h := e.raw("GET", "/api/v1/spaces/"+a+"/registry.xlsx", mgr, "", nil)
	if code != 200 || !bytes.HasPrefix(xlsx, []byte("PK\x03\x04")) || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx export: %d %v", code, h)
	}
	code, body, _ := e.raw("POST", "/api/v1/spaces/"+b+"/registry/import?commit=true", mgr,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx)
	if code != 200 || !strings.Contains(string(body), `"created":2`) || !strings.Contains(string(body), `"bad":0`) {
		t.Fatalf("xlsx import: %d %s", code, body)
	}
	if code, rep, _ := e.raw("GET", "/api/v1/stats/program.xlsx", e.admin, "", nil); code != 200 || !bytes.HasPrefix(rep, []byte("PK")) {
		t.Fatalf("report xlsx: %d", code)
	}
}

// TestProgramHistory reconstructs the month-ends of a platform's first
// start from stored dates, records today, and answers them oldest first.
//
//	startup A incubated in the month three months ago, B in last month,
//	C without a date (counted from its creation, today)
//	→ month-ends 12..4 months ago: 0; 3 and 2 months ago: 1; last month: 2; today: 3
func TestProgramHistory(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	founder, _ := e.register("founder")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "越城空间", "level": "city", "model": "comprehensive",
		"services": []string{"financing"}, "district": "yuecheng"}).str("id")
	e.must(200, "PATCH", "/api/v1/spaces/"+space, e.admin, map[string]any{"verified": true})
	now := time.Now()
	local := now.In(shanghai)
	month := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, shanghai)
	for _, since := range []*time.Time{ptr(month.AddDate(0, -3, 5)), ptr(month.AddDate(0, -1, 5)), nil} {
		b := startupBody()
		b["spaceId"], b["district"] = space, "yuecheng"
		if since != nil {
			b["incubatedSince"] = since.Format(time.RFC3339)
		}
		id := e.must(201, "POST", "/api/v1/startups", founder, b).str("id")
		e.must(200, "POST", "/api/v1/startups/"+id+"/publish", founder, nil)
		e.must(200, "POST", "/api/v1/spaces/"+space+"/residents/"+id+"/confirm", mgr, nil)
	}
	checkProblem(t, e.call("GET", "/api/v1/stats/program/history?days=abc", "", nil), 400, "validation_failed")
	if r := e.must(200, "GET", "/api/v1/stats/program/history", "", nil); fmt.Sprint(r.Body["items"]) != "[]" {
		t.Fatalf("history before anything was recorded: %s", r.Raw)
	}

	ctx := t.Context()
	if n, err := e.history.Backfill(ctx, now, 12); err != nil || n != 12 {
		t.Fatalf("Backfill = %d, %v; want 12 month-ends", n, err)
	}
	if err := e.history.Record(ctx, now); err != nil {
		t.Fatal(err)
	}
	if n, err := e.history.Backfill(ctx, now, 12); err != nil || n != 0 {
		t.Errorf("a second Backfill wrote %d snapshots (%v); history exists, it must write none", n, err)
	}
	r := e.must(200, "GET", "/api/v1/stats/program/history?days=400", "", nil)
	items := r.Body["items"].([]any)
	if len(items) != 13 {
		t.Fatalf("%d snapshots, want 12 month-ends and today: %s", len(items), r.Raw)
	}
	var got []string
	for _, it := range items {
		m := it.(map[string]any)
		got = append(got, fmt.Sprint(m["values"].(map[string]any)["startups"]))
	}
	if want := "0 0 0 0 0 0 0 0 0 1 1 2 3"; strings.Join(got, " ") != want {
		t.Errorf("startups over time = %s, want %s", strings.Join(got, " "), want)
	}
	last := items[12].(map[string]any)
	if last["date"] != local.Format("2006-01-02") || last["reconstructed"] != false {
		t.Errorf("today's snapshot = %v", last)
	}
	first := items[0].(map[string]any)
	if first["reconstructed"] != true || first["date"] != month.AddDate(0, -11, -1).Format("2006-01-02") {
		t.Errorf("oldest snapshot = %v, want the reconstructed end of the month a year ago", first)
	}
	if len(r.Body["series"].([]any)) == 0 {
		t.Error("no series names in the answer")
	}
	// A shorter window: only today and perhaps last month's end.
	if n := len(e.must(200, "GET", "/api/v1/stats/program/history?days=1", "", nil).Body["items"].([]any)); n != 1 {
		t.Errorf("days=1 gave %d snapshots, want today's only", n)
	}
}

func ptr[T any](v T) *T { return &v }
