package app

import (
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Startup lists are answered newest update first, then by id, from the
// model's startup facets (readmodel_facets.go): for each value of each
// field below, the startups with that value, once over every status and
// once per status; and the startups of each status. A public list page
// (published, perhaps of one sector, stage, district or space) is then a
// window of one facet, and a founder's own list, a space's registry or a
// count of either walks only that owner's or that space's startups.

// newer says whether a comes before b in a startup list.
func newer(a, b *domain.Startup) bool { return newerAt(a.UpdatedAt, a.ID, b.UpdatedAt, b.ID) }

// newerAt is the order of every held list: newest update first, then by id.
func newerAt(aAt time.Time, aID string, bAt time.Time, bID string) bool {
	if !aAt.Equal(bAt) {
		return aAt.After(bAt)
	}
	return aID < bID
}

// facetField is a field of a startup with facets.
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

// facetKey names one startup facet: the startups whose field has value
// and, when status is not empty, whose status is status.
type facetKey struct {
	field  facetField
	value  string
	status string
}

// of returns s's value of field f.
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

// wants returns the value flt asks of field f; empty for any.
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

// startupKeys appends the keys of the facets s belongs to. An empty value
// (a startup in no space) is in no facet of its field: a filter with an
// empty value asks for no filter.
func startupKeys(dst []facetKey, s *domain.Startup) []facetKey {
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

// startupsFor returns the held startups a list with filter f need look
// at, newest first: the smallest facet f names, and whether every one of
// them matches f (when f names one field, a status, or both, and no
// residency). Callers hold mu (a read lock is enough) and must not change
// the slice.
func (rm *ReadModel) startupsFor(f domain.StartupFilter) (list []*domain.Startup, exact bool) {
	x := made(&rm.orderMu, &rm.startupIdx, rm.startups)
	var buf [facetFields]facetKey
	named := buf[:0]
	if f.Status != "" {
		named = append(named, facetKey{field: byStatus, status: f.Status})
	}
	for fld := bySector; fld < facetFields; fld++ {
		if v := fld.wants(f); v != "" {
			named = append(named, facetKey{field: fld, value: v, status: f.Status})
		}
	}
	return x.pick(named), f.Residency == "" && (len(named) <= 1 || len(named) == 2 && f.Status != "")
}
