package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestInvisibleCharactersCleaned: names and texts lose control and
// invisible characters (zero-width, bidirectional controls, C0 and C1,
// blank letters) on the way in; a name made only of them is refused as
// empty; short texts stay on one line; the emoji joiner survives.
func TestInvisibleCharactersCleaned(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	body := func(name, oneLiner, desc string) map[string]any {
		return map[string]any{"name": name, "oneLiner": oneLiner, "description": desc, "sector": "ic", "stage": "seed", "district": "keqiao"}
	}
	r := e.must(201, "POST", "/api/v1/startups", founder, body(
		"越\u200b芯\u202e半导体\u0007\u0085", "车规\u2066芯片\u2069\ufeff", "第一行\r\n第二行\u00ad 👨\u200d👩\u200d👧"))
	if r.str("name") != "越芯半导体" || r.str("oneLiner") != "车规芯片" || r.str("description") != "第一行\n第二行 👨\u200d👩\u200d👧" {
		t.Fatalf("not cleaned: %q %q %q", r.str("name"), r.str("oneLiner"), r.str("description"))
	}
	for name, tc := range map[string]struct {
		body        map[string]any
		field, code string
	}{
		"only zero-width":   {body("\u200b\u200c\u200d\u2060", "", ""), "name", "required"},
		"only bidi":         {body("\u202e\u202d\u2067", "", ""), "name", "required"},
		"only controls":     {body("\u0001\u001f\u007f\u0085\u009f", "", ""), "name", "required"},
		"hangul fillers":    {body("\u3164\u115f\uffa0 \u2800", "", ""), "name", "required"},
		"name on two lines": {body("越芯\n半导体", "", ""), "name", "single_line"},
		"tab in one-liner":  {body("越芯", "车规\t芯片", ""), "oneLiner", "single_line"},
	} {
		r := e.call("POST", "/api/v1/startups", founder, tc.body)
		checkProblem(t, r, 400, "validation_failed")
		if !strings.Contains(r.Raw, `"field":"`+tc.field+`","code":"`+tc.code+`"`) {
			t.Errorf("%s: %s, want %s %s", name, r.Raw, tc.field, tc.code)
		}
	}
	// Registration too: a name of invisible characters is no name.
	r = e.call("POST", "/api/v1/auth/register", "", map[string]any{"email": "ghost@test.cn", "password": "ghost-passphrase", "role": "founder", "name": "\u200b\u200e"})
	checkProblem(t, r, 400, "validation_failed")
}

// TestDatesInPlausibleRange: an incubation date in year 1 or 9999, or a
// roadshow scheduled decades ahead, is refused.
func TestDatesInPlausibleRange(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	base := map[string]any{"name": "日期测试", "sector": "ic", "stage": "seed", "district": "keqiao"}
	for _, d := range []string{"0001-01-01T00:00:00Z", "9999-12-31T00:00:00Z", "1899-12-31T00:00:00Z"} {
		b := map[string]any{"incubatedSince": d}
		for k, v := range base {
			b[k] = v
		}
		r := e.call("POST", "/api/v1/startups", founder, b)
		checkProblem(t, r, 400, "validation_failed")
		if !strings.Contains(r.Raw, `"field":"incubatedSince","code":"date_out_of_range"`) {
			t.Errorf("incubatedSince %s: %s", d, r.Raw)
		}
	}
	base["incubatedSince"] = "2024-03-01T00:00:00Z"
	e.must(201, "POST", "/api/v1/startups", founder, base)

	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "日期空间", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	r := e.call("POST", "/api/v1/roadshows", mgr, map[string]any{"title": "远期路演", "spaceId": space, "startsAt": "9999-01-01T00:00:00Z",
		"visibility": "public", "slots": []map[string]any{{"startupId": "0123456789abcdef01234567", "minutes": 10}}})
	checkProblem(t, r, 400, "validation_failed")
	if !strings.Contains(r.Raw, `"field":"startsAt","code":"date_out_of_range"`) {
		t.Errorf("roadshow in 9999: %s", r.Raw)
	}
}
