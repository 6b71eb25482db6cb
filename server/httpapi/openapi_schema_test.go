package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// The schemas of openapi.json, made by reflection from the Go types (see
// openapi_gen_test.go), with the facts reflection cannot see: enums,
// always-set pointers, nullable slices and renamed types.

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
