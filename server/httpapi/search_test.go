package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// eventually polls the search API until check passes; the index is
// updated asynchronously, so tests wait for it rather than sleep.
func (e *env) eventually(t *testing.T, path string, check func(resp) bool) resp {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.call("GET", path, "", nil)
		if r.Status == 200 && check(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s never satisfied the check; last answer %d %s", path, r.Status, r.Raw)
		}
		e.changes.Kick()
		time.Sleep(20 * time.Millisecond)
	}
}

func hitNames(r resp) string {
	var names []string
	hits, _ := r.Body["hits"].([]any)
	for _, h := range hits {
		names = append(names, h.(map[string]any)["doc"].(map[string]any)["name"].(string))
	}
	return fmt.Sprint(names)
}

func totalIs(n int) func(resp) bool {
	return func(r resp) bool { return r.str("total") == fmt.Sprint(n) }
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	chip := e.publish(founder, map[string]any{"name": "越芯半导体", "oneLiner": "车规级MCU芯片", "sector": "ic", "district": "keqiao", "askWan": 300})
	e.publish(founder, map[string]any{"name": "兰亭智能", "oneLiner": "纺织行业大模型", "sector": "ai", "district": "yuecheng", "askWan": 800,
		"description": "为纺织企业提供大模型质检，团队来自浙江大学。"})
	b := startupBody()
	b["name"] = "芯片草稿"
	e.must(201, "POST", "/api/v1/startups", founder, b) // a draft: never searchable
	inv, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", inv, investorBody())
	mgr, _ := e.register("manager")
	e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "柯桥纺织创意园众创空间", "level": "city", "model": "incubation", "services": []string{}, "district": "keqiao"})

	r := e.eventually(t, "/api/v1/search?q=芯片", totalIs(1))
	if hitNames(r) != "[越芯半导体]" || r.str("tookMs") == "" || r.Body["facets"].(map[string]any)["sector"].(map[string]any)["ic"] != 1.0 {
		t.Fatalf("search 芯片: %s", r.Raw)
	}
	// The investors-only part is never indexed: its phone number finds nothing.
	if r := e.must(200, "GET", "/api/v1/search?q=13700000000", "", nil); r.str("total") != "0" || strings.Contains(r.Raw, "13700000000") {
		t.Fatalf("investors-only data searchable: %s", r.Raw)
	}
	if strings.Contains(e.must(200, "GET", "/api/v1/search", "", nil).Raw, "investorsOnly") {
		t.Fatal("hits carry the investors-only part")
	}
	cases := []struct{ query, want string }{
		{"?q=大模型", "[兰亭智能]"},
		{"?q=芯", "[越芯半导体]"},
		{"?q=mcu", "[越芯半导体]"},
		{"?district=yuecheng", "[兰亭智能]"},
		{"?askMin=500", "[兰亭智能]"},
		{"?sort=ask", "[越芯半导体 兰亭智能]"},
		{"?sort=-ask&pageSize=1", "[兰亭智能]"},
		{"?type=investor&q=鉴湖", "[鉴湖资本]"},
		{"?type=space&q=纺织", "[柯桥纺织创意园众创空间]"},
		{"?type=investor&sector=ai", "[鉴湖资本]"},
	}
	for _, tc := range cases {
		if got := hitNames(e.eventually(t, "/api/v1/search"+tc.query, func(r resp) bool { return r.str("total") != "0" })); got != tc.want {
			t.Errorf("search%s: %s, want %s", tc.query, got, tc.want)
		}
	}

	// Edits and deletes reach the index.
	e.must(200, "PATCH", "/api/v1/startups/"+chip, founder, map[string]any{"oneLiner": "功率半导体器件"})
	e.eventually(t, "/api/v1/search?q=功率", totalIs(1))
	e.must(200, "POST", "/api/v1/startups/"+chip+"/unpublish", founder, nil)
	e.eventually(t, "/api/v1/search?q=功率", totalIs(0))

	bad := map[string]string{
		"?type=people": "type", "?sector=tobacco": "sector", "?askMin=abc": "askMin", "?askMin=9&askMax=1": "askMax",
		"?sort=random": "sort", "?q=" + strings.Repeat("长", 101): "q", "?pageSize=500": "pageSize",
	}
	for q, field := range bad {
		r := e.call("GET", "/api/v1/search"+q, "", nil)
		checkProblem(t, r, 400, "validation_failed")
		if !containsField(r, field) {
			t.Errorf("search%s does not name %s: %s", q, field, r.Raw)
		}
	}
}

// TestSearchEngineDown stops the engine: search answers 503, saving still
// works, and the edit made meanwhile shows up once the engine is back.
func TestSearchEngineDown(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	id := e.publish(founder, map[string]any{"name": "古越黄酒", "oneLiner": "低度黄酒"})
	e.eventually(t, "/api/v1/search?q=黄酒", totalIs(1))

	if err := e.engine.Stop(); err != nil {
		t.Fatal(err)
	}
	checkProblem(t, e.call("GET", "/api/v1/search?q=黄酒", "", nil), 503, "search_unavailable")
	checkProblem(t, e.call("GET", "/readyz", "", nil), 503, "not_ready")
	e.must(200, "PATCH", "/api/v1/startups/"+id, founder, map[string]any{"oneLiner": "黄酒气泡饮"})
	other := e.publish(founder, map[string]any{"name": "曹娥茶饮", "oneLiner": "气泡茶"})
	if n, _ := e.db.CountOutbox(t.Context()); n == 0 {
		t.Fatal("no outbox marks while the engine is down")
	}

	if err := e.engine.Start(); err != nil {
		t.Fatal(err)
	}
	e.eventually(t, "/api/v1/search?q=气泡", totalIs(2))
	e.must(200, "GET", "/readyz", "", nil)
	if r := e.must(200, "GET", "/api/v1/startups/"+other, "", nil); r.str("name") != "曹娥茶饮" {
		t.Fatal(r.Raw)
	}
}

func TestSearchSuggestAndHighlightsAPI(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	id := e.publish(founder, map[string]any{"name": "越芯半导体", "oneLiner": "车规级MCU芯片", "sector": "ic", "district": "keqiao", "askWan": 300})
	r := e.eventually(t, "/api/v1/search?q=xinpian", totalIs(1))
	hl, _ := r.Body["hits"].([]any)[0].(map[string]any)["highlights"].([]any)
	if len(hl) == 0 || fmt.Sprint(hl[0]) != "map[field:summary marks:[[6 8]] text:车规级MCU芯片]" {
		t.Fatalf("pinyin hit without its highlight: %s", r.Raw)
	}
	for _, q := range []string{"yuexin", "yx", "越芯"} {
		r = e.must(200, "GET", "/api/v1/search/suggest?type=startup&q="+q, "", nil)
		items, _ := r.Body["items"].([]any)
		if len(items) != 1 || fmt.Sprint(items[0]) != fmt.Sprintf("map[id:%s kind:startup text:越芯半导体]", id) {
			t.Fatalf("suggest %q: %s", q, r.Raw)
		}
	}
	if r = e.must(200, "GET", "/api/v1/search/suggest?q=", "", nil); r.Raw != `{"items":[]}` {
		t.Fatalf("empty prefix: %s", r.Raw)
	}
	for _, bad := range []string{"type=robot", "limit=21", "limit=x", "q=" + strings.Repeat("芯", 101)} {
		if r = e.call("GET", "/api/v1/search/suggest?"+bad, "", nil); r.Status != 400 {
			t.Errorf("suggest?%s: %d %s", bad, r.Status, r.Raw)
		}
	}
}
