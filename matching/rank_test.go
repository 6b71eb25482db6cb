package matching

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestRankEqualsBruteForce checks the pruned ranking against scoring every
// startup and sorting, over random indexes, filters and pages.
func TestRankEqualsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sectors := []string{"ic", "electronics", "biomedicine", "medical-devices", "ai", "ecommerce", "textiles"}
	districts := []string{"keqiao", "yuecheng", "zhuji", "shangyu"}
	for round := 0; round < 30; round++ {
		x := newTestIndex(t)
		all := map[string]Startup{}
		n := 50 + rng.IntN(400)
		for i := 0; i < n; i++ {
			s := Startup{ID: id(round*1000 + i), Sector: sectors[rng.IntN(len(sectors))], Stage: rng.IntN(NumStages),
				AskWan: float64(rng.IntN(3000)), District: districts[rng.IntN(len(districts))], SpaceID: fmt.Sprint(rng.IntN(3)),
				Completeness: rng.Float64(), UpdatedAt: now.AddDate(0, 0, -rng.IntN(300))}
			if err := x.Upsert(s); err != nil {
				t.Fatal(err)
			}
			all[s.ID] = s
		}
		// Churn: remove some, move others between buckets.
		for i := 0; i < n/5; i++ {
			victim := id(round*1000 + rng.IntN(n))
			if rng.IntN(2) == 0 {
				x.Remove(victim)
				delete(all, victim)
			} else if s, ok := all[victim]; ok {
				s.Sector, s.Stage = sectors[rng.IntN(len(sectors))], rng.IntN(NumStages)
				_ = x.Upsert(s)
				all[victim] = s
			}
		}
		th := Thesis{Sectors: []string{sectors[rng.IntN(len(sectors))]}, Stages: []int{rng.IntN(NumStages)}, ChequeMin: 100, ChequeMax: 800,
			Districts: []string{districts[rng.IntN(len(districts))]}, Spaces: []string{"1"}}
		var fb []Signal
		for id := range all {
			if rng.IntN(20) == 0 {
				fb = append(fb, Signal{id, []Action{Pass, Save, Interested}[rng.IntN(3)]})
			}
		}
		q := Query{Thesis: th, Feedback: fb, Offset: rng.IntN(5), Limit: 1 + rng.IntN(30), Now: now}
		if rng.IntN(3) == 0 {
			q.District = districts[rng.IntN(len(districts))]
		}
		if rng.IntN(3) == 0 {
			q.OnlyStage = 1 + rng.IntN(NumStages)
		}
		if rng.IntN(4) == 0 {
			q.Sector = sectors[rng.IntN(len(sectors))]
		}
		want := bruteForce(x, all, q)
		// Pruned and exhaustive.
		for _, mode := range []bool{false, true} {
			q.exhaustive = mode
			got := x.Rank(q)
			if got.Total != len(want) {
				t.Fatalf("round %d exhaustive %v: total %d, want %d", round, mode, got.Total, len(want))
			}
			end := min(q.Offset+q.Limit, len(want))
			if q.Offset > len(want) {
				end = q.Offset
			}
			if len(got.Results) != max(0, end-q.Offset) {
				t.Fatalf("round %d exhaustive %v: %d results, want %d", round, mode, len(got.Results), end-q.Offset)
			}
			for i, r := range got.Results {
				if w := want[q.Offset+i]; r.ID != w.ID || r.Score != w.Score || r.Parts != w.Parts {
					t.Fatalf("round %d exhaustive %v rank %d: got %s %.3f %+v, want %s %.3f %+v", round, mode, q.Offset+i, r.ID, r.Score, r.Parts, w.ID, w.Score, w.Parts)
				}
			}
		}
		if x.Len() != len(all) {
			t.Fatalf("Len %d, want %d", x.Len(), len(all))
		}
	}
}

// TestRankAtTheBounds ranks startups whose own parts are each at their
// best or their worst (ask in or far out of the range, the thesis's
// district or not, a shared space or not, complete or empty, fresh or
// stale), in few buckets, with small pages: many records reach their
// bucket's bound exactly, and many tie. A bucket bound that leaves out
// any part, or pruning that stops at a tie the next bucket could win by
// id, ranks differently from scoring every startup.
func TestRankAtTheBounds(t *testing.T) {
	// Two buckets with the same bound, each with a record at it: the
	// lower id wins whichever bucket is scanned first (which varies with
	// the codes a new index gives the sectors, so many indexes are tried).
	for i := range 32 {
		ids := [2]int{5 + 4*(i%2), 9 - 4*(i%2)}
		x := newTestIndex(t)
		for i, sector := range []string{"ic", "ai"} {
			if err := x.Upsert(Startup{ID: id(ids[i]), Sector: sector, Stage: 2, AskWan: 300, District: "keqiao", SpaceID: "1",
				Completeness: 1, UpdatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		th := Thesis{Sectors: []string{"ic", "ai"}, Stages: []int{2}, ChequeMin: 100, ChequeMax: 500, Districts: []string{"keqiao"}, Spaces: []string{"1"}}
		if got := x.Rank(Query{Thesis: th, Limit: 1, Now: now}).Results; len(got) != 1 || got[0].ID.String() != id(5) {
			t.Fatalf("ids %v: got %v, want %s first", ids, got, id(5))
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	sectors := []string{"ic", "electronics", "ai"}
	for round := 0; round < 1000; round++ {
		x := newTestIndex(t)
		all := map[string]Startup{}
		for range 10 + rng.IntN(60) {
			s := Startup{ID: id(rng.IntN(1 << 20)), Sector: sectors[rng.IntN(len(sectors))], Stage: 1 + rng.IntN(4),
				AskWan: []float64{300, 5000}[rng.IntN(2)], District: []string{"keqiao", "zhuji"}[rng.IntN(2)],
				SpaceID: []string{"1", "2"}[rng.IntN(2)], Completeness: float64(rng.IntN(3)) / 2,
				UpdatedAt: now.AddDate(0, 0, -[]int{0, 105, 400}[rng.IntN(3)])}
			if err := x.Upsert(s); err != nil {
				t.Fatal(err)
			}
			all[s.ID] = s
		}
		th := Thesis{Sectors: []string{"ic"}, Stages: []int{2}, ChequeMin: 100, ChequeMax: 500, Districts: []string{"keqiao"}, Spaces: []string{"1"}}
		if rng.IntN(4) == 0 {
			th = Thesis{}
		}
		var fb []Signal
		if th.Sectors == nil && rng.IntN(2) == 0 {
			th.Districts = []string{"keqiao"}
		}
		liked := sectors[rng.IntN(len(sectors))]
		for id, s := range all {
			switch r := rng.IntN(10); {
			case r < 3 && s.Sector == liked:
				fb = append(fb, Signal{id, Interested})
			case r == 3:
				fb = append(fb, Signal{id, []Action{Pass, Save, Interested}[rng.IntN(3)]})
			}
		}
		q := Query{Thesis: th, Feedback: fb, Limit: 1 + rng.IntN(6), Now: now}
		if rng.IntN(2) == 0 { // deep enough to reach the lower tiers' buckets
			q.Limit = 1 + rng.IntN(len(all))
		}
		want := bruteForce(x, all, q)
		got := x.Rank(q)
		for i, r := range got.Results {
			if w := want[i]; r.ID != w.ID || r.Score != w.Score || r.Parts != w.Parts {
				t.Fatalf("round %d rank %d: got %s %.3f, want %s %.3f", round, i, r.ID, r.Score, w.ID, w.Score)
			}
		}
		if len(got.Results) != min(q.Limit, len(want)) {
			t.Fatalf("round %d: %d results, want %d", round, len(got.Results), min(q.Limit, len(want)))
		}
	}
}

// bruteForce scores every startup with Score and sorts. It computes the
// investor's feedback affinity itself, from the rule in docs/MATCHING.md,
// rather than through the index's own feedback code, so that a wrong
// feedback weight in the index shows here.
func bruteForce(x *Index, all map[string]Startup, q Query) []Result {
	passed := map[string]bool{}
	sectorNet, stageNet := map[string]float64{}, map[int]float64{}
	n := 0.0
	for _, s := range q.Feedback {
		st, ok := all[s.StartupID]
		if !ok {
			continue
		}
		w := map[Action]float64{Interested: 1, Save: 0.5, Pass: -1}[s.Action]
		if s.Action == Pass {
			passed[s.StartupID] = true
		}
		sectorNet[st.Sector] += w
		stageNet[st.Stage] += w
		n++
	}
	affinity := func(s Startup) float64 {
		if n == 0 {
			return 0
		}
		return max(-1, min(1, (sectorNet[s.Sector]+0.5*stageNet[s.Stage])/(n+2)))
	}
	var out []Result
	for _, s := range all {
		if passed[s.ID] || (q.District != "" && s.District != q.District) || (q.OnlyStage > 0 && s.Stage != q.OnlyStage-1) ||
			(q.Sector != "" && s.Sector != q.Sector) {
			continue
		}
		m := x.Score(q.Thesis, s, q.Now)
		// Score has no feedback, and the index keeps days and completeness
		// rounded; add and round them the way the index stores them.
		m.Parts.Affinity = affinity(s)
		m.Parts.Freshness = Freshness(int(q.Now.Sub(epoch).Hours()/24) - int(s.UpdatedAt.Sub(epoch).Hours()/24))
		m.Parts.Completeness = float64(uint8(clamp01(s.Completeness)*255+0.5)) / 255
		m.Score = x.w.total(&m.Parts)
		key, _ := parseID(s.ID)
		out = append(out, Result{ID: key, Match: m})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].ID, out[j].ID
		return better(out[i].Score, a, out[j].Score, b)
	})
	return out
}
