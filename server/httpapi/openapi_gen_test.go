package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
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

// enums are the values of string fields, by schema and JSON name, from the
// domain's own lists where it keeps one. Enum values in struct tags
// (`openapi:"enum=a,b"`) serve this package's own bodies.
var enums = map[string][]string{
	"User.role":                {"founder", "investor", "manager", "admin", "officer", "mentor", "provider"},
	"Registration.role":        {"founder", "investor", "manager", "mentor", "provider"},
	"Startup.status":           {"draft", "published"},
	"StartupCard.status":       {"draft", "published"},
	"InvestorInput.kind":       {"angel", "institution"},
	"Investor.kind":            {"angel", "institution"},
	"SpaceInput.level":         domain.SpaceLevels,
	"SpaceInput.model":         domain.SpaceModels,
	"Space.level":              domain.SpaceLevels,
	"Space.model":              domain.SpaceModels,
	"DealItem.feedback":        {"", "interested", "pass", "save"},
	"Feedback.action":          {"interested", "pass", "save"},
	"RoadshowInput.visibility": {"public", "registered", "invited"},
	"Roadshow.visibility":      {"public", "registered", "invited"},
	"Roadshow.status":          {domain.RoadshowScheduled, domain.RoadshowLive, domain.RoadshowEnded},
	"RoadshowView.entry":       {"", "sign_in_required", "registration_required", "invitation_not_accepted"},
	"IntroView.status":         {"pending", "accepted", "declined"},
	"PipelineInput.stage":      domain.PipelineStages,
	"PipelineItem.stage":       domain.PipelineStages,
	"Invitation.consent":       {"invited", "accepted", "declined"},
	"Slot.consent":             {"", "invited", "accepted", "declined"},
	"ResidencyEntry.residency": {"", "requested", "invited", "confirmed"},
	"Startup.residency":        {"", "requested", "invited", "confirmed"},
	"SearchHit.kind":           {"startup", "investor", "space"},
	"DeckAccess.request":       {"", "pending", "declined", "granted"},
	"DeckRequester.status":     {"pending", "declined", "granted"},
	"Suggestion.kind":          {"startup", "investor", "space", "sector", "district"},
	"Highlight.field":          {"name", "summary", "tags", "sector", "district"},
	"Decision.reason":          domain.RejectReasons,
	"ResetRequest.delivery":    {"email", "admin"},
	"Provider.kinds":           domain.ServiceKinds,
	"ProviderInput.kinds":      domain.ServiceKinds,
	"RequestInput.kind":        domain.ServiceKinds,
	"EventInput.kind":          domain.EventKinds,
	"EventView.kind":           domain.EventKinds,
	"EventView.status":         {domain.EventScheduled, domain.EventCancelled},
	"CalendarItem.kind":        domain.EventKinds,
	"CalendarItem.source":      {"event", "roadshow"},
	"Contest.stage":            {domain.ContestOpen, domain.ContestJudging, domain.ContestPublished},
	"ContestView.stage":        {domain.ContestOpen, domain.ContestJudging, domain.ContestPublished},
	"JudgeView.role":           {"investor", "mentor"},
}

// mapEnums are the values of a string-valued map's values.
var mapEnums = map[string][]string{
	"NotificationSettings.types": {"live", "digest", "off"},
	"SettingsInput.types":        {"live", "digest", "off"},
}

// alwaysSet are the pointer fields of answers that the service always
// fills (a deal item's startup, a session's user), typed as present.
var alwaysSet = map[string]bool{
	"DealItem.startup": true, "InvestorItem.investor": true, "InterestedInvestor.investor": true,
	"Me.user": true, "Session.user": true, "RoadshowRecord.roadshow": true, "Record.roadshow": true, "ProgramStats.targets": true,
	"PaymentHistory.entry": true, "UserAnswer.user": true,
}

// nullable are the fields, other than pointers, the server may send as
// null: a nil slice (the answers' check in answers_test.go finds them).
var nullable = map[string]bool{"Roadshow.invited": true}

// schemaNames renames a Go type's schema where two packages use one name.
var schemaNames = map[reflect.Type]string{
	reflect.TypeFor[refreshBody]():     "RefreshInput",
	reflect.TypeFor[recordWithStage](): "RoadshowRecord", // "Record" is TypeScript's own
	reflect.TypeFor[search.Hit]():      "SearchHit",
}

type schemaGen struct {
	schemas map[string]any
	names   map[reflect.Type]string
	owners  map[string]reflect.Type
	errs    []string
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
)

// schema returns the schema of t, registering named structs as components.
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		if t.Kind() == reflect.Array { // a fixed length, such as a highlight's [start, end]
			return map[string]any{"type": "array", "items": g.schema(t.Elem()), "minItems": t.Len(), "maxItems": t.Len()}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			g.errs = append(g.errs, fmt.Sprintf("%v: map keys must be strings", t))
		}
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			g.errs = append(g.errs, fmt.Sprintf("an anonymous struct %v: name the body in bodies.go", t))
			return g.object(t, "")
		}
		name := g.name(t)
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = nil // placeholder against recursion
			g.schemas[name] = g.object(t, name)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	g.errs = append(g.errs, fmt.Sprintf("%v: no JSON schema for kind %v", t, t.Kind()))
	return map[string]any{}
}

// genericName turns "List[github.com/…/domain.Startup]" into "StartupList".
var (
	genericName = regexp.MustCompile(`^(\w+)\[(.+)\]$`)
	localSuffix = regexp.MustCompile(`·\d+`) // types declared in a function
)

func (g *schemaGen) name(t reflect.Type) string {
	if n, ok := g.names[t]; ok {
		return n
	}
	n := localSuffix.ReplaceAllString(t.Name(), "")
	if r, ok := schemaNames[t]; ok {
		n = r
	} else if m := genericName.FindStringSubmatch(n); m != nil {
		arg := strings.TrimLeft(m[2], "*[]")
		n = arg[strings.LastIndex(arg, ".")+1:] + m[1]
	}
	if prev, ok := g.owners[n]; ok && prev != t {
		g.errs = append(g.errs, fmt.Sprintf("schema name %s is both %v and %v: rename one in schemaNames", n, prev, t))
	}
	g.owners[n] = t
	g.names[t] = n
	return n
}

// object is a struct's schema as encoding/json writes it: exported fields
// by their JSON names, embedded structs' fields in line, omitempty fields
// optional and nil pointers null.
func (g *schemaGen) object(t reflect.Type, name string) map[string]any {
	props := map[string]any{}
	var order, required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			jsonName, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			if f.Anonymous && jsonName == "" {
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if jsonName == "" {
				jsonName = f.Name
			}
			s := g.schema(ft)
			if strings.Contains(opts, "string") {
				s = map[string]any{"type": "string"}
			}
			// An embedded struct's field is known by its own type's name too
			// (RoadshowView embeds Roadshow: Roadshow.status).
			key := name + "." + jsonName
			if own := t.Name() + "." + jsonName; t.Name() != name {
				for _, m := range []map[string]bool{nullable, alwaysSet} {
					if m[own] {
						m[key] = true
					}
				}
				if v, ok := enums[own]; ok {
					if _, mine := enums[key]; !mine {
						enums[key] = v
					}
				}
			}
			if vals := enumOf(f, key); vals != nil {
				if s["type"] == "array" {
					s["items"] = map[string]any{"type": "string", "enum": vals}
				} else {
					s["enum"] = vals
				}
			}
			if vals, ok := mapEnums[key]; ok {
				s["additionalProperties"] = map[string]any{"type": "string", "enum": vals}
			}
			omit := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
			if nullable[key] {
				s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
			}
			if ft.Kind() == reflect.Pointer && !omit && !alwaysSet[key] {
				// A nil pointer is null; in a body, a pointer field is
				// one the client may leave out (PATCH keeps it).
				s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
				omit = true
			}
			if _, dup := props[jsonName]; !dup {
				order = append(order, jsonName)
			}
			props[jsonName] = s
			if !omit {
				required = append(required, jsonName)
			}
		}
	}
	walk(t)
	obj := map[string]any{"type": "object", "properties": orderedMap{keys: order, m: props}}
	if len(required) > 0 {
		obj["required"] = required
	}
	return obj
}

func enumOf(f reflect.StructField, key string) []string {
	if vals, ok := enums[key]; ok {
		return vals
	}
	for _, part := range strings.Split(f.Tag.Get("openapi"), ";") {
		if v, ok := strings.CutPrefix(part, "enum="); ok {
			return strings.Split(v, ",")
		}
	}
	return nil
}

// orderedMap keeps properties in the Go fields' order, as the answers have them.
type orderedMap struct {
	keys []string
	m    map[string]any
}

func (o orderedMap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.m[k])
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

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
