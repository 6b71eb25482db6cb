package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// fixture is a small realistic corpus. Names hold the words the cases
// look for; the comments say which near-misses each case must not match.
func fixture() []Document {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := func(i int, kind Kind, name, summary, body string, sector, stage, district string, ask float64) Document {
		pub, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("d%02d", i), "name": name})
		doc := Document{ID: fmt.Sprintf("d%02d", i), Kind: kind, Name: name, Summary: summary, Body: body,
			Sectors: []string{sector}, Districts: []string{district}, AskWan: ask, UpdatedAt: t0.AddDate(0, 0, i), Public: pub}
		if stage != "" {
			doc.Stages = []string{stage}
		}
		return doc
	}
	return []Document{
		d(1, KindStartup, "越芯半导体", "车规级MCU芯片", "专注集成电路设计，服务新能源车企", "ic", "angel", "keqiao", 300),
		d(2, KindStartup, "鉴湖微电", "功率芯片封装", "芯片封装测试服务", "ic", "seed", "yuecheng", 120),
		d(3, KindStartup, "兰亭智能", "行业大模型", "为纺织企业提供大模型质检", "ai", "pre-a", "keqiao", 800),
		d(4, KindStartup, "稽山模具", "大型模具制造", "集成了电路板检测工位的模具产线", "high-end-equipment", "a", "shangyu", 2000),
		d(5, KindStartup, "曹娥机器人", "Collaborative robotics", "Semiconductor wafer handling robotics for factories", "robotics", "angel", "shangyu", 500),
		d(6, KindStartup, "古越黄酒", "低度黄酒新饮品", "年轻人喜欢的黄酒", "food-huangjiu", "seed", "yuecheng", 50),
		d(7, KindInvestor, "鉴湖资本", "关注芯片与人工智能", "早期投资集成电路项目", "ic", "angel", "keqiao", 0),
		d(8, KindSpace, "柯桥纺织创意园", "众创空间", "面向纺织创业者", "textiles", "", "keqiao", 0),
	}
}

func ids(r *Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	sort.Strings(out)
	return out
}

// contractVocabulary is a small taxonomy's words, as the taxonomy file
// gives them.
func contractVocabulary() Vocabulary {
	return Vocabulary{
		Sectors: []VocabEntry{
			{Code: "ic", Zh: "集成电路", En: "Integrated circuits", Synonyms: [][]string{
				{"芯片", "chip", "chips", "IC"}, {"半导体", "semiconductor"}, {"集成电路", "integrated circuit"}}},
			{Code: "textiles", Zh: "现代纺织", En: "Modern textiles", Synonyms: [][]string{{"纺织", "textile", "textiles"}}},
			{Code: "food-huangjiu", Zh: "黄酒与食品", En: "Rice wine & food", Synonyms: [][]string{{"黄酒", "huangjiu", "rice wine"}}},
			{Code: "ai", Zh: "人工智能", En: "Artificial intelligence", Synonyms: [][]string{{"人工智能", "AI", "artificial intelligence"}}},
		},
		Districts: []VocabEntry{{Code: "keqiao", Zh: "柯桥区", En: "Keqiao", Synonyms: [][]string{{"柯桥"}}},
			{Code: "shangyu", Zh: "上虞区", En: "Shangyu", Synonyms: [][]string{{"上虞"}}}},
	}
}

// opener opens an empty engine of the kind under test.
type opener func(t *testing.T, opts ...Option) Engine

// runContract is the behaviour every Engine must show: words as typed
// without a vocabulary (what the engines did before pinyin and synonyms,
// unchanged), then what people type, with the vocabulary.
func runContract(t *testing.T, open opener) {
	t.Run("as typed", func(t *testing.T) { runTyped(t, open(t)) })
	t.Run("what people type", func(t *testing.T) { runAnalysed(t, open(t, WithVocabulary(contractVocabulary()))) })
	t.Run("why and what next", func(t *testing.T) { runExplained(t, open(t, WithVocabulary(contractVocabulary()))) })
}

// runAnalysed checks pinyin, initials, synonyms across languages, same-sound
// wrong characters and abbreviations.
func runAnalysed(t *testing.T, e Engine) {
	ctx := context.Background()
	if err := e.Upsert(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, q string
		want    string // every hit, sorted
		first   string // the hits that must rank first, sorted
	}{
		{"pinyin", "huangjiu", "[d06]", ""},
		{"pinyin of a summary word", "xinpian", "[d01 d02 d07]", ""},
		{"pinyin of a name", "jianhuziben", "[d07]", ""},
		{"pinyin, two words", "keqiao fangzhi", "[d08]", ""},
		{"initials", "jhzb", "[d07]", ""},
		{"English for Chinese", "chip", "[d01 d02 d07]", ""},
		{"English for a sector", "textile", "[d03 d08]", "[d08]"},
		{"English typo for a sector", "textle", "[d08]", ""},
		{"two English words", "rice wine", "[d06]", ""},
		{"same-sound wrong character", "芯偏", "[d01 d02 d07]", ""},
		{"same-sound wrong character in a name", "黄久", "[d06]", ""},
		{"district without its suffix", "柯桥", "[d01 d03 d07 d08]", ""},
		{"district with its suffix", "柯桥区", "[d01 d03 d07 d08]", ""},
		{"mixed English and Chinese", "chip 柯桥", "[d01 d07]", ""},
		{"synonyms rank below the word itself", "集成电路", "[d01 d02 d07]", "[d01 d07]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := e.Search(ctx, Query{Text: tc.q, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(ids(r)); got != tc.want {
				t.Fatalf("%q: got %s, want %s", tc.q, got, tc.want)
			}
			if tc.first != "" {
				n := strings.Count(tc.first, "d")
				top := &Result{Hits: r.Hits[:n]}
				if got := fmt.Sprint(ids(top)); got != tc.first {
					t.Fatalf("%q: first %s, want %s first", tc.q, got, tc.first)
				}
			}
		})
	}
}

// runExplained checks what a result says beyond its hits: highlights,
// "did you mean" and suggestions while typing.
func runExplained(t *testing.T, e Engine) {
	ctx := context.Background()
	if err := e.Upsert(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	hl := func(t *testing.T, q, id string) string {
		t.Helper()
		r, err := e.Search(ctx, Query{Text: q, Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Hits {
			if h.ID == id {
				return fmt.Sprint(h.Highlights)
			}
		}
		t.Fatalf("%q: %s not found", q, id)
		return ""
	}
	for _, tc := range []struct{ name, q, id, want string }{
		{"pinyin marks the characters it read", "xinpian", "d01", "[{summary 车规级MCU芯片 [[6 8]]}]"},
		{"a synonym marks the word it stands for", "chip", "d07", "[{summary 关注芯片与人工智能 [[2 4]]}]"},
		{"English typo marks the word", "robtics", "d05", "[{summary Collaborative robotics [[14 22]]}]"},
		{"initials mark the name", "jhzb", "d07", "[{name 鉴湖资本 [[0 4]]}]"},
		{"a match through the district names it", "柯桥", "d01", "[{district 柯桥区 [[0 3]]}]"},
		{"two words, one name", "鉴湖 资本", "d07", "[{name 鉴湖资本 [[0 4]]}]"},
	} {
		t.Run("highlight/"+tc.name, func(t *testing.T) {
			if got := hl(t, tc.q, tc.id); got != tc.want {
				t.Fatalf("%q on %s: highlights %s, want %s", tc.q, tc.id, got, tc.want)
			}
		})
	}
	t.Run("did you mean", func(t *testing.T) {
		r, err := e.Search(ctx, Query{Text: "芯料"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != 0 || r.DidYouMean != "芯片" {
			t.Fatalf("芯料: %d hits, did you mean %q; want none and 芯片", r.Total, r.DidYouMean)
		}
		if r, _ := e.Search(ctx, Query{Text: "芯片"}); r.DidYouMean != "" {
			t.Fatalf("a query with hits gets a correction: %q", r.DidYouMean)
		}
		if r, _ := e.Search(ctx, Query{Text: "区块链"}); r.DidYouMean != "" {
			t.Fatalf("nothing near 区块链, yet did you mean %q", r.DidYouMean)
		}
	})
	suggest := func(t *testing.T, text string, kind Kind) string {
		t.Helper()
		s, err := e.Suggest(ctx, SuggestQuery{Text: text, Kind: kind, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range s {
			out = append(out, x.Kind+":"+x.Text+":"+x.ID+x.Code)
		}
		sort.Strings(out)
		return fmt.Sprint(out)
	}
	for _, tc := range []struct {
		name, text string
		kind       Kind
		want       string
	}{
		{"pinyin prefix", "jianhu", "", "[investor:鉴湖资本:d07 startup:鉴湖微电:d02]"},
		{"pinyin prefix, one kind", "jianhu", KindStartup, "[startup:鉴湖微电:d02]"},
		{"initials", "jhzb", "", "[investor:鉴湖资本:d07]"},
		{"characters", "鉴湖资", "", "[investor:鉴湖资本:d07]"},
		{"a district", "柯", "", "[district:柯桥区:keqiao space:柯桥纺织创意园:d08]"},
		{"a sector by a synonym's pinyin", "huangj", KindSpace, "[sector:黄酒与食品:food-huangjiu]"},
		{"nothing typed", " ", "", "[]"},
	} {
		t.Run("suggest/"+tc.name, func(t *testing.T) {
			if got := suggest(t, tc.text, tc.kind); got != tc.want {
				t.Fatalf("%q: %s, want %s", tc.text, got, tc.want)
			}
		})
	}
}

// runTyped is the behaviour of words as typed.
func runTyped(t *testing.T, e Engine) {
	ctx := context.Background()
	if err := e.Upsert(ctx, fixture()); err != nil {
		t.Fatal(err)
	}
	search := func(t *testing.T, q Query) *Result {
		t.Helper()
		if q.Limit == 0 {
			q.Limit = 20
		}
		r, err := e.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	text := []struct {
		name, q string
		kind    Kind
		want    string
	}{
		{"one Han character", "芯", KindStartup, "[d01 d02]"},
		{"two characters", "芯片", "", "[d01 d02 d07]"},
		{"three characters are a word, not three letters", "大模型", "", "[d03]"},
		{"four characters match the exact word only", "集成电路", "", "[d01 d07]"},
		{"four characters in the name", "鉴湖资本", "", "[d07]"},
		{"English word", "robotics", "", "[d05]"},
		{"English typo", "robtics", "", "[d05]"},
		{"English typo, long word", "semicondutor", "", "[d05]"},
		{"English prefix while typing", "collab", "", "[d05]"},
		{"mixed Latin and Han", "MCU芯片", "", "[d01]"},
		{"two Chinese words both required", "黄酒 饮品", "", "[d06]"},
		{"no match", "区块链", "", "[]"},
		{"punctuation only is everything", "？！", KindSpace, "[d08]"},
	}
	for _, tc := range text {
		t.Run("text/"+tc.name, func(t *testing.T) {
			if got := fmt.Sprint(ids(search(t, Query{Text: tc.q, Kind: tc.kind}))); got != tc.want {
				t.Fatalf("%q: got %s, want %s", tc.q, got, tc.want)
			}
		})
	}
	ask := func(x float64) *float64 { return &x }
	filters := []struct {
		name string
		q    Query
		want string
	}{
		{"kind", Query{Kind: KindInvestor}, "[d07]"},
		{"sector", Query{Kind: KindStartup, Sector: "ic"}, "[d01 d02]"},
		{"stage", Query{Stage: "angel", Kind: KindStartup}, "[d01 d05]"},
		{"district", Query{District: "shangyu"}, "[d04 d05]"},
		{"ask range", Query{Kind: KindStartup, AskMin: ask(100), AskMax: ask(500)}, "[d01 d02 d05]"},
		{"ask minimum only", Query{Kind: KindStartup, AskMin: ask(800)}, "[d03 d04]"},
		{"text and filters", Query{Text: "芯片", Kind: KindStartup, District: "keqiao"}, "[d01]"},
	}
	for _, tc := range filters {
		t.Run("filter/"+tc.name, func(t *testing.T) {
			if got := fmt.Sprint(ids(search(t, tc.q))); got != tc.want {
				t.Fatalf("got %s, want %s", got, tc.want)
			}
		})
	}
	t.Run("facets count every match, not the page", func(t *testing.T) {
		r := search(t, Query{Kind: KindStartup, Limit: 1})
		if r.Total != 6 || len(r.Hits) != 1 {
			t.Fatalf("total %d, %d hits", r.Total, len(r.Hits))
		}
		if fmt.Sprint(r.Facets["sector"]) != "map[ai:1 food-huangjiu:1 high-end-equipment:1 ic:2 robotics:1]" ||
			fmt.Sprint(r.Facets["district"]) != "map[keqiao:2 shangyu:2 yuecheng:2]" || r.Facets["stage"]["angel"] != 2 {
			t.Fatalf("facets %v", r.Facets)
		}
	})
	t.Run("sort and pages", func(t *testing.T) {
		r := search(t, Query{Kind: KindStartup, Sort: SortNewest, Limit: 2, Offset: 1})
		if len(r.Hits) != 2 || r.Hits[0].ID != "d05" || r.Hits[1].ID != "d04" || r.Total != 6 {
			t.Fatalf("newest page 2: %v total %d", r.Hits, r.Total)
		}
		r = search(t, Query{Kind: KindStartup, Sort: SortAskAsc, Limit: 2})
		if r.Hits[0].ID != "d06" || r.Hits[1].ID != "d02" {
			t.Fatalf("ask ascending: %v", r.Hits)
		}
		r = search(t, Query{Kind: KindStartup, Sort: SortAskDesc, Limit: 1})
		if r.Hits[0].ID != "d04" {
			t.Fatalf("ask descending: %v", r.Hits)
		}
	})
	t.Run("hits carry the public view and kind", func(t *testing.T) {
		r := search(t, Query{Text: "鉴湖资本"})
		if len(r.Hits) != 1 || r.Hits[0].Kind != KindInvestor || string(r.Hits[0].Public) != `{"id":"d07","name":"鉴湖资本"}` {
			t.Fatalf("hit %+v", r.Hits)
		}
	})
	t.Run("upsert replaces, delete and clear remove", func(t *testing.T) {
		docs := fixture()
		docs[5].Name, docs[5].Summary, docs[5].Body = "古越茶饮", "新式茶饮", "年轻人喜欢的茶"
		if err := e.Upsert(ctx, docs[5:6]); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(ids(search(t, Query{Text: "黄酒"}))); got != "[]" {
			t.Fatalf("old words still found: %s", got)
		}
		if got := fmt.Sprint(ids(search(t, Query{Text: "茶饮"}))); got != "[d06]" {
			t.Fatalf("new words not found: %s", got)
		}
		if err := e.Delete(ctx, []string{"d06", "missing"}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Count(ctx, KindStartup); err != nil || n != 5 {
			t.Fatalf("count after delete %d, %v", n, err)
		}
		if err := e.Clear(ctx, KindStartup); err != nil {
			t.Fatal(err)
		}
		if n, _ := e.Count(ctx, KindStartup); n != 0 {
			t.Fatalf("%d startups after clear", n)
		}
		if n, _ := e.Count(ctx, KindInvestor); n != 1 {
			t.Fatalf("clear removed other kinds: %d investors", n)
		}
	})
	if err := e.Ping(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestContractBleve(t *testing.T) {
	runContract(t, func(t *testing.T, opts ...Option) Engine {
		b, err := OpenBleve(filepath.Join(t.TempDir(), "idx"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	})
}

func TestContractMeilisearch(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("SKIPPED, not passed: MEILI_URL is not set and no Meilisearch server can run on this machine; " +
			"the Meilisearch adapter is covered here only by its unit tests (meili_test.go)")
	}
	runContract(t, func(t *testing.T, opts ...Option) Engine {
		m, err := NewMeili(context.Background(), url, os.Getenv("MEILI_API_KEY"), fmt.Sprintf("contract_%d", time.Now().UnixNano()), opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close() })
		return m
	})
}

func TestBleveStopStart(t *testing.T) {
	b, err := OpenBleve(filepath.Join(t.TempDir(), "idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	if err := b.Upsert(ctx, fixture()[:1]); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"search": func() error { _, err := b.Search(ctx, Query{Limit: 1}); return err }(),
		"upsert": b.Upsert(ctx, fixture()[1:2]),
		"ping":   b.Ping(ctx),
	} {
		if !errorsIsUnavailable(err) {
			t.Errorf("%s while stopped: %v, want ErrUnavailable", name, err)
		}
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Count(ctx, KindStartup); err != nil || n != 1 {
		t.Fatalf("after restart: %d, %v (data on disk must survive)", n, err)
	}
}
