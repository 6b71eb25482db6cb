package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// The OpenAPI document (openapi.json, served at /api/openapi.json) is made
// here: every operation of the table in openapi_ops_test.go, its request
// and answer schemas by reflection from the Go types the handler decodes
// and encodes (JSON names, omitempty, embedded structs, pointers, maps and
// generics as encoding/json sees them). TestOpenAPIGenerated fails when the
// committed file differs; `make contract` rewrites it, and the web app's
// TypeScript types are generated from it in turn (frontend/scripts/apitypes.mjs).

// operation is one route of the API as documented.
type operation struct {
	Method, Path string
	Summary      string
	Description  string
	Tags         []string
	Auth         bool    // takes a bearer token
	AuthOptional bool    // and works without one too
	Query        []param // query parameters; path parameters come from Path
	Body         any     // a value of the JSON body's Go type; nil: none
	BodyMedia    []string
	BodyOptional bool
	Status       int    // the success status; 0 is 200
	StatusText   string // what the success answer is, when not plain OK
	Result       any    // a value of the JSON answer's Go type; nil: none or ResultMedia
	ResultMedia  []string
	Errors       string         // a note on the default error answer
	Problem      map[int]string // error statuses documented on their own
}

// param is one query parameter.
type param struct {
	Name, Type string
	Desc       string
	Enum       []string
	Default    any
	Required   bool
}

// generateOpenAPI makes the document from the operations table.
func generateOpenAPI(ops []operation) ([]byte, []string) {
	g := &schemaGen{schemas: map[string]any{}, names: map[reflect.Type]string{}, owners: map[string]reflect.Type{}}
	problem := g.schema(reflect.TypeFor[Problem]())
	paths := map[string]map[string]any{}
	var pathOrder []string
	seen := map[string]bool{}
	for _, op := range ops {
		key := op.Method + " " + op.Path
		if seen[key] {
			g.errs = append(g.errs, "operation listed twice: "+key)
		}
		seen[key] = true
		o := map[string]any{"summary": op.Summary, "tags": op.Tags}
		if op.Description != "" {
			o["description"] = op.Description
		}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(op.Path, -1) {
			s := map[string]any{"type": "string"}
			if m[1] == "id" || strings.HasSuffix(m[1], "Id") {
				s["pattern"] = "^[0-9a-f]{24}$" // the platform's ids
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": s})
		}
		for _, p := range op.Query {
			s := map[string]any{"type": p.Type}
			if p.Enum != nil {
				s["enum"] = p.Enum
			}
			if p.Default != nil {
				s["default"] = p.Default
			}
			q := map[string]any{"name": p.Name, "in": "query", "required": p.Required, "schema": s}
			if p.Desc != "" {
				q["description"] = p.Desc
			}
			params = append(params, q)
		}
		if params != nil {
			o["parameters"] = params
		}
		if op.Body != nil || op.BodyMedia != nil {
			content := map[string]any{}
			if op.Body != nil {
				content["application/json"] = map[string]any{"schema": g.schema(reflect.TypeOf(op.Body))}
			}
			for _, m := range op.BodyMedia {
				content[m] = map[string]any{"schema": mediaSchema(m)}
			}
			o["requestBody"] = map[string]any{"required": !op.BodyOptional, "content": content}
		}
		status := op.Status
		if status == 0 {
			status = 200
		}
		text := op.StatusText
		if text == "" {
			text = map[int]string{200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 101: "Switching protocols"}[status]
		}
		ok := map[string]any{"description": text}
		switch {
		case op.Result != nil:
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(op.Result))}}
		case op.ResultMedia != nil:
			content := map[string]any{}
			for _, m := range op.ResultMedia {
				content[m] = map[string]any{"schema": mediaSchema(m)}
			}
			ok["content"] = content
		}
		responses := map[string]any{fmt.Sprint(status): ok}
		for code, note := range op.Problem {
			responses[fmt.Sprint(code)] = map[string]any{"description": note,
				"content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
		}
		errText := "Error (RFC 9457 problem details)"
		if op.Errors != "" {
			errText += "; " + op.Errors
		}
		responses["default"] = map[string]any{"description": errText,
			"content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
		o["responses"] = responses
		if op.Auth {
			o["security"] = []any{map[string]any{"bearer": []string{}}}
			if op.AuthOptional {
				o["security"] = append(o["security"].([]any), map[string]any{})
			}
		}
		if paths[op.Path] == nil {
			paths[op.Path] = map[string]any{}
			pathOrder = append(pathOrder, op.Path)
		}
		paths[op.Path][strings.ToLower(op.Method)] = o
	}
	pathsJSON := orderedMap{keys: pathOrder, m: map[string]any{}}
	for p, v := range paths {
		pathsJSON.m[p] = v
	}
	names := make([]string, 0, len(g.schemas))
	for n := range g.schemas {
		names = append(names, n)
	}
	slices.Sort(names)
	doc := orderedMap{keys: []string{"openapi", "info", "servers", "paths", "components"}, m: map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "Yuechuang 越创汇 API",
			"version": "1.0.0",
			"description": "Investor–startup matchmaking and roadshow platform for a city's maker-space program. " +
				"Every error is an RFC 9457 problem with `status`, a stable `code` and `detail` (short English for clients and logs, " +
				"never shown to people: apps word the codes themselves) and, for validation, `errors: [{field, code, message}]`. " +
				"Request and answer schemas are generated from the server's Go types.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   pathsJSON,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
			"schemas":         orderedMap{keys: names, m: g.schemas},
		},
	}}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return nil, append(g.errs, err.Error())
	}
	return append(b, '\n'), g.errs
}

func mediaSchema(media string) map[string]any {
	if strings.HasPrefix(media, "text/") {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "string", "format": "binary"}
}

// TestOpenAPIGenerated fails when openapi.json is not what the operations
// table and the Go types make (run `make contract` after changing either).
func TestOpenAPIGenerated(t *testing.T) {
	b, errs := generateOpenAPI(slices.Concat(operations, roomOperations, deckOperations, journeyOperations, serviceOperations, allianceOperations))
	for _, e := range errs {
		t.Error(e)
	}
	if *update {
		if err := os.WriteFile("openapi.json", b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("openapi.json")
	if err != nil || !bytes.Equal(got, b) {
		t.Errorf("openapi.json is stale: run `make contract` (go test ./server/httpapi -run 'TestErrorTexts|TestOpenAPIGenerated' -update)")
	}
}

// TestOpenAPISchemasFollowGoTypes shows that the schemas are the Go types':
// a field added to or dropped from a struct, or made optional, changes the
// schema the document holds.
func TestOpenAPISchemasFollowGoTypes(t *testing.T) {
	type Inner struct {
		A string `json:"a"`
	}
	type Body struct {
		Inner
		B  *int              `json:"b,omitempty"`
		C  []Inner           `json:"c"`
		D  map[string]string `json:"d"`
		E  *Inner            `json:"e"`
		At time.Time         `json:"at"`
		x  int
	}
	b, errs := generateOpenAPI([]operation{{Method: "POST", Path: "/x", Summary: "x", Body: Body{}, Result: Items[Inner]{}}})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var doc struct {
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"array","items":{"$ref":"#/components/schemas/Inner"}},` +
		`"d":{"type":"object","additionalProperties":{"type":"string"}},"e":{"anyOf":[{"$ref":"#/components/schemas/Inner"},{"type":"null"}]},` +
		`"at":{"type":"string","format":"date-time"}},"required":["a","c","d","at"]}`
	var got, wanted any
	if err := json.Unmarshal(doc.Components.Schemas["Body"], &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &wanted); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wanted) {
		t.Errorf("Body schema\n got %s\nwant %s", doc.Components.Schemas["Body"], want)
	}
	if _, ok := doc.Components.Schemas["InnerItems"]; !ok {
		t.Errorf("the generic Items[Inner] is not named InnerItems: %v", slices.Collect(maps.Keys(doc.Components.Schemas)))
	}
}
