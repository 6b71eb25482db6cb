package matching

import (
	"encoding/hex"
	"fmt"
	"hash/maphash"
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
	// stages has bit st of sector sec's entry set when bucket sec×st
	// holds a record, so that a ranking visits only buckets that do.
	stages [256]uint8
	// table holds (bucket+1)<<32 | position for each startup, 0 when empty,
	// with linear probing; it is kept at most 3/4 full.
	table []uint64
	live  int
	seed  maphash.Seed

	t       tables
	scratch sync.Pool // *rankScratch
}

// tables hold per-record values that a scan would otherwise compute with
// a division each; they are the same float64 values the formulas give.
type tables struct {
	complete [256]float64               // stored completeness i → i/255
	fresh    [freshnessZero + 1]float64 // days → Freshness(days)
}

func newTables() tables {
	var t tables
	for i := range t.complete {
		t.complete[i] = float64(i) / 255
	}
	for d := range t.fresh {
		t.fresh[d] = Freshness(d)
	}
	return t
}

// freshness is Freshness(days) from the table.
func (t *tables) freshness(days int) float64 { return t.fresh[max(0, min(days, freshnessZero))] }

// NewIndex returns an empty index. families maps each known sector code to
// its family code; sectors met later are added as their own family.
func NewIndex(w Weights, families map[string]string) (*Index, error) {
	if !w.Valid() {
		return nil, fmt.Errorf("matching: weights exceed a tier (max %.1f ≥ %d) or are negative", w.Max(), TierWidth)
	}
	return &Index{w: w, v: newVocab(families), table: make([]uint64, 1024), seed: maphash.MakeSeed(), t: newTables()}, nil
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
	if last == 0 {
		x.stages[b/NumStages] &^= 1 << (b % NumStages)
	}
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
	x.stages[sec] |= 1 << s.Stage
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
