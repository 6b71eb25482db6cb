package matching

import (
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

	// Buf, when it has room for the page, receives the results, so that a
	// caller ranking many times can reuse one array.
	Buf []Result

	exhaustive bool // score every bucket; the benchmarks' baseline
}

// Result is one ranked startup.
type Result struct {
	ID ID
	Match
}

// ID is a startup's id as the index keeps it: the 12 bytes its 24 hex
// digits spell. A ranking hands it over so, not as text, since a page's
// caller mostly needs it only to look the startup up.
type ID [12]byte

// String returns id's 24 hex digits.
func (id ID) String() string { return string(id.AppendHex(nil)) }

// AppendHex appends id's 24 hex digits to b.
func (id ID) AppendHex(b []byte) []byte { return hex.AppendEncode(b, id[:]) }

// ParseID returns the ID that s, 24 hex digits, spells.
func ParseID(s string) (ID, error) { return parseID(s) }

// Ranking is one page of results and how many startups qualified.
type Ranking struct {
	Results []Result
	Total   int
}

// rankScratch is a ranking's working memory, kept in the index's pool
// between rankings.
type rankScratch struct {
	h     topK
	plans []plan
}

// ranker is one ranking's state while it scans buckets.
type ranker struct {
	x          *Index
	c          *compiled
	fb         *learned
	today      int
	district   uint8 // only this district's records; 0 = any
	k          int
	exhaustive bool
}

// Rank returns the best startups for q.Thesis, best first, ties broken by
// id for a stable order.
func (x *Index) Rank(q Query) Ranking {
	x.mu.RLock()
	defer x.mu.RUnlock()
	c := x.v.compile(q.Thesis)
	var wantDistrict, wantSector uint8
	if q.District != "" {
		var ok bool
		if wantDistrict, ok = x.v.districts[q.District]; !ok {
			return Ranking{Results: []Result{}}
		}
	}
	if q.Sector != "" {
		var ok bool
		if wantSector, ok = x.v.sectors[q.Sector]; !ok {
			return Ranking{Results: []Result{}}
		}
	}
	fb := x.feedback(q.Feedback)
	k := q.Offset + q.Limit
	sc, _ := x.scratch.Get().(*rankScratch)
	if sc == nil {
		sc = new(rankScratch)
	}
	r := ranker{x: x, c: &c, fb: &fb, today: int(max(0, min(q.Now.Sub(epoch).Hours()/24, 65535))), district: wantDistrict,
		k: k, exhaustive: q.exhaustive}
	h := slices.Grow(sc.h[:0], k)
	var bd bucketBounds
	x.bounds(&bd, &c, wantSector, q.OnlyStage)
	total := x.total(&bd, wantDistrict, &fb)
	h = r.scanBest(h, &bd, sc, q.exhaustive)
	// Best first: the heap's root is its worst, so taking the root to the
	// end one by one sorts it in place (a top k never filled is no heap
	// yet), from the last place up to the page's first; the places before
	// the page are left unordered.
	if len(h) < k {
		h.heapify()
	}
	for end := len(h) - 1; end > 0 && end >= q.Offset; end-- {
		h[0], h[end] = h[end], h[0]
		h[:end].down(0)
	}
	page := h[min(q.Offset, len(h)):]
	out := q.Buf[:0]
	if out == nil || cap(out) < len(page) {
		out = make([]Result, 0, len(page))
	}
	for _, e := range page {
		out = append(out, Result{ID: x.buckets[e.b][e.pos].id, Match: Match{Score: e.score, Parts: r.parts(int(e.b), int(e.pos))}})
	}
	sc.h = h
	x.scratch.Put(sc)
	return Ranking{Results: out, Total: max(total, 0)}
}

// count returns how many records of bucket b qualify: in the district
// (when one is asked for) and not passed.
func (x *Index) count(b int, district uint8, fb *learned) int {
	list := x.buckets[b]
	n := len(list)
	if district != 0 {
		n = 0
		for i := range list {
			if list[i].district == district {
				n++
			}
		}
	}
	if fb.passed == nil {
		return n
	}
	for _, pos := range fb.passed[b] {
		if district == 0 || list[pos].district == district {
			n--
		}
	}
	return n
}

// bucketPoints are the points every record of a bucket shares: its tier's
// and its within-tier shared points (Weights.sharedPoints), from the parts
// they share (bucketParts).
type bucketPoints struct{ tier, shared float64 }

func (x *Index) pointsOf(shared Parts) bucketPoints {
	return bucketPoints{float64(tier(shared.Sector, shared.Stage)) * TierWidth, x.w.sharedPoints(&shared)}
}

// scan offers every qualifying record of bucket b to the top k h and
// returns it; bp is what the records all share.
func (r *ranker) scan(h topK, b int, bp bucketPoints) topK {
	x, c, k := r.x, r.c, r.k
	// The score of each record is what the bucket's records share plus
	// its own points, summed as total sums them, so a record is scored
	// with a few additions and compared with the worst of the top k
	// without making its parts.
	tierPts, sharedPts := bp.tier, bp.shared
	var passed []int
	if r.fb.passed != nil {
		passed = r.fb.passed[b]
	}
	list := x.buckets[b]
	for pos := range list {
		rc := &list[pos]
		if r.district != 0 && rc.district != r.district {
			continue
		}
		if len(passed) > 0 && slices.Contains(passed, pos) {
			continue
		}
		cheque := chequeFit(float64(rc.ask), c.lo, c.hi)
		district := c.districtFit(rc.district)
		space := c.sharesSpace(rc.space)
		complete := x.t.complete[rc.complete]
		fresh := x.t.freshness(r.today - int(rc.day))
		var score float64
		if r.exhaustive {
			// the benchmarks' baseline scores the slow way
			p := x.bucketParts(c, r.fb, b)
			p.Cheque, p.District, p.SharedSpace, p.Completeness, p.Freshness = cheque, district, space, complete, fresh
			score = x.w.total(&p)
		} else {
			score = tierPts + x.w.recordPoints(sharedPts, cheque, district, space, complete, fresh)
			if k > 0 && len(h) >= k && score < h[0].score {
				continue
			}
		}
		e := scored{score: score, key: keyOf(&rc.id), b: uint16(b), pos: uint32(pos)}
		if len(h) < k {
			// filled unordered, then made a heap once when full: nothing
			// reads its root before
			if h = append(h, e); len(h) == k {
				h.heapify()
			}
		} else if k > 0 && e.beats(&h[0]) {
			h[0] = e
			h.down(0)
		}
	}
	return h
}

// parts returns the parts of the record at (b, pos), as scan made them.
func (r *ranker) parts(b, pos int) Parts {
	x, c := r.x, r.c
	rc := &x.buckets[b][pos]
	p := x.bucketParts(c, r.fb, b)
	p.Cheque = chequeFit(float64(rc.ask), c.lo, c.hi)
	p.District = c.districtFit(rc.district)
	p.SharedSpace = c.sharesSpace(rc.space)
	p.Completeness = x.t.complete[rc.complete]
	p.Freshness = x.t.freshness(r.today - int(rc.day))
	p.Tier = tier(p.Sector, p.Stage) // as total sets it
	return p
}

// bucketParts returns the parts every record of bucket b shares: sector,
// stage and the investor's learned affinity.
func (x *Index) bucketParts(c *compiled, fb *learned, b int) Parts {
	sec, st := uint8(b/NumStages), uint8(b%NumStages)
	return Parts{Sector: c.sectorFit(sec, x.v.sectorFam[sec]), Stage: stageFit(st, c.stages), Affinity: fb.affinity(sec, st)}
}

// learned is feedback compiled against the index.
type learned struct {
	passed   map[int][]int // bucket → positions
	sector   *[256]float64 // nil without signals, so that most rankings skip 2 KB
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
		if l.sector == nil {
			l.sector = new([256]float64)
		}
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
