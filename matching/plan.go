package matching

import (
	"cmp"
	"math/bits"
	"slices"
)

// The order in which a ranking scans buckets: best bound first, so that it
// can stop when no bucket left can enter the top k.

// boundSlack absorbs the rounding by which a bound, summed in another
// order than a score, could fall below the score it bounds; it is far
// below the smallest step a weight makes.
const boundSlack = 1e-9

// bucketBounds give each bucket's bound without scoring it: the tier
// splits into a sector half (2 tiers for a sector that counts as exact)
// and a stage half (1 tier for such a stage), so a bucket's bound is its
// sector's term plus its stage's term plus its feedback term plus the best
// that every record could add on its own.
//
// A sector's term takes one of three values and a stage's one of four, so
// without feedback the buckets fall into at most twelve groups of equal
// bounds: the ranking takes the groups best first and a group's buckets in
// any order. Ordering every bucket (a heap) cost more than the scan it
// planned at a few hundred startups, where most buckets hold one or two.
// Feedback gives each bucket its own bound, and the buckets are sorted.
type bucketBounds struct {
	sector [256]float64
	stage  [NumStages]float64
	rest   float64
	// the sectors and stages asked for, by class (0 the best): class i's
	// sectors are secs[secAt[i]:secAt[i+1]], its stages sts[stAt[i]:stAt[i+1]]
	secs  [256]uint8
	secAt [4]int
	sts   [NumStages]uint8
	stAt  [5]int
	// stMask has the stages of class i as bits (stMask[4]: every class's)
	stMask [5]uint8
	all    bool // every sector and stage asked for
}

// bounds sets bd for thesis c, the sector asked for (0: any) and the stage
// (0: any, else stage+1).
func (x *Index) bounds(bd *bucketBounds, c *compiled, sector uint8, onlyStage int) {
	w := &x.w
	var secClass [256]uint8
	for sec := 1; sec < len(x.v.sectorFam); sec++ {
		switch c.sectorFit(uint8(sec), x.v.sectorFam[sec]) {
		case SectorExact, SectorOpen:
			bd.sector[sec] = 2 * TierWidth
		case SectorFamily:
			bd.sector[sec], secClass[sec] = w.FamilySector, 1
		default:
			secClass[sec] = 2
		}
	}
	n := 0
	for class := range uint8(3) {
		bd.secAt[class] = n
		for sec := 1; sec < len(x.v.sectorFam); sec++ {
			if secClass[sec] == class && (sector == 0 || sector == uint8(sec)) {
				bd.secs[n] = uint8(sec)
				n++
			}
		}
	}
	bd.secAt[3] = n
	var stClass [NumStages]uint8
	for st := range bd.stage {
		switch stageFit(uint8(st), c.stages) {
		case StageExact, StageOpen:
			bd.stage[st] = TierWidth
		case StageNear:
			bd.stage[st], stClass[st] = w.StageNear, 1
		case StageFar:
			bd.stage[st], stClass[st] = w.StageFar, 2
		default:
			stClass[st] = 3
		}
	}
	n = 0
	for class := range uint8(4) {
		bd.stAt[class] = n
		for st := range NumStages {
			if stClass[st] == class && (onlyStage == 0 || onlyStage-1 == st) {
				bd.sts[n] = uint8(st)
				bd.stMask[class] |= 1 << st
				n++
			}
		}
	}
	bd.stAt[4] = n
	bd.stMask[4] = bd.stMask[0] | bd.stMask[1] | bd.stMask[2] | bd.stMask[3]
	bd.all = sector == 0 && onlyStage == 0
	bd.rest = max(w.chequePoints(ChequeIn), w.chequePoints(ChequeNear), w.chequePoints(ChequeUnknown)) +
		max(w.District, w.OpenDistrict) + w.SharedSpace + w.Completeness + w.Freshness
}

// of returns the best score a record of bucket b could get.
func (bd *bucketBounds) of(w *Weights, fb *learned, b int) float64 {
	sec, st := uint8(b/NumStages), uint8(b%NumStages)
	return bd.sector[sec] + bd.stage[st] + bd.rest + w.Feedback*(1+max(-1, min(1, fb.affinity(sec, st))))/2
}

// group is one group of buckets: its sectors' and stages' classes and the
// best bound of its buckets.
type group struct {
	ub          float64
	secCl, stCl uint8
}

// groups returns the non-empty groups, best first, for a ranking without
// feedback: a group's bound is each of its buckets'.
func (bd *bucketBounds) groups(dst *[12]group, w *Weights) []group {
	n := 0
	for sc := range uint8(3) {
		if bd.secAt[sc] == bd.secAt[sc+1] {
			continue
		}
		for stc := range uint8(4) {
			if bd.stAt[stc] == bd.stAt[stc+1] {
				continue
			}
			// as of sums it for the group's first bucket (no feedback: affinity 0)
			ub := bd.sector[bd.secs[bd.secAt[sc]]] + bd.stage[bd.sts[bd.stAt[stc]]] + bd.rest + w.Feedback/2
			j := n
			for ; j > 0 && dst[j-1].ub < ub; j-- {
				dst[j] = dst[j-1]
			}
			dst[j] = group{ub: ub, secCl: sc, stCl: stc}
			n++
		}
	}
	return dst[:n]
}

// total returns how many records of the buckets asked for qualify.
func (x *Index) total(bd *bucketBounds, district uint8, fb *learned) int {
	if bd.all && district == 0 {
		// every record, less the passed ones
		n := x.live
		for _, ps := range fb.passed {
			n -= len(ps)
		}
		return n
	}
	n := 0
	for _, sec := range bd.secs[:bd.secAt[3]] {
		for m := x.stages[sec] & bd.stMask[4]; m != 0; m &= m - 1 {
			n += x.count(int(sec)*NumStages+bits.TrailingZeros8(m), district, fb)
		}
	}
	return n
}

// plan is a bucket and the best score any record in it could get.
type plan struct {
	ub float64
	b  int
}

// scanBest offers the records of the buckets asked for to the top k h,
// best bucket first, until no bucket left can enter it, and returns it.
func (r *ranker) scanBest(h topK, bd *bucketBounds, sc *rankScratch, exhaustive bool) topK {
	x, k := r.x, r.k
	prune := !exhaustive && k > 0
	if r.fb.nSignals > 0 {
		// Feedback makes every bucket's bound its own: sorted, since a
		// bucket taken out of order can cost a whole bucket's scan at a
		// city's size.
		plans := sc.plans[:0]
		for _, sec := range bd.secs[:bd.secAt[3]] {
			for m := x.stages[sec] & bd.stMask[4]; m != 0; m &= m - 1 {
				b := int(sec)*NumStages + bits.TrailingZeros8(m)
				plans = append(plans, plan{ub: bd.of(&x.w, r.fb, b), b: b})
			}
		}
		sc.plans = plans
		slices.SortFunc(plans, func(a, b plan) int { return cmp.Compare(b.ub, a.ub) })
		for _, p := range plans {
			if prune && len(h) >= k && h[0].score > p.ub+boundSlack {
				break // no startup left can enter the top k
			}
			h = r.scan(h, p.b, x.pointsOf(x.bucketParts(r.c, r.fb, p.b)))
		}
		return h
	}
	// Without feedback every bucket's bound is its group's, and so are
	// the points its records share: a group's sectors fit alike (exact,
	// or open when the thesis names none; related; or neither), and so do
	// its stages. Only the buckets that hold records are visited
	// (Index.stages).
	var gs [12]group
	for _, g := range bd.groups(&gs, &x.w) {
		first := int(bd.secs[bd.secAt[g.secCl]])*NumStages + int(bd.sts[bd.stAt[g.stCl]])
		bp := x.pointsOf(x.bucketParts(r.c, r.fb, first))
		for _, sec := range bd.secs[bd.secAt[g.secCl]:bd.secAt[g.secCl+1]] {
			for m := x.stages[sec] & bd.stMask[g.stCl]; m != 0; m &= m - 1 {
				b := int(sec)*NumStages + bits.TrailingZeros8(m)
				if prune && len(h) >= k && h[0].score > g.ub+boundSlack {
					return h // no startup left can enter the top k
				}
				h = r.scan(h, b, bp)
			}
		}
	}
	return h
}
