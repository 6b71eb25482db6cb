package matching

import (
	"cmp"
	"container/heap"
	"encoding/hex"
	"slices"
	"time"
)

// Query asks for one investor's ranking.
type Query struct {
	Thesis   Thesis
	Feedback []Signal // the investor's own; passed startups are left out
	// Optional filters: only this sector / district code ("" = any) and
	// only stage OnlyStage-1 (0 = any stage).
	Sector, District string
	OnlyStage        int
	Offset, Limit    int
	Now              time.Time

	exhaustive bool // score every bucket; the benchmarks' baseline
}

// Result is one ranked startup.
type Result struct {
	ID string
	Match
}

// Ranking is one page of results and how many startups qualified.
type Ranking struct {
	Results []Result
	Total   int
}

// plan is one bucket to scan and the best score any record in it could get;
// kept small because every ranking sorts them.
type plan struct {
	ub float64
	b  int
}

// Rank returns the best startups for q.Thesis, best first, ties broken by
// id for a stable order.
func (x *Index) Rank(q Query) Ranking {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c := x.v.compile(q.Thesis)
	today := int(max(0, min(q.Now.Sub(epoch).Hours()/24, 65535)))
	var wantDistrict uint8
	if q.District != "" {
		var ok bool
		if wantDistrict, ok = x.v.districts[q.District]; !ok {
			return Ranking{Results: []Result{}}
		}
	}
	fb := x.feedback(q.Feedback)

	var plans []plan
	total := 0
	for sec := 1; sec < len(x.v.sectorFam); sec++ {
		if q.Sector != "" && x.v.sectors[q.Sector] != uint8(sec) {
			continue
		}
		for st := 0; st < NumStages; st++ {
			if q.OnlyStage > 0 && q.OnlyStage-1 != st {
				continue
			}
			b := sec*NumStages + st
			list := x.buckets[b]
			if len(list) == 0 {
				continue
			}
			best := x.bucketParts(&c, &fb, b)
			best.Cheque, best.District, best.SharedSpace, best.Completeness, best.Freshness = ChequeIn, x.bestDistrict(), true, 1, 1
			plans = append(plans, plan{ub: x.w.total(&best), b: b})
			if wantDistrict == 0 {
				total += len(list)
			} else {
				for _, r := range list {
					if r.district == wantDistrict {
						total++
					}
				}
			}
			for _, pos := range fb.passed[b] {
				if wantDistrict == 0 || list[pos].district == wantDistrict {
					total--
				}
			}
		}
	}
	slices.SortFunc(plans, func(a, b plan) int { return cmp.Compare(b.ub, a.ub) })

	k := q.Offset + q.Limit
	h := make(topK, 0, k)
	for _, pl := range plans {
		if !q.exhaustive && len(h) >= k && h[0].score >= pl.ub {
			break // no startup left can enter the top k
		}
		shared := x.bucketParts(&c, &fb, pl.b)
		// base is what every record of the bucket scores before its own
		// parts (cheque, district, space, completeness, freshness), so that
		// a record can be dismissed by a few additions when the top k is
		// full and it cannot reach the worst of them: the bucket bound
		// prunes nothing when a thesis names nothing (every bucket ties),
		// and then this keeps the full scan cheap.
		zero := shared
		zero.Cheque, zero.District = ChequeOut, DistrictOther
		base := x.w.total(&zero)
		passed := fb.passed[pl.b]
		for pos := range x.buckets[pl.b] {
			r := &x.buckets[pl.b][pos]
			if wantDistrict != 0 && r.district != wantDistrict {
				continue
			}
			if len(passed) > 0 && slices.Contains(passed, pos) {
				continue
			}
			p := shared
			p.Cheque = chequeFit(float64(r.ask), c.lo, c.hi)
			p.District = c.districtFit(r.district)
			p.SharedSpace = c.sharesSpace(r.space)
			p.Completeness = float64(r.complete) / 255
			p.Freshness = Freshness(today - int(r.day))
			if !q.exhaustive && k > 0 && len(h) >= k {
				// The same points summed in another order, so compared
				// with a margin far above rounding error and far below
				// the smallest step a weight makes; near-ties get the
				// exact score below.
				est := base + x.w.chequePoints(p.Cheque) + x.w.districtPoints(p.District) +
					x.w.Completeness*p.Completeness + x.w.Freshness*p.Freshness
				if p.SharedSpace {
					est += x.w.SharedSpace
				}
				if est < h[0].score-1e-9 {
					continue
				}
			}
			s := x.w.total(&p)
			if len(h) < k {
				// append and sift up: heap.Push would box the entry
				h = append(h, scored{s, p, r.id})
				heap.Fix(&h, len(h)-1)
			} else if better(s, r.id, h[0].score, h[0].id) {
				h[0] = scored{s, p, r.id}
				heap.Fix(&h, 0)
			}
		}
	}
	slices.SortFunc(h, func(a, b scored) int {
		switch {
		case better(a.score, a.id, b.score, b.id):
			return -1
		case better(b.score, b.id, a.score, a.id):
			return 1
		}
		return 0
	})
	out := make([]Result, len(h))
	for i, e := range h {
		out[i] = Result{ID: hex.EncodeToString(e.id[:]), Match: Match{Score: e.score, Parts: e.p}}
	}
	if q.Offset >= len(out) {
		out = out[:0]
	} else {
		out = out[q.Offset:]
	}
	return Ranking{Results: out, Total: max(total, 0)}
}

// bucketParts returns the parts every record of bucket b shares: sector,
// stage and the investor's learned affinity.
func (x *Index) bucketParts(c *compiled, fb *learned, b int) Parts {
	sec, st := uint8(b/NumStages), uint8(b%NumStages)
	return Parts{Sector: c.sectorFit(sec, x.v.sectorFam[sec]), Stage: stageFit(st, c.stages), Affinity: fb.affinity(sec, st)}
}

// bestDistrict is the district fit worth most under the index's weights.
func (x *Index) bestDistrict() DistrictFit {
	if x.w.OpenDistrict > x.w.District {
		return DistrictOpen
	}
	return DistrictMatch
}

// better orders results: higher score first, then lower id.
func better(s float64, id [12]byte, t float64, tid [12]byte) bool {
	return s > t || (s == t && string(id[:]) < string(tid[:]))
}

// scored is a heap entry.
type scored struct {
	score float64
	p     Parts
	id    [12]byte
}

// topK is a min-heap whose root is the worst of the best k so far.
type topK []scored

func (h topK) Len() int           { return len(h) }
func (h topK) Less(i, j int) bool { return better(h[j].score, h[j].id, h[i].score, h[i].id) }
func (h topK) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *topK) Push(v any)        { *h = append(*h, v.(scored)) }
func (h *topK) Pop() any {
	old := *h
	v := old[len(old)-1]
	*h = old[:len(old)-1]
	return v
}

// learned is feedback compiled against the index.
type learned struct {
	passed   map[int][]int // bucket → positions
	sector   [256]float64
	stage    [NumStages]float64
	nSignals float64
}

// feedback compiles signals: the passed startups' places, and a net liking
// per sector and stage. Callers hold the lock.
func (x *Index) feedback(signals []Signal) learned {
	l := learned{}
	for _, sg := range signals {
		id, err := parseID(sg.StartupID)
		if err != nil {
			continue
		}
		i, ok := x.find(id)
		if !ok {
			continue
		}
		b, pos := unpack(x.table[i])
		sec, st := b/NumStages, b%NumStages
		w := 1.0
		switch sg.Action {
		case Pass:
			if l.passed == nil {
				l.passed = map[int][]int{}
			}
			l.passed[b] = append(l.passed[b], pos)
			w = -1
		case Save:
			w = 0.5
		}
		l.sector[sec] += w
		l.stage[st] += w
		l.nSignals++
	}
	return l
}

// affinity is the investor's learned liking of a sector and stage, -1..1:
// the net of their signals on that sector (and half that for the stage),
// shrunk towards zero while there are few signals.
func (l *learned) affinity(sector, stage uint8) float64 {
	if l.nSignals == 0 {
		return 0
	}
	a := (l.sector[sector] + 0.5*l.stage[stage]) / (l.nSignals + 2)
	return max(-1, min(1, a))
}

// Score scores one pair without the index's buckets: for ranking the few
// investors that fit one startup, and for explaining a single match.
func (x *Index) Score(t Thesis, s Startup, now time.Time) Match {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c := x.v.compile(t)
	sec := x.v.sectors[s.Sector]
	p := Parts{Sector: SectorNone, Stage: StageNone}
	if sec != 0 {
		p.Sector = c.sectorFit(sec, x.v.sectorFam[sec])
	} else if c.anySector {
		p.Sector = SectorOpen
	}
	if s.Stage >= 0 && s.Stage < NumStages {
		p.Stage = stageFit(uint8(s.Stage), c.stages)
	}
	p.Cheque = chequeFit(s.AskWan, c.lo, c.hi)
	// Districts and spaces compare as strings here: a pair may name codes
	// no indexed startup has used yet.
	p.District = DistrictOther
	if c.anyDistrict {
		p.District = DistrictOpen
	} else if slices.Contains(t.Districts, s.District) {
		p.District = DistrictMatch
	}
	p.SharedSpace = s.SpaceID != "" && slices.Contains(t.Spaces, s.SpaceID)
	p.Completeness = s.Completeness
	p.Freshness = Freshness(int(now.Sub(s.UpdatedAt).Hours() / 24))
	return Match{Score: x.w.total(&p), Parts: p}
}
