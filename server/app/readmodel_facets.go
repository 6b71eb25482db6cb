package app

import (
	"slices"
	"sort"
	"sync"
)

// A list page must cost the same in a city (6,000 startups, 2,000
// investors, 150 spaces) as in the demo set. So the model keeps each kind
// of record it lists in list order, newest update first, and beside that
// order its facets: for each key (a field's value, for startups also per
// status) the records with that key in the same order. A list walks only
// the smallest facet its filter names; when that facet is exactly the
// answer the page is a window of it and the total its length, with no walk
// at all. The order and the facets are made by the first list after a load
// and then kept by every write (move), under the write lock.

// facets holds records of one kind newest first, and by key.
type facets[T any, K comparable] struct {
	newer func(a, b *T) bool      // list order
	keys  func(dst []K, v *T) []K // the facets v belongs to, each once
	all   []*T                    // every record, newest first; nil until made
	by    map[K][]*T              // each facet, newest first; no empty ones
}

// made returns x, made from m if it was not, under mu (lists that hold
// only the model's read lock make it). Callers hold the model's lock (a
// read lock is enough) and must not change what it holds.
func made[T any, K comparable](mu *sync.Mutex, x *facets[T, K], m map[string]*T) *facets[T, K] {
	mu.Lock()
	defer mu.Unlock()
	if x.all != nil {
		return x
	}
	all := make([]*T, 0, len(m))
	for _, v := range m {
		all = append(all, v)
	}
	slices.SortFunc(all, func(a, b *T) int {
		if x.newer(a, b) {
			return -1
		}
		return 1
	})
	x.by = make(map[K][]*T, 64)
	var keys []K
	for _, v := range all {
		keys = x.keys(keys[:0], v)
		for _, k := range keys {
			x.by[k] = append(x.by[k], v)
		}
	}
	x.all = all
	return x
}

// move keeps the order and the facets when old (nil for a new record)
// becomes v (nil when removed). Callers hold the model's write lock, so no
// list is reading them while they move; before the first list it does
// nothing.
func (x *facets[T, K]) move(old, v *T) {
	if x.all == nil {
		return
	}
	var buf [16]K
	if old != nil {
		x.all = x.without(x.all, old)
		for _, k := range x.keys(buf[:0], old) {
			if l := x.without(x.by[k], old); len(l) > 0 {
				x.by[k] = l
			} else {
				delete(x.by, k) // an owner's or a space's last record: no empty lists kept
			}
		}
	}
	if v != nil {
		x.all = x.with(x.all, v)
		for _, k := range x.keys(buf[:0], v) {
			x.by[k] = x.with(x.by[k], v)
		}
	}
}

// without returns list less v.
func (x *facets[T, K]) without(list []*T, v *T) []*T {
	i := sort.Search(len(list), func(i int) bool { return !x.newer(list[i], v) })
	if i >= len(list) || list[i] != v {
		i = slices.Index(list, v) // held pointers are never changed, but be sure
	}
	if i < 0 {
		return list
	}
	return slices.Delete(list, i, i+1)
}

// with returns list with v in its place.
func (x *facets[T, K]) with(list []*T, v *T) []*T {
	i := sort.Search(len(list), func(i int) bool { return !x.newer(list[i], v) })
	return slices.Insert(list, i, v)
}

// pick returns the facet with the fewest records among those of named
// keys, or every record when none is named.
func (x *facets[T, K]) pick(named []K) []*T {
	list := x.all
	for _, k := range named {
		if l := x.by[k]; len(l) <= len(list) {
			list = l // on a tie the later, narrower key
		}
	}
	return list
}

// window returns one page of list, where every record matches when exact,
// and the number that match; match checks the others.
func window[T any](list []*T, exact bool, match func(*T) bool, skip, size int) (page []*T, total int) {
	skip = max(skip, 0)
	if exact {
		if skip < len(list) {
			page = slices.Clone(list[skip:min(len(list), skip+size)])
		}
		return page, len(list)
	}
	for _, v := range list {
		if match(v) {
			if total >= skip && len(page) < size {
				page = append(page, v)
			}
			total++
		}
	}
	return page, total
}
