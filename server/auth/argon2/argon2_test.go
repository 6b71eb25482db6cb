package argon2

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	xargon2 "golang.org/x/crypto/argon2"
)

// garble fills every kept memory of p with noise, as a hash of other
// inputs leaves it, only harder to get right by chance.
func garble(p *Pool, r *rand.Rand) {
	var kept [][]block
	for len(p.free) > 0 {
		B := <-p.free
		for i := range B {
			for j := range B[i] {
				B[i][j] = r.Uint64()
			}
		}
		kept = append(kept, B)
	}
	for _, B := range kept {
		p.put(B)
	}
}

// Every result is x/crypto's, for each cost, whatever memory it was
// computed in: fresh, kept from a hash of other inputs, kept from a hash
// of another cost, or filled with noise.
func TestIDKeyIsXCrypto(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	p := NewPool(1)
	for _, c := range []struct {
		time, memory uint32
		threads      uint8
		keyLen       uint32
	}{
		{1, 8, 1, 32}, {2, 64, 1, 32}, {3, 64, 2, 16}, {1, 256, 4, 64}, {2, 1024, 1, 32},
		{2, 19 * 1024, 1, 32},              // the server's cost
		{4, 512, 3, 100}, {2, 1000, 1, 32}, // a memory that is not a multiple of 4·threads
	} {
		for i := range 3 {
			pw, salt := []byte(fmt.Sprintf("password %d", r.Int())), []byte(fmt.Sprintf("salt-%d-%d", i, r.Int()))
			want := xargon2.IDKey(pw, salt, c.time, c.memory, c.threads, c.keyLen)
			if i == 2 {
				garble(p, r)
			}
			if got := p.IDKey(pw, salt, c.time, c.memory, c.threads, c.keyLen); !bytes.Equal(got, want) {
				t.Fatalf("t=%d m=%d p=%d len=%d, hash %d: %x, x/crypto %x", c.time, c.memory, c.threads, c.keyLen, i, got, want)
			}
		}
	}
}

// Hashes at once each have their own memory: one hash never writes
// another's blocks.
func TestIDKeyConcurrent(t *testing.T) {
	p := NewPool(2)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 4 {
				pw, salt := []byte(fmt.Sprintf("pw-%d-%d", g, i)), []byte(fmt.Sprintf("salt-%d-%d", g, i))
				if got, want := p.IDKey(pw, salt, 2, 512, 1, 32), xargon2.IDKey(pw, salt, 2, 512, 1, 32); !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d hash %d: %x, want %x", g, i, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A hash whose memory was kept allocates next to nothing, where x/crypto
// allocates the whole memory (19 MiB at the server's cost) each time.
func TestIDKeyKeepsItsMemory(t *testing.T) {
	const memory = 4 * 1024 // KiB
	p := NewPool(1)
	allocated := func(hash func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		hash()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	pw, salt := []byte("Kuaiji-Shan-2026!"), []byte("0123456789abcdef")
	first := allocated(func() { p.IDKey(pw, salt, 2, memory, 1, 32) })
	next := allocated(func() { p.IDKey(pw, salt, 2, memory, 1, 32) })
	x := allocated(func() { xargon2.IDKey(pw, salt, 2, memory, 1, 32) })
	t.Logf("allocated: first hash %d B, next %d B, x/crypto %d B", first, next, x)
	if first < memory*1024 || x < memory*1024 {
		t.Fatalf("the first hash allocated %d B and x/crypto's %d B, both at least the memory (%d B) expected", first, x, memory*1024)
	}
	if next >= 64*1024 {
		t.Fatalf("a hash in kept memory allocated %d B", next)
	}
}
