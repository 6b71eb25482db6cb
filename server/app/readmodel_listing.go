package app

import (
	"strconv"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Investor and space lists are answered newest update first, then by id,
// from their facets (readmodel_facets.go): an investor is in the facet of
// each sector, stage and district it lists, of its kind, of its verified
// flag and of its owner; a space in those of its level, model, district
// and owner.

// resetFacets empties the startups', investors' and spaces' orders and
// facets: the next list of each makes them. Callers hold mu for writing.
func (rm *ReadModel) resetFacets() {
	rm.startupIdx = facets[domain.Startup, facetKey]{newer: newer, keys: startupKeys}
	rm.investorIdx = facets[domain.Investor, listKey]{newer: newerInvestor, keys: investorKeys}
	rm.spaceIdx = facets[domain.Space, listKey]{newer: newerSpace, keys: spaceKeys}
}

// putSpace holds sp (owned by the model from now on). Callers hold mu.
func (rm *ReadModel) putSpace(sp *domain.Space) {
	rm.spaceIdx.move(rm.spaces[sp.ID], sp)
	rm.spaces[sp.ID] = sp
}

// listKey names one investor or space facet: a field and its value.
type listKey struct {
	field byte
	value string
}

// appendKey appends {field, v} unless v is empty or the key is there.
func appendKey(dst []listKey, field byte, v string) []listKey {
	k := listKey{field, v}
	if v == "" {
		return dst
	}
	for _, have := range dst {
		if have == k {
			return dst
		}
	}
	return append(dst, k)
}

func newerInvestor(a, b *domain.Investor) bool { return newerAt(a.UpdatedAt, a.ID, b.UpdatedAt, b.ID) }

func investorKeys(dst []listKey, inv *domain.Investor) []listKey {
	for _, v := range inv.Sectors {
		dst = appendKey(dst, 's', v)
	}
	for _, v := range inv.Stages {
		dst = appendKey(dst, 't', v)
	}
	for _, v := range inv.Districts {
		dst = appendKey(dst, 'd', v)
	}
	dst = appendKey(dst, 'k', inv.Kind)
	dst = appendKey(dst, 'v', strconv.FormatBool(inv.Verified))
	return appendKey(dst, 'o', inv.OwnerID)
}

// investorsFor is startupsFor for investors: exact when f names at most
// one field.
func (rm *ReadModel) investorsFor(f domain.InvestorFilter) (list []*domain.Investor, exact bool) {
	x := made(&rm.orderMu, &rm.investorIdx, rm.investors)
	var buf [6]listKey
	named := appendKey(buf[:0], 's', f.Sector)
	named = appendKey(named, 't', f.Stage)
	named = appendKey(named, 'd', f.District)
	named = appendKey(named, 'k', f.Kind)
	if f.Verified != nil {
		named = appendKey(named, 'v', strconv.FormatBool(*f.Verified))
	}
	named = appendKey(named, 'o', f.OwnerID)
	return x.pick(named), len(named) <= 1
}

func newerSpace(a, b *domain.Space) bool { return newerAt(a.UpdatedAt, a.ID, b.UpdatedAt, b.ID) }

func spaceKeys(dst []listKey, sp *domain.Space) []listKey {
	dst = appendKey(dst, 'l', sp.Level)
	dst = appendKey(dst, 'm', sp.Model)
	dst = appendKey(dst, 'd', sp.District)
	return appendKey(dst, 'o', sp.OwnerID)
}

// spacesFor is startupsFor for spaces: exact when f names at most one
// field.
func (rm *ReadModel) spacesFor(f domain.SpaceFilter) (list []*domain.Space, exact bool) {
	x := made(&rm.orderMu, &rm.spaceIdx, rm.spaces)
	var buf [4]listKey
	named := appendKey(buf[:0], 'l', f.Level)
	named = appendKey(named, 'm', f.Model)
	named = appendKey(named, 'd', f.District)
	named = appendKey(named, 'o', f.OwnerID)
	return x.pick(named), len(named) <= 1
}
