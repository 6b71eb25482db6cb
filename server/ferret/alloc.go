package ferret

import (
	"sync"

	"modernc.org/libc"
)

// The SQLite that FerretDB and ReadBinary run (modernc.org/sqlite) takes
// its memory from modernc.org/libc's allocator (modernc.org/memory): a
// block of up to 256 KiB comes from a 1 MiB page that blocks of its size
// class share, and that page is mapped from the OS when the class needs
// one and unmapped as soon as its last block is freed. Reading one large
// value (a settled room's record, 90 KB in its row; a notification
// bucket) makes the only block of its class in use: each such read mapped
// a fresh page, took a page fault for each 4 KiB SQLite wrote into it, and
// unmapped it when the statement was reset. On a virtual machine, where
// faults and unmaps are dear, that was most of a room's first read
// (docs/bench/record.md).
//
// pinAllocator allocates one block of each class from 4 KiB to 256 KiB
// and never frees it, so each class keeps its page: a freed block goes to
// its class's free list and the next read reuses its memory, already
// mapped and faulted in. It costs address space, and at most the 1 MiB
// page of each of the seven classes in memory, as blocks of a class are
// used. Larger blocks are mapped one by one whatever is done here.
// TestAllocatorPinned checks that the allocator still works this way.
func pinAllocator() { pinOnce.Do(pin) }

var (
	pinOnce sync.Once
	// pinned are the blocks held, by class (2^pinLow << i bytes).
	pinned [pinHigh - pinLow + 1]uintptr
)

const (
	pinLow  = 12 // 4 KiB: SQLite's page cache keeps the classes below busy
	pinHigh = 18 // 256 KiB: modernc.org/memory's largest shared class
)

func pin() {
	tls := libc.NewTLS()
	defer tls.Close()
	for i := range pinned {
		// A block of exactly 2^log bytes is the largest of class log.
		pinned[i] = libc.Xmalloc(tls, libc.Tsize_t(1)<<(pinLow+i))
	}
}
