package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
)

// Every answer a test here gets is checked against the OpenAPI document
// (made from the Go types, openapi_gen_test.go): a JSON answer must have
// every required field, no field the document does not name, the documented
// types and enum values; a success status must be the documented one; an
// error must be a problem whose detail and field messages hold no Chinese.
// So a handler that encodes another shape than its documented Go type (a
// map, a hand-written encoder, the wrong struct) fails the test that called it.

type apiDoc struct {
	Paths      map[string]map[string]docOp `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
	routes []docRoute
}

type docOp struct {
	Responses map[string]struct {
		Content map[string]struct {
			Schema map[string]any `json:"schema"`
		} `json:"content"`
	} `json:"responses"`
}

type docRoute struct {
	re   *regexp.Regexp
	path string
	n    int // literal characters, so /investors/me wins over /investors/{id}
}

var loadDoc = sync.OnceValues(func() (*apiDoc, error) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	d := &apiDoc{}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, err
	}
	for p := range d.Paths {
		segs := strings.Split(p, "/")
		lit := 0
		for i, seg := range segs {
			if strings.HasPrefix(seg, "{") {
				segs[i] = "[^/]+"
			} else {
				lit += len(seg)
				segs[i] = regexp.QuoteMeta(seg)
			}
		}
		d.routes = append(d.routes, docRoute{re: regexp.MustCompile("^" + strings.Join(segs, "/") + "$"), path: p, n: lit})
	}
	slices.SortFunc(d.routes, func(a, b docRoute) int { return b.n - a.n })
	return d, nil
})

// checkAnswer checks one answer against the document; see above.
func checkAnswer(t testing.TB, method, target string, status int, contentType string, raw []byte) {
	t.Helper()
	doc, err := loadDoc()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	path, _, _ := strings.Cut(target, "?")
	var op *docOp
	for _, r := range doc.routes {
		if r.re.MatchString(path) {
			if o, ok := doc.Paths[r.path][strings.ToLower(method)]; ok {
				op = &o
				break
			}
		}
	}
	if op == nil || status == 404 && !strings.Contains(contentType, "json") {
		return // not an API route (the web app, a 404 for a made-up path)
	}
	isJSON := strings.Contains(contentType, "json")
	if status >= 400 {
		if !isJSON {
			t.Errorf("%s %s: %d answer is not a problem (%s): %.200s", method, target, status, contentType, raw)
			return
		}
		var p struct {
			Code   string `json:"code"`
			Detail string `json:"detail"`
			Errors []struct {
				Field, Code, Message string
			} `json:"errors"`
		}
		if err := json.Unmarshal(raw, &p); err != nil || p.Code == "" {
			t.Errorf("%s %s: %d answer is not a problem with a code: %.200s", method, target, status, raw)
		}
		texts := []string{p.Detail}
		for _, f := range p.Errors {
			texts = append(texts, f.Message)
			if f.Code == "" {
				t.Errorf("%s %s: field error %q without a code", method, target, f.Field)
			}
		}
		for _, s := range texts {
			if strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
				t.Errorf("%s %s: error text %q is not short English", method, target, s)
			}
		}
		return
	}
	res, ok := op.Responses[fmt.Sprint(status)]
	if !ok {
		t.Errorf("%s %s: status %d is not documented", method, target, status)
		return
	}
	media, ok := res.Content["application/json"]
	if !ok || !isJSON {
		return // no body, or a file
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Errorf("%s %s: answer is not JSON: %v", method, target, err)
		return
	}
	var problems []string
	doc.check(media.Schema, v, "$", &problems)
	for _, p := range problems {
		t.Errorf("%s %s: answer does not match openapi.json: %s", method, target, p)
	}
}

func (d *apiDoc) check(s map[string]any, v any, at string, problems *[]string) {
	if len(*problems) > 20 {
		return
	}
	if ref, ok := s["$ref"].(string); ok {
		s = d.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			var p []string
			d.check(alt.(map[string]any), v, at, &p)
			if len(p) == 0 {
				return
			}
		}
		*problems = append(*problems, fmt.Sprintf("%s: %.80v fits none of %v", at, v, alts))
		return
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		*problems = append(*problems, fmt.Sprintf("%s: %q is not one of %v", at, v, enum))
	}
	bad := func(want string) { *problems = append(*problems, fmt.Sprintf("%s: %.80v is not %s", at, v, want)) }
	switch s["type"] {
	case "string":
		if _, ok := v.(string); !ok {
			bad("a string")
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("a boolean")
		}
	case "number":
		if _, ok := v.(float64); !ok {
			bad("a number")
		}
	case "integer":
		if f, ok := v.(float64); !ok || f != math.Trunc(f) {
			bad("an integer")
		}
	case "null":
		if v != nil {
			bad("null")
		}
	case "array":
		xs, ok := v.([]any)
		if !ok {
			bad("an array")
			return
		}
		item, _ := s["items"].(map[string]any)
		for i, x := range xs {
			d.check(item, x, fmt.Sprintf("%s[%d]", at, i), problems)
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("an object")
			return
		}
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		for _, r := range asStrings(s["required"]) {
			if _, ok := m[r]; !ok {
				*problems = append(*problems, fmt.Sprintf("%s: required field %q is missing", at, r))
			}
		}
		for k, x := range m {
			switch ps, ok := props[k].(map[string]any); {
			case ok:
				d.check(ps, x, at+"."+k, problems)
			case extra != nil:
				d.check(extra, x, at+"."+k, problems)
			case props != nil || s["additionalProperties"] == nil && len(s) > 1:
				*problems = append(*problems, fmt.Sprintf("%s: field %q is not in the document", at, k))
			}
		}
	}
}

func asStrings(v any) []string {
	xs, _ := v.([]any)
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
