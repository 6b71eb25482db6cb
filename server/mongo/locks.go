package mongo

import (
	"hash/fnv"
	"sync"
)

// stripedLocks serialises conditional writes to one document within this
// process. MongoDB makes a conditional single-document update atomic by
// itself, but the embedded FerretDB does not: in TestRefreshRotationIsAtomic
// two of eight concurrent "update where used=false" calls both matched. The
// embedded database only ever serves this one process, so an in-process lock
// per document restores the guarantee there at negligible cost elsewhere.
type stripedLocks [64]sync.Mutex

func (l *stripedLocks) lock(key string) func() {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	m := &l[h.Sum32()%uint32(len(l))]
	m.Lock()
	return m.Unlock
}
