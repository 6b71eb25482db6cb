package app

import "sync"

// viewMemo holds values computed from the read model's memory (the
// program's figures), each with the change count it was computed at.
type viewMemo struct {
	mu sync.Mutex
	m  map[string]viewEntry
}

type viewEntry struct {
	gen uint64
	v   any
}

// View returns what build computes from memory for key: computed once, and
// again only after a change has been applied since (each write and each
// dispatched change counts), so that a hot read of figures is a look-up
// while it stays exact. One build runs at a time; the others wait for it.
func (rm *ReadModel) View(key string, build func() (any, error)) (any, error) {
	rm.views.mu.Lock()
	defer rm.views.mu.Unlock()
	rm.mu.RLock()
	gen := rm.gen
	rm.mu.RUnlock()
	if e, ok := rm.views.m[key]; ok && e.gen == gen {
		return e.v, nil
	}
	// A change applied while build runs makes gen stale, so the next
	// call builds again: a view is never older than its gen says.
	v, err := build()
	if err != nil {
		return nil, err
	}
	if rm.views.m == nil {
		rm.views.m = map[string]viewEntry{}
	}
	rm.views.m[key] = viewEntry{gen: gen, v: v}
	return v, nil
}
