package kdfproc_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// A child keeps its derivations' memory mapped: once the pool says it is
// warm, no derivation at the warm-up's costs faults in more than a small
// part of its pages, the first one included and however long the child
// was idle before. Under the runtime's defaults each of a child's first
// three derivations faulted in all of them, and later ones hundreds,
// which the scavenger had handed back to the kernel in between.
func TestChildKeepsItsMemory(t *testing.T) {
	hp := auth.HashParams{MemoryKiB: 16 << 10, Time: 1, Threads: 1}
	p, err := kdfproc.New(kdfproc.Options{Procs: 1, Warm: hp})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	select {
	case <-p.Warmed():
	case <-time.After(time.Minute):
		t.Fatal("the pool is not warm after a minute")
	}
	kids := children(os.Getpid())
	if len(kids) != 1 {
		t.Fatalf("children %v, want one", kids)
	}
	pages := int(hp.MemoryKiB) << 10 / os.Getpagesize()
	for i := range 4 {
		if i > 0 {
			// Idle, as between sign-ins: the scavenger works in the
			// background, and this gives it the time to.
			time.Sleep(300 * time.Millisecond)
		}
		before := minorFaults(t, kids[0])
		key, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt-salt-s"), hp, 32)
		if err != nil {
			t.Fatal(err)
		}
		wantKey(t, key, "pw", "salt-salt-salt-s", hp, 32)
		if n := minorFaults(t, kids[0]) - before; n > pages/8 {
			t.Errorf("derivation %d faulted in %d pages, of the %d its memory takes", i, n, pages)
		}
	}
}

// A pool without a warm-up is warm at once.
func TestWarmedWithoutWarmUp(t *testing.T) {
	p := newPool(t, 1)
	select {
	case <-p.Warmed():
	case <-time.After(time.Minute):
		t.Fatal("a pool without a warm-up is not warm after a minute")
	}
}

// minorFaults is pid's count of minor page faults (/proc/pid/stat).
func minorFaults(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	n, err := strconv.Atoi(f[7]) // minflt, the 10th field
	if err != nil {
		t.Fatalf("minflt in %q: %v", s, err)
	}
	return n
}
