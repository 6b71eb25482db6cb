package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

var families = map[string]string{
	"ic": "electronics", "electronics": "electronics",
	"biomedicine": "health", "medical-devices": "health",
	"ai": "digital", "ecommerce": "digital",
	"textiles": "textiles",
}

var now = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

func id(n int) string { return fmt.Sprintf("%024x", n) }

func newTestIndex(t testing.TB) *Index {
	t.Helper()
	x, err := NewIndex(DefaultWeights, families)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// angel backs IC and AI at angel/pre-A stage (2, 3), 100–500万, in Keqiao.
var angel = Thesis{Sectors: []string{"ic", "ai"}, Stages: []int{2, 3}, ChequeMin: 100, ChequeMax: 500, Districts: []string{"keqiao"}}

// TestOrderingRules pins the product rule: exact sector+stage above
// sector-only above stage-only above neither, whatever the adjustments do.
func TestOrderingRules(t *testing.T) {
	x := newTestIndex(t)
	// Each startup is the best possible of its class or the worst possible
	// of the class above, so any overlap of bands would show.
	worst := func(n int, sector string, stage int) Startup {
		return Startup{ID: id(n), Sector: sector, Stage: stage, AskWan: 99999, District: "zhuji", UpdatedAt: now.AddDate(-2, 0, 0)}
	}
	best := func(n int, sector string, stage int) Startup {
		return Startup{ID: id(n), Sector: sector, Stage: stage, AskWan: 300, District: "keqiao", Completeness: 1, UpdatedAt: now}
	}
	cases := []struct {
		name string
		s    Startup
		tier int
	}{
		{"exact sector and stage, worst extras", worst(1, "ic", 2), 3},
		{"exact sector, near stage, best extras", best(2, "ai", 4), 2},
		{"exact sector only, worst extras", worst(3, "ic", 7), 2},
		{"exact stage, related sector, best extras", best(4, "electronics", 3), 1},
		{"exact stage only, worst extras", worst(5, "textiles", 2), 1},
		{"related sector, near stage, best extras", best(6, "electronics", 1), 0},
		{"neither", worst(7, "biomedicine", 7), 0},
	}
	for _, c := range cases {
		if err := x.Upsert(c.s); err != nil {
			t.Fatal(err)
		}
	}
	r := x.Rank(Query{Thesis: angel, Limit: 10, Now: now})
	if len(r.Results) != len(cases) || r.Total != len(cases) {
		t.Fatalf("got %d results, total %d", len(r.Results), r.Total)
	}
	for i, res := range r.Results {
		if res.ID.String() != cases[i].s.ID {
			t.Errorf("rank %d: got %s, want %q", i, res.ID.String(), cases[i].name)
		}
		if res.Parts.Tier != cases[i].tier {
			t.Errorf("%s: tier %d, want %d", cases[i].name, res.Parts.Tier, cases[i].tier)
		}
		if i > 0 && res.Score >= r.Results[i-1].Score {
			t.Errorf("%s: score %.2f not below %.2f", cases[i].name, res.Score, r.Results[i-1].Score)
		}
	}
}

func TestPartialCreditAndAdjustments(t *testing.T) {
	x := newTestIndex(t)
	base := Startup{Sector: "biomedicine", Stage: 7, AskWan: 99999, District: "zhuji", UpdatedAt: now.AddDate(-1, 0, 0)}
	vary := []struct {
		name string
		f    func(*Startup)
	}{
		{"related sector beats unrelated", func(s *Startup) { s.Sector = "electronics" }},
		{"near stage beats far stage", func(s *Startup) { s.Stage = 4 }},
		{"far stage beats no stage", func(s *Startup) { s.Stage = 5 }},
		{"ask in range beats out of range", func(s *Startup) { s.AskWan = 300 }},
		{"ask near range beats far out", func(s *Startup) { s.AskWan = 800 }},
		{"thesis district beats another", func(s *Startup) { s.District = "keqiao" }},
		{"complete profile beats empty", func(s *Startup) { s.Completeness = 1 }},
		{"fresh beats stale", func(s *Startup) { s.UpdatedAt = now }},
	}
	baseScore := x.Score(angel, base, now).Score
	for _, v := range vary {
		s := base
		v.f(&s)
		if got := x.Score(angel, s, now).Score; got <= baseScore {
			t.Errorf("%s: %.2f not above %.2f", v.name, got, baseScore)
		}
	}
	if a, b := x.Score(angel, Startup{Sector: "ic", Stage: 4}, now), x.Score(angel, Startup{Sector: "ic", Stage: 5}, now); a.Score <= b.Score || a.Parts.Stage != StageNear || b.Parts.Stage != StageFar {
		t.Errorf("stage steps: near %+v far %+v", a, b)
	}
	open := Thesis{}
	if m := x.Score(open, base, now); m.Parts.Tier != 3 || m.Parts.Sector != SectorOpen || m.Parts.District != DistrictOpen {
		t.Errorf("open thesis: %+v", m.Parts)
	}
}

// TestFeedbackMovesRanking pins each kind of feedback by its own effect on
// the score, and arranges ids so that the id tie-break works against the
// expected order: a check that held through the tie-break alone would not
// see a feedback weight set to zero.
func TestFeedbackMovesRanking(t *testing.T) {
	x := newTestIndex(t)
	// Four sector-only startups that tie except for sector; the AI ones
	// have the lower ids, so with no feedback AI comes first.
	for n, sec := range map[int]string{1: "ai", 2: "ai", 3: "ic", 4: "ic"} {
		if err := x.Upsert(Startup{ID: id(n), Sector: sec, Stage: 6, AskWan: 300, District: "keqiao", UpdatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	rank := func(fb []Signal) Ranking { return x.Rank(Query{Thesis: angel, Feedback: fb, Limit: 4, Now: now}) }
	scoreOf := func(r Ranking, want string) float64 {
		for _, res := range r.Results {
			if res.ID.String() == want {
				return res.Score
			}
		}
		t.Fatalf("%s not ranked", want)
		return 0
	}
	none := rank(nil)
	if got := x.sectorOf(none.Results[0].ID.String()); got != "ai" {
		t.Fatalf("without feedback the id tie-break should put AI first, got %s", got)
	}
	base := scoreOf(none, id(2))

	// Pass on one AI startup: the other AI startup scores lower than with
	// no feedback, and falls below IC although its id is lower.
	passed := rank([]Signal{{id(1), Pass}})
	if s := scoreOf(passed, id(2)); s >= base {
		t.Errorf("after passing on an AI startup, another AI startup scores %.3f, not below %.3f", s, base)
	}
	if got := x.sectorOf(passed.Results[0].ID.String()); got != "ic" {
		t.Errorf("after passing on AI, first is %s", got)
	}
	for _, res := range passed.Results {
		if res.ID.String() == id(1) {
			t.Error("passed startup still ranked")
		}
	}
	if passed.Total != 3 || len(passed.Results) != 3 {
		t.Errorf("total %d, %d results after one pass; want 3", passed.Total, len(passed.Results))
	}

	// Interest and save in IC lift IC above AI, interest more than save.
	interested := rank([]Signal{{id(4), Interested}})
	saved := rank([]Signal{{id(4), Save}})
	if got := x.sectorOf(interested.Results[0].ID.String()); got != "ic" {
		t.Errorf("after interest in IC, first is %s", got)
	}
	if got := x.sectorOf(saved.Results[0].ID.String()); got != "ic" {
		t.Errorf("after saving an IC startup, first is %s", got)
	}
	i3, s3, b3 := scoreOf(interested, id(3)), scoreOf(saved, id(3)), scoreOf(none, id(3))
	if !(i3 > s3 && s3 > b3) {
		t.Errorf("IC startup after interest %.3f, after save %.3f, without feedback %.3f: want strictly falling", i3, s3, b3)
	}
}

func (x *Index) sectorOf(hexID string) string {
	b, _ := parseID(hexID)
	i, _ := x.find(b)
	bk, _ := unpack(x.table[i])
	for s, c := range x.v.sectors {
		if int(c) == bk/NumStages {
			return s
		}
	}
	return ""
}

func TestIndexRejectsBadInput(t *testing.T) {
	x := newTestIndex(t)
	for _, s := range []Startup{{ID: "short", Sector: "ic"}, {ID: id(1), Sector: "ic", Stage: 8}, {ID: "zz" + id(1)[2:], Sector: "ic"}} {
		if err := x.Upsert(s); err == nil {
			t.Errorf("Upsert(%+v) accepted", s)
		}
	}
	x.Remove("not-an-id")
	x.Remove(id(99))
	if x.Len() != 0 {
		t.Fatal("index not empty")
	}
	if _, err := NewIndex(Weights{FamilySector: 30}, nil); err == nil {
		t.Error("weights wider than a tier accepted")
	}
	if !DefaultWeights.Valid() {
		t.Error("default weights invalid")
	}
}

func TestUnknownFilterAndEmptyIndex(t *testing.T) {
	x := newTestIndex(t)
	if r := x.Rank(Query{Thesis: angel, Limit: 10, Now: now}); len(r.Results) != 0 || r.Total != 0 {
		t.Fatalf("empty index: %+v", r)
	}
	_ = x.Upsert(Startup{ID: id(1), Sector: "ic", Stage: 2, District: "keqiao"})
	if r := x.Rank(Query{Thesis: angel, District: "nowhere", Limit: 10, Now: now}); len(r.Results) != 0 || r.Total != 0 {
		t.Fatalf("unknown district: %+v", r)
	}
	if r := x.Rank(Query{Thesis: angel, Sector: "nothing", Limit: 10, Now: now}); len(r.Results) != 0 || r.Total != 0 {
		t.Fatalf("unknown sector: %+v", r)
	}
}

// TestTableGrowAndDelete drives the id table through growth and deletions
// and checks every lookup afterwards.
func TestTableGrowAndDelete(t *testing.T) {
	x := newTestIndex(t)
	rng := rand.New(rand.NewPCG(3, 4))
	in := map[string]bool{}
	for i := 0; i < 5000; i++ {
		if err := x.Upsert(Startup{ID: id(i), Sector: "ic", Stage: i % NumStages}); err != nil {
			t.Fatal(err)
		}
		in[id(i)] = true
	}
	for i := 0; i < 5000; i++ {
		if rng.IntN(2) == 0 {
			x.Remove(id(i))
			delete(in, id(i))
		}
	}
	for i := 0; i < 5000; i++ {
		b, _ := parseID(id(i))
		_, found := x.find(b)
		if found != in[id(i)] {
			t.Fatalf("id %d: found %v, want %v", i, found, in[id(i)])
		}
	}
	if x.Len() != len(in) {
		t.Fatalf("Len %d, want %d", x.Len(), len(in))
	}
	r := x.Rank(Query{Thesis: Thesis{Sectors: []string{"ic"}}, Limit: 10000, Now: now})
	if r.Total != len(in) || len(r.Results) != len(in) {
		t.Fatalf("rank sees %d (total %d), want %d", len(r.Results), r.Total, len(in))
	}
}

// TestPruningMatchesExhaustive pins that pruning (the bucket bound and the
// early dismissal of records that cannot enter the top k) never changes
// the answer, for a typical, a broad and an empty thesis, and with many
// exact ties (which the id must order).
func TestPruningMatchesExhaustive(t *testing.T) {
	x := newTestIndex(t)
	rng := rand.New(rand.NewPCG(9, 9))
	sectors := []string{"ic", "electronics", "biomedicine", "ai", "textiles"}
	for i := 0; i < 3000; i++ {
		s := Startup{ID: id(i), Sector: sectors[rng.IntN(len(sectors))], Stage: rng.IntN(NumStages),
			AskWan: float64(rng.IntN(2000)), District: "keqiao", Completeness: rng.Float64(), UpdatedAt: now.AddDate(0, 0, -rng.IntN(200))}
		if i%3 == 0 { // a third tie on everything but sector and stage
			s.AskWan, s.Completeness, s.UpdatedAt = 300, 1, now
		}
		_ = x.Upsert(s)
	}
	for _, th := range []Thesis{angel, {Stages: []int{2}, ChequeMin: 100, ChequeMax: 800}, {}} {
		for _, limit := range []int{1, 50, 500} {
			q := Query{Thesis: th, Limit: limit, Offset: 3, Now: now}
			a := x.Rank(q)
			q.exhaustive = true
			b := x.Rank(q)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("thesis %+v, limit %d: pruned and exhaustive rankings differ", th, limit)
			}
		}
	}
}

// TestMovesBetweenBuckets moves startups between sector and stage buckets
// many times over fresh indexes (each with its own hash seed) and checks
// every entry afterwards. It pins a bug where a move repointed the wrong
// table entry when two ids shared a probe path.
func TestMovesBetweenBuckets(t *testing.T) {
	sectors := []string{"ic", "ai", "textiles"}
	for round := 0; round < 20; round++ {
		x := newTestIndex(t)
		rng := rand.New(rand.NewPCG(uint64(round), 99))
		where := map[int][2]int{}
		for i := 0; i < 600; i++ {
			s, st := rng.IntN(3), rng.IntN(NumStages)
			if err := x.Upsert(Startup{ID: id(i), Sector: sectors[s], Stage: st}); err != nil {
				t.Fatal(err)
			}
			where[i] = [2]int{s, st}
		}
		for k := 0; k < 3000; k++ {
			i := rng.IntN(600)
			s, st := rng.IntN(3), rng.IntN(NumStages)
			_ = x.Upsert(Startup{ID: id(i), Sector: sectors[s], Stage: st})
			where[i] = [2]int{s, st}
		}
		for i, w := range where {
			b, _ := parseID(id(i))
			ti, ok := x.find(b)
			if !ok {
				t.Fatalf("round %d: startup %d lost", round, i)
			}
			bk, pos := unpack(x.table[ti])
			if bk != int(x.v.sectors[sectors[w[0]]])*NumStages+w[1] || pos >= len(x.buckets[bk]) || x.buckets[bk][pos].id != b {
				t.Fatalf("round %d: startup %d points at the wrong record", round, i)
			}
		}
	}
}
