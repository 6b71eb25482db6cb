package app

import (
	"slices"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Startup lists are answered newest update first, then by id. The model
// keeps its startups in that order, so that a list page walks the held
// order and takes its window instead of sorting every match on each call
// (a public list page at city size sorted 3,000 published startups per
// call). The order is made by the first list after a load and then kept by
// each write.

// newer says whether a comes before b in a startup list.
func newer(a, b *domain.Startup) bool {
	if !a.UpdatedAt.Equal(b.UpdatedAt) {
		return a.UpdatedAt.After(b.UpdatedAt)
	}
	return a.ID < b.ID
}

// newestStartups returns every startup held, newest first, and makes the
// facets (readmodel_facets.go) with the order. Callers hold mu (a read lock
// is enough) and must not change the slice.
func (rm *ReadModel) newestStartups() []*domain.Startup {
	rm.orderMu.Lock()
	defer rm.orderMu.Unlock()
	if rm.order == nil {
		rm.order = make([]*domain.Startup, 0, len(rm.startups))
		for _, s := range rm.startups {
			rm.order = append(rm.order, s)
		}
		slices.SortFunc(rm.order, func(a, b *domain.Startup) int {
			if newer(a, b) {
				return -1
			}
			return 1
		})
		rm.makeFacets()
	}
	return rm.order
}

// reorder keeps the held order and the facets when old (nil for a new
// startup) becomes s (nil when removed). Callers hold mu for writing, so no
// list is reading them while they move.
func (rm *ReadModel) reorder(old, s *domain.Startup) {
	if rm.order == nil { // made by the next list
		return
	}
	if old != nil {
		rm.order = without(rm.order, old)
	}
	if s != nil {
		rm.order = with(rm.order, s)
	}
	rm.refacet(old, s)
}
