package app

import (
	"slices"
	"sort"

	"github.com/yuechuang/yuechuang/server/domain"
)

// A startup list names at most a status and a few field values, and a page
// of it must cost the same in a city of 6,000 startups as in the demo's
// few hundred. So beside its newest-first order (readmodel_order.go) the
// model keeps facets: for each value of each indexed field, the startups
// with that value in the same order, once over every status and once per
// status. A list walks only the facet of its most selective filter; when
// that facet is exactly the list (one field, a status, or both), the page
// is a window of it and the total its length, with no walk at all. Facets
// are made with the order and kept by the same code (reorder) on every
// write, under the write lock.

// facetField is an indexed field of a startup.
type facetField uint8

const (
	byStatus facetField = iota // the status alone: value is empty
	bySector
	byStage
	byDistrict
	bySpace
	byOwner
	facetFields
)

// facetKey names one facet: the startups whose field has value and, when
// status is not empty, whose status is status. {byStatus, "", s} holds the
// startups with status s.
type facetKey struct {
	field  facetField
	value  string
	status string
}

// of returns s's value of the indexed field f.
func (f facetField) of(s *domain.Startup) string {
	switch f {
	case bySector:
		return s.Sector
	case byStage:
		return s.Stage
	case byDistrict:
		return s.District
	case bySpace:
		return s.SpaceID
	case byOwner:
		return s.OwnerID
	}
	return ""
}

// wants returns the value filter f asks of field; empty for any.
func (f facetField) wants(flt domain.StartupFilter) string {
	switch f {
	case bySector:
		return flt.Sector
	case byStage:
		return flt.Stage
	case byDistrict:
		return flt.District
	case bySpace:
		return flt.SpaceID
	case byOwner:
		return flt.OwnerID
	}
	return ""
}

// facetKeys appends to dst the keys of every facet s belongs to. An empty
// value (a startup in no space) is in no facet of its field: a filter with
// an empty value asks for no filter.
func facetKeys(dst []facetKey, s *domain.Startup) []facetKey {
	if s.Status != "" {
		dst = append(dst, facetKey{field: byStatus, status: s.Status})
	}
	for f := bySector; f < facetFields; f++ {
		v := f.of(s)
		if v == "" {
			continue
		}
		dst = append(dst, facetKey{field: f, value: v})
		if s.Status != "" {
			dst = append(dst, facetKey{field: f, value: v, status: s.Status})
		}
	}
	return dst
}

// makeFacets builds every facet from order, newest first. Callers hold
// orderMu.
func (rm *ReadModel) makeFacets() {
	rm.facets = make(map[facetKey][]*domain.Startup, 64)
	var keys []facetKey
	for _, s := range rm.order {
		keys = facetKeys(keys[:0], s)
		for _, k := range keys {
			rm.facets[k] = append(rm.facets[k], s)
		}
	}
}

// refacet moves old (nil for a new startup) to s (nil when removed) in
// every facet. Callers hold mu for writing, and the facets are made.
func (rm *ReadModel) refacet(old, s *domain.Startup) {
	var buf [1 + 2*facetFields]facetKey
	if old != nil {
		for _, k := range facetKeys(buf[:0], old) {
			if l := without(rm.facets[k], old); len(l) > 0 {
				rm.facets[k] = l
			} else {
				delete(rm.facets, k) // an owner's or a space's last startup: no empty lists kept
			}
		}
	}
	if s != nil {
		for _, k := range facetKeys(buf[:0], s) {
			rm.facets[k] = with(rm.facets[k], s)
		}
	}
}

// without returns list, newest first, less s.
func without(list []*domain.Startup, s *domain.Startup) []*domain.Startup {
	i := sort.Search(len(list), func(i int) bool { return !newer(list[i], s) })
	if i >= len(list) || list[i] != s {
		i = slices.Index(list, s) // held pointers are never changed, but be sure
	}
	if i < 0 {
		return list
	}
	return slices.Delete(list, i, i+1)
}

// with returns list, newest first, with s in its place.
func with(list []*domain.Startup, s *domain.Startup) []*domain.Startup {
	i := sort.Search(len(list), func(i int) bool { return !newer(list[i], s) })
	return slices.Insert(list, i, s)
}

// candidates returns the held startups a list with filter f need look at,
// newest first, and whether every one of them matches f (then a page is a
// window of them and the total their number). It picks the smallest facet
// that f names. Callers hold mu (a read lock is enough) and must not change
// the slice.
func (rm *ReadModel) candidates(f domain.StartupFilter) (list []*domain.Startup, exact bool) {
	list = rm.newestStartups() // makes the facets too
	named := 0
	if f.Status != "" {
		named++
		list = rm.facets[facetKey{field: byStatus, status: f.Status}]
	}
	for fld := bySector; fld < facetFields; fld++ {
		v := fld.wants(f)
		if v == "" {
			continue
		}
		named++
		if l := rm.facets[facetKey{field: fld, value: v, status: f.Status}]; len(l) <= len(list) {
			list = l // on a tie the narrower facet, which is the whole answer when f names it alone
		}
	}
	return list, f.Residency == "" && (named <= 1 || named == 2 && f.Status != "")
}
