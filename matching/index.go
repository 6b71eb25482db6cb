package matching

import (
	"cmp"
	"container/heap"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"
)

// epoch is day 0 of the index's 16-bit day counter (good until 2179).
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// rec is one startup's features, 24 bytes. Records live inside their
// sector×stage bucket, so ranking reads each bucket as one sequential run
// of memory instead of chasing slots across the heap.
type rec struct {
	id       [12]byte
	ask      float32
	day      uint16
	space    uint16
	district uint8
	complete uint8 // completeness × 255
}

// Index holds the features of the published startups, bucketed by sector
// and stage, so that ranking scores the most promising buckets first and
// stops as soon as no remaining bucket can beat the current top k. An
// open-addressing table finds a startup's record by id for updates.
// BenchmarkIndexMemory measures the bytes per startup.
//
// An Index is safe for concurrent use: many Rank and Score calls run in
// parallel; Upsert and Remove take a write lock.
type Index struct {
	mu sync.RWMutex
	w  Weights
	v  *vocab

	buckets [256 * NumStages][]rec
	// table holds (bucket+1)<<32 | position for each startup, 0 when empty,
	// with linear probing; it is kept at most 3/4 full.
	table []uint64
	live  int
	seed  maphash.Seed
}

// NewIndex returns an empty index. families maps each known sector code to
// its family code; sectors met later are added as their own family.
func NewIndex(w Weights, families map[string]string) (*Index, error) {
	if !w.Valid() {
		return nil, fmt.Errorf("matching: weights exceed a tier (max %.1f ≥ %d) or are negative", w.Max(), TierWidth)
	}
	return &Index{w: w, v: newVocab(families), table: make([]uint64, 1024), seed: maphash.MakeSeed()}, nil
}

// Len returns the number of startups in the index.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.live
}

func parseID(id string) ([12]byte, error) {
	var b [12]byte
	if len(id) != 24 {
		return b, fmt.Errorf("matching: id %q is not 24 hex digits", id)
	}
	if _, err := hex.Decode(b[:], []byte(id)); err != nil {
		return b, fmt.Errorf("matching: id %q: %w", id, err)
	}
	return b, nil
}

func entry(b int, pos int) uint64      { return uint64(b+1)<<32 | uint64(pos) }
func unpack(e uint64) (b int, pos int) { return int(e>>32) - 1, int(uint32(e)) }

func (x *Index) home(id [12]byte) int {
	return int(maphash.Bytes(x.seed, id[:]) & uint64(len(x.table)-1))
}

func (x *Index) recOf(e uint64) *rec {
	b, pos := unpack(e)
	return &x.buckets[b][pos]
}

// find returns the table position of id and whether it is there; when it
// is not, the position is where it would go. Callers hold the lock.
func (x *Index) find(id [12]byte) (int, bool) {
	mask := len(x.table) - 1
	for i := x.home(id); ; i = (i + 1) & mask {
		e := x.table[i]
		if e == 0 {
			return i, false
		}
		if x.recOf(e).id == id {
			return i, true
		}
	}
}

// grow doubles the table and re-inserts every entry.
func (x *Index) grow() {
	old := x.table
	x.table = make([]uint64, 2*len(old))
	for _, e := range old {
		if e != 0 {
			i, _ := x.find(x.recOf(e).id)
			x.table[i] = e
		}
	}
}

// deleteAt empties table position i, shifting later entries of the same
// probe run back so that lookups need no tombstones.
func (x *Index) deleteAt(i int) {
	mask := len(x.table) - 1
	j := i
	for {
		j = (j + 1) & mask
		e := x.table[j]
		if e == 0 {
			break
		}
		k := x.home(x.recOf(e).id)
		// Leave e where it is if its home lies cyclically in (i, j].
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue
		}
		x.table[i] = e
		i = j
	}
	x.table[i] = 0
}

// unbucket removes the record at (b, pos) by moving the bucket's last
// record into its place and repointing that record's table entry. The entry
// is found by its exact value on the moved record's probe path, not by id:
// while an Upsert moves a startup between buckets, its own entry still
// points at (b, pos), which now holds the moved record's id.
func (x *Index) unbucket(b, pos int) {
	list := x.buckets[b]
	last := len(list) - 1
	if pos != last {
		list[pos] = list[last]
		mask := len(x.table) - 1
		want := entry(b, last)
		for i := x.home(list[pos].id); ; i = (i + 1) & mask {
			if x.table[i] == want {
				x.table[i] = entry(b, pos)
				break
			}
		}
	}
	x.buckets[b] = list[:last]
}

// Upsert adds s or replaces what the index knows of it.
func (x *Index) Upsert(s Startup) error {
	id, err := parseID(s.ID)
	if err != nil {
		return err
	}
	if s.Stage < 0 || s.Stage >= NumStages {
		return fmt.Errorf("matching: stage %d out of range", s.Stage)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	sec, err := x.v.sector(s.Sector, "sector:"+s.Sector)
	if err != nil {
		return err
	}
	dist, err := x.v.district(s.District)
	if err != nil {
		return err
	}
	sp, err := x.v.space(s.SpaceID)
	if err != nil {
		return err
	}
	days := s.UpdatedAt.Sub(epoch).Hours() / 24
	r := rec{id: id, ask: float32(s.AskWan), day: uint16(max(0, min(days, 65535))), space: sp, district: dist,
		complete: uint8(clamp01(s.Completeness)*255 + 0.5)}
	b := int(sec)*NumStages + s.Stage

	i, found := x.find(id)
	if found {
		ob, opos := unpack(x.table[i])
		if ob == b {
			x.buckets[b][opos] = r
			return nil
		}
		x.unbucket(ob, opos)
	} else {
		x.live++
	}
	x.buckets[b] = append(x.buckets[b], r)
	x.table[i] = entry(b, len(x.buckets[b])-1)
	if 4*x.live > 3*len(x.table) {
		x.grow()
	}
	return nil
}

// Remove drops the startup with id; unknown ids are ignored.
func (x *Index) Remove(id string) {
	b, err := parseID(id)
	if err != nil {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	i, found := x.find(b)
	if !found {
		return
	}
	bk, pos := unpack(x.table[i])
	x.deleteAt(i)
	x.unbucket(bk, pos)
	x.live--
}

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
