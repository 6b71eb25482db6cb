package search

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

// These tests pin what the Meilisearch adapter sends, since no server runs
// on the build machines (TestContractMeilisearch runs when MEILI_URL is set).

func TestMeiliSettings(t *testing.T) {
	s := meiliSettings(compileVocab(contractVocabulary()))
	if !slices.Equal(s.SearchableAttributes, []string{"name", "summary", "tags", "body", "pinyin", "tax", "taxPinyin"}) {
		t.Errorf("searchable %v: name must rank first, the derived fields after the profile's own", s.SearchableAttributes)
	}
	for _, f := range []string{"kind", "sectors", "stages", "districts", "askWan"} {
		if !slices.Contains(s.FilterableAttributes, f) {
			t.Errorf("%s not filterable", f)
		}
	}
	if !slices.Contains(s.SortableAttributes, "updatedAt") || !slices.Contains(s.SortableAttributes, "askWan") {
		t.Errorf("sortable %v", s.SortableAttributes)
	}
	if len(s.LocalizedAttributes) != 1 || !slices.Contains(s.LocalizedAttributes[0].Locales, "cmn") ||
		!slices.Equal(s.LocalizedAttributes[0].AttributePatterns, []string{"name", "summary", "tags", "body", "tax"}) {
		t.Errorf("Chinese locale not set on the text fields: %+v", s.LocalizedAttributes)
	}
	// Only the public view and public fields of it are ever returned.
	if !slices.Equal(s.DisplayedAttributes, []string{"id", "kind", "public", "name", "summary", "tags", "sectors", "districts"}) {
		t.Errorf("displayed %v", s.DisplayedAttributes)
	}
	if got := s.Synonyms["chip"]; !slices.Contains(got, "芯片") || !slices.Contains(s.Synonyms["芯片"], "chip") {
		t.Errorf("synonyms are not both ways: chip → %v, 芯片 → %v", got, s.Synonyms["芯片"])
	}
	if tt := s.TypoTolerance; tt == nil || !tt.Enabled || tt.MinWordSizeForTypos.OneTypo != 5 || tt.MinWordSizeForTypos.TwoTypos != 9 ||
		!slices.Equal(tt.DisableOnAttributes, []string{"pinyin", "taxPinyin"}) {
		t.Errorf("typo tolerance %+v", s.TypoTolerance)
	}
	b, _ := json.Marshal(s)
	if !strings.Contains(string(b), `"localizedAttributes":[{"locales":["cmn","eng"],"attributePatterns":["name","summary","tags","body","tax"]}]`) {
		t.Errorf("settings JSON: %s", b)
	}
}

func TestMeiliPinyinAndQueries(t *testing.T) {
	v := compileVocab(contractVocabulary())
	d := toMeili(v, fixture()[6:7])[0] // 鉴湖资本, sector ic, district keqiao
	for _, w := range []string{"jianhuziben", "jhzb", "jianhu", "ziben"} {
		if !slices.Contains(d.Pinyin, w) {
			t.Errorf("pinyin of 鉴湖资本 lacks %q: %v", w, d.Pinyin)
		}
	}
	if !slices.Contains(d.Tax, "chip") || !slices.Contains(d.Tax, "柯桥") {
		t.Errorf("tax terms %v", d.Tax)
	}
	if got := meiliTexts(analyze(v, "芯偏 design")); !slices.Equal(got, []string{"芯偏 design", "xinpian design"}) {
		t.Errorf("queries sent for a Chinese word: %q", got)
	}
	if got := meiliTexts(analyze(v, "huangjiu")); len(got) != 1 {
		t.Errorf("a Latin query is sent once: %q", got)
	}
	m := &Meili{uid: "idx", voc: v}
	r := m.meiliMulti(Query{Kind: KindStartup, Limit: 20, Offset: 20}, []string{"a", "b"})
	if r.Federation == nil || r.Federation.Limit != 20 || r.Federation.Offset != 20 || len(r.Queries) != 2 ||
		r.Queries[1].FederationOptions.Weight >= r.Queries[0].FederationOptions.Weight || r.Queries[0].Filter != `kind = "startup"` ||
		!slices.Equal(r.Federation.FacetsByIndex["idx"], []string{"sectors", "stages", "districts"}) {
		t.Errorf("federated request %+v", r)
	}
}

func TestMeiliFilter(t *testing.T) {
	lo, hi := 100.0, 500.5
	cases := []struct {
		q    Query
		want string
	}{
		{Query{}, ""},
		{Query{Kind: KindStartup}, `kind = "startup"`},
		{Query{Kind: KindStartup, Sector: "ic", Stage: "pre-a", District: "keqiao", AskMin: &lo, AskMax: &hi},
			`kind = "startup" AND sectors = "ic" AND stages = "pre-a" AND districts = "keqiao" AND askWan >= 100 AND askWan <= 500.5`},
		{Query{Sector: `x" OR kind = "investor`}, `sectors = "x\" OR kind = \"investor"`}, // quoted, not injected
	}
	for _, tc := range cases {
		if got := meiliFilter(tc.q); got != tc.want {
			t.Errorf("meiliFilter(%+v)\n got %s\nwant %s", tc.q, got, tc.want)
		}
	}
}

func TestMeiliRequest(t *testing.T) {
	r := meiliRequest(Query{Kind: KindInvestor, Sort: SortNewest, Offset: 40, Limit: 20})
	if r.Offset != 40 || r.Limit != 20 || r.Filter != `kind = "investor"` || !slices.Equal(r.Sort, []string{"updatedAt:desc"}) ||
		!slices.Equal(r.Facets, []string{"sectors", "stages", "districts"}) || r.MatchingStrategy != meilisearch.All {
		t.Errorf("request %+v", r)
	}
	if r := meiliRequest(Query{Limit: 0}); r.Limit != 1 || r.Filter != nil {
		t.Errorf("count request %+v", r)
	}
	for sort, want := range map[string]string{SortAskAsc: "askWan:asc", SortAskDesc: "askWan:desc"} {
		if r := meiliRequest(Query{Sort: sort, Limit: 1}); !slices.Equal(r.Sort, []string{want}) {
			t.Errorf("sort %s: %v", sort, r.Sort)
		}
	}
	if r := meiliRequest(Query{Sort: SortRelevance, Limit: 1}); r.Sort != nil {
		t.Errorf("relevance sends a sort: %v", r.Sort)
	}
}

func TestMeiliTaskStatus(t *testing.T) {
	ok := &meilisearch.Task{Status: meilisearch.TaskStatusSucceeded}
	if err := taskError("x", ok); err != nil {
		t.Fatal(err)
	}
	failed := &meilisearch.Task{UID: 7, Status: meilisearch.TaskStatusFailed}
	failed.Error.Code, failed.Error.Message = "invalid_document_id", "bad id"
	if err := taskError("add", failed); err == nil || !strings.Contains(err.Error(), "task 7 failed: invalid_document_id: bad id") {
		t.Fatalf("failed task: %v", err)
	}
	if err := taskError("add", &meilisearch.Task{Status: meilisearch.TaskStatusCanceled}); err == nil {
		t.Fatal("canceled task accepted")
	}
}

func TestMeiliDocsAndFacets(t *testing.T) {
	d := fixture()[0]
	m := toMeili(compileVocab(Vocabulary{}), []Document{d})[0]
	if m.UpdatedAt != d.UpdatedAt.Unix() || string(m.Public) != string(d.Public) || m.ID != d.ID {
		t.Errorf("doc %+v", m)
	}
	f, err := decodeFacets(json.RawMessage(`{"sectors":{"ic":2},"stages":{"seed":1},"districts":{"keqiao":3}}`))
	if err != nil || f["sector"]["ic"] != 2 || f["stage"]["seed"] != 1 || f["district"]["keqiao"] != 3 {
		t.Fatalf("facets %v %v", f, err)
	}
	if _, err := decodeFacets(json.RawMessage(`[`)); err == nil {
		t.Fatal("bad facets accepted")
	}
}
