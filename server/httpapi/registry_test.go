package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestRegistryTemplateRoundTrip: the import names its columns and the
// values it accepts; its template, filled in as people write (柯桥, 天使),
// imports without a problem, as CSV and as XLSX.
func TestRegistryTemplateRoundTrip(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥创客中心", "level": "city", "model": "incubation",
		"services": []string{}, "district": "yuecheng"}).str("id")
	cols := e.must(200, "GET", "/api/v1/registry/columns", mgr, nil)
	for _, want := range []string{`"header":"企业名称"`, `"required":true`, `"天使"`, `"柯桥"`, `"field":"district"`} {
		if !strings.Contains(cols.Raw, want) {
			t.Errorf("columns lack %s: %.400s", want, cols.Raw)
		}
	}
	code, tpl, h := e.raw("GET", "/api/v1/registry/template.csv", mgr, "", nil)
	if code != 200 || !strings.Contains(h.Get("Content-Disposition"), "registry-template.csv") {
		t.Fatalf("template: %d %v", code, h)
	}
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(tpl), "\ufeff")), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "企业名称,所属行业,融资阶段,所在区县") {
		t.Fatalf("template: %q", tpl)
	}
	// Filled in with the names people write.
	filled := lines[0] + "\n" + "越芯半导体,集成电路,天使,柯桥,12,500,是,2026-03-01,否,车规芯片\n" + "兰亭智能,人工智能,Pre A,诸暨,6,,否,,否,\n"
	code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", mgr, "text/csv", []byte(filled))
	p := string(body)
	if code != 200 || !strings.Contains(p, `"good":2`) || !strings.Contains(p, `"stage":"angel","district":"keqiao"`) ||
		!strings.Contains(p, `"stage":"pre-a","district":"zhuji"`) {
		t.Fatalf("import of the filled-in template: %d %s", code, p)
	}
	for _, col := range []string{"name", "sector", "stage", "district", "teamSize", "askWan", "highTech", "incubatedSince", "graduated", "oneLiner"} {
		if !strings.Contains(p, `:"`+col+`"`) {
			t.Errorf("the template's %s column was not recognised: %s", col, p)
		}
	}
	code, x, _ := e.raw("GET", "/api/v1/registry/template.xlsx", mgr, "", nil)
	if code != 200 || !strings.HasPrefix(string(x), "PK") {
		t.Fatalf("xlsx template: %d", code)
	}
	code, body, _ = e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", mgr, "application/octet-stream", x)
	if code != 200 || !strings.Contains(string(body), `"good":1`) || !strings.Contains(string(body), "示例科技有限公司") {
		t.Fatalf("the xlsx template does not import: %d %s", code, body)
	}
}
