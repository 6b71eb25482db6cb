package httpapi_test

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestOpenAPIMatchesRoutes keeps the served spec true to the mounted routes:
// every route is documented and every documented operation exists.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	r := e.must(200, "GET", "/api/openapi.json", "", nil)
	var spec struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &spec); err != nil {
		t.Fatalf("spec is not JSON: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", spec.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	param := regexp.MustCompile(`:(\w+)`)
	mounted := map[string]bool{}
	for _, rt := range e.srv.App().GetRoutes(true) {
		if rt.Method == "HEAD" || rt.Path == "/" {
			continue
		}
		mounted[rt.Method+" "+param.ReplaceAllString(rt.Path, "{$1}")] = true
	}
	var missing, stale []string
	for k := range mounted {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !mounted[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 || len(stale) > 0 {
		t.Fatalf("spec out of step with routes\nundocumented routes: %v\ndocumented but not mounted: %v", missing, stale)
	}
	if len(mounted) < 20 {
		t.Fatalf("only %d routes found; the route listing is broken", len(mounted))
	}
}
