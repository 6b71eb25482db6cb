package matching

import "encoding/binary"

// The order a ranking keeps: the top k results (worst first, so the worst
// is replaced), with ties broken by the lower id.

// better orders results: higher score first, then lower id.
func better(s float64, id [12]byte, t float64, tid [12]byte) bool {
	return s > t || (s == t && keyOf(&id).less(keyOf(&tid)))
}

// idKey is an id as two integers that order as its bytes do.
type idKey struct {
	hi uint64
	lo uint32
}

func keyOf(id *[12]byte) idKey {
	return idKey{binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint32(id[8:])}
}

func (a idKey) less(b idKey) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

// scored is a heap entry: a record's score, id and place, 32 bytes, so
// that the heap and the final sort move little; the parts of the few
// records that make the page are made again at the end.
type scored struct {
	score float64
	key   idKey
	pos   uint32
	b     uint16
}

// beats reports whether e ranks above o.
func (e *scored) beats(o *scored) bool {
	return e.score > o.score || (e.score == o.score && e.key.less(o.key))
}

// topK holds the best k so far; once it holds k it is a min-heap whose
// root is the worst of them. Its own sift functions, not container/heap's
// interface, keep a ranking's state on the stack.
type topK []scored

// worse reports whether entry i ranks below entry j.
func (h topK) worse(i, j int) bool { return h[j].beats(&h[i]) }

// heapify puts h in heap order.
func (h topK) heapify() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h topK) down(i int) {
	for {
		j := 2*i + 1
		if j >= len(h) {
			return
		}
		if r := j + 1; r < len(h) && h.worse(r, j) {
			j = r
		}
		if !h.worse(j, i) {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}
