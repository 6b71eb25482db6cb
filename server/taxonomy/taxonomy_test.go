package taxonomy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

func TestDefault(t *testing.T) {
	tx, err := taxonomy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"yuecheng", "keqiao", "shangyu", "zhuji", "shengzhou", "xinchang"} {
		if !tx.HasDistrict(d) {
			t.Errorf("default lacks district %s", d)
		}
	}
	if s, ok := tx.Sector("ic"); !ok || s.Family == "" || s.Zh != "集成电路" {
		t.Errorf("sector ic = %+v", s)
	}
	if !tx.HasStage("pre-a") || tx.HasStage("series-a") {
		t.Error("stage codes wrong")
	}
}

func TestParseRejects(t *testing.T) {
	good := `{"city":{"code":"x","zh":"x","en":"x"},"families":[{"code":"f","zh":"f","en":"f"}],
	"sectors":[{"code":"s","zh":"s","en":"s","family":"f"}],
	"stages":[{"code":"idea","zh":"a","en":"a"},{"code":"seed","zh":"a","en":"a"},{"code":"angel","zh":"a","en":"a"},{"code":"pre-a","zh":"a","en":"a"},{"code":"a","zh":"a","en":"a"},{"code":"b","zh":"a","en":"a"},{"code":"c-plus","zh":"a","en":"a"},{"code":"pre-ipo","zh":"a","en":"a"}],
	"districts":[{"code":"d","zh":"d","en":"d"}]}`
	if _, err := taxonomy.Parse([]byte(good)); err != nil {
		t.Fatalf("minimal taxonomy rejected: %v", err)
	}
	cases := map[string]string{
		"unknown family":  strings.Replace(good, `"family":"f"`, `"family":"zz"`, 1),
		"stage order":     strings.Replace(good, `"code":"idea"`, `"code":"seed"`, 1),
		"unknown field":   strings.Replace(good, `"city"`, `"town"`, 1),
		"no districts":    strings.Replace(good, `[{"code":"d","zh":"d","en":"d"}]`, `[]`, 1),
		"empty zh sector": strings.Replace(good, `"code":"s","zh":"s"`, `"code":"s","zh":""`, 1),
		"blank synonym":   strings.Replace(good, `"family":"f"`, `"family":"f","synonyms":[["芯片"," "]]`, 1),
		"empty synonyms":  strings.Replace(good, `"family":"f"`, `"family":"f","synonyms":[[]]`, 1),
	}
	for name, doc := range cases {
		if _, err := taxonomy.Parse([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSearchVocabulary(t *testing.T) {
	tx, err := taxonomy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	v := taxonomy.SearchVocabulary(tx)
	if len(v.Sectors) != len(tx.Sectors) || len(v.Districts) != len(tx.Districts) {
		t.Fatalf("vocabulary %d sectors %d districts", len(v.Sectors), len(v.Districts))
	}
	found := false
	for _, s := range v.Sectors {
		if s.Code == "ic" {
			for _, set := range s.Synonyms {
				found = found || strings.Contains(strings.Join(set, "|"), "芯片|chip")
			}
		}
	}
	if !found {
		t.Fatalf("ic's synonyms lack 芯片/chip: %+v", v.Sectors[0])
	}
}

// TestAliases: the names people write in sheets find their codes, and an
// alias that could mean two entries is refused when the file loads.
func TestAliases(t *testing.T) {
	tx, err := taxonomy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"柯桥": "keqiao", "柯桥区": "keqiao", " keqiao ": "keqiao", "绍兴县": "keqiao", "嵊县": "shengzhou",
		"诸暨": "zhuji", "袍江": "binhai", "北京": ""} {
		if got := domain.MatchNamed(tx.Districts, in); got != want {
			t.Errorf("district %q = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"天使": "angel", "天使轮": "angel", "Angel": "angel", "angel round": "angel", "种子": "seed",
		"Pre-A": "pre-a", "PreA": "pre-a", "pre a轮": "pre-a", "A轮": "a", "a": "a", "B轮": "b", "D轮": "c-plus", "C+": "c-plus",
		"上市前": "pre-ipo", "创意": "idea", "": "", "Z轮": ""} {
		if got := domain.MatchNamed(tx.Stages, in); got != want {
			t.Errorf("stage %q = %q, want %q", in, got, want)
		}
	}
	bad := strings.Replace(string(mustRead(t)), `"aliases": ["种子", "种子期", "seed round"]`, `"aliases": ["种子", "天使"]`, 1)
	if _, err := taxonomy.Parse([]byte(bad)); err == nil || !strings.Contains(err.Error(), "天使") {
		t.Fatalf("an alias naming two stages was accepted: %v", err)
	}
}

func mustRead(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("shaoxing.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
