package domain

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestAppendJSONMatchesEncoding holds the hand-written encoders to the
// struct tags: for awkward values (quotes, control characters, HTML,
// invalid UTF-8, line separators, extreme numbers, nil and empty slices),
// the bytes decode to what encoding/json's bytes decode to.
func TestAppendJSONMatchesEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"", "a", "芯片", `"`, `\`, "\n", "\t", "\x01", "\x1f", "<script>", "&amp;", "\u2028", "\u2029",
		"\xff", "\xe4\xb8", "😀", "é", "/", "\x7f"}
	str := func() string {
		var sb strings.Builder
		for range rng.IntN(5) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return sb.String()
	}
	floats := []float64{0, 1, -1, 0.1, 123.456, 1e-7, 1.5e-9, 1e21, 1e20, 99999.5, 3.14159265358979, -2.5e-300}
	for i := 0; i < 2000; i++ {
		pub := time.Date(2026, 1, 2, 3, 4, 5, rng.IntN(1e9), time.FixedZone("X", rng.IntN(20)*1800))
		c := &StartupCard{ID: str(), Name: str(), OneLiner: str(), Sector: str(), Stage: str(),
			AskWan: floats[rng.IntN(len(floats))], District: str(), SpaceID: str(), TeamSize: rng.IntN(100) - 5,
			FoundedYear: 2000 + rng.IntN(30), Traction: str(), UpdatedAt: time.Unix(int64(rng.Uint32()), int64(rng.IntN(1e9))).UTC()}
		switch i % 3 {
		case 0:
			c.Tags = []string{str(), str()}
		case 1:
			c.Tags = []string{}
		}
		if i%2 == 0 {
			c.PublishedAt = &pub
		}
		same(t, c.AppendJSON(nil), c)
		r := &Reason{Code: str(), OK: i%2 == 0}
		switch i % 4 { // each optional field both set and left out
		case 0:
			r.Sector, r.Family = str(), str()
		case 1:
			r.Stage, r.District = str(), str()
		case 2:
			r.AskWan, r.MinWan = floats[rng.IntN(len(floats))], floats[rng.IntN(len(floats))]
		case 3:
			r.MaxWan = floats[rng.IntN(len(floats))] * float64(rng.IntN(3))
		}
		same(t, r.AppendJSON(nil), r)
		enc := r.Encoded()
		same(t, enc.AppendJSON(nil), r)
		f := floats[rng.IntN(len(floats))] * float64(rng.IntN(7)-3)
		got := AppendJSONFloat(nil, f)
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Fatalf("float %v: got %s, encoding/json %s", f, got, want)
		}
	}
	var nilCard *StartupCard
	if string(nilCard.AppendJSON(nil)) != "null" {
		t.Fatal("a nil card is not null")
	}
}

func same[T any](t *testing.T, got []byte, v *T) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("not JSON: %s: %v", got, err)
	}
	if err := json.Unmarshal(want, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("hand-written\n %s\nencoding/json\n %s", got, want)
	}
}

// TestAppendJSONFloatShortcut holds the whole-number and tenths shortcut
// to encoding/json's bytes: scores rounded to tenths, money, their
// negatives, values beside the shortcut's edges and values it must leave
// to strconv.
func TestAppendJSONFloatShortcut(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	fs := []float64{0, math.Copysign(0, -1), 0.1, 0.05, 0.95, 9.95, 99.95, 1e13, 1e14 - 0.1, 1e14, 1e14 + 1, 1e15, 1e16 + 2,
		0.30000000000000004, 80.7, 80.70000000000002, 1.0000000000000002, 123456789.9, -0.1, -80.7, 1e-7}
	for range 20000 {
		x := rng.Float64() * math.Pow(10, float64(rng.IntN(16)))
		fs = append(fs, x, -x, math.Round(x), float64(int(x*10+0.5))/10, math.Round(x*10)/10, math.Nextafter(math.Round(x*10)/10, 0))
	}
	for _, f := range fs {
		got := AppendJSONFloat(nil, f)
		want, _ := json.Marshal(f)
		if string(got) != string(want) {
			t.Fatalf("float %v (%b): got %s, encoding/json %s", f, f, got, want)
		}
	}
}
