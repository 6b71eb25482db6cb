package argon2buf

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// TestSameAsXCrypto: IDKey answers as x/crypto's argon2.IDKey, byte for
// byte, for several costs, lanes and key lengths, also when its memory
// comes from the pool dirty from an earlier hash (of a larger memory, of
// the same, of another password) and when hashes run at once.
func TestSameAsXCrypto(t *testing.T) {
	type c struct {
		pw, salt  string
		time, mem uint32
		threads   uint8
		keyLen    uint32
	}
	cases := []c{
		{"correct horse battery", "saltsaltsaltsalt", 2, 19 * 1024, 1, 32}, // the server's default cost
		{"another password", "0123456789abcdef", 2, 19 * 1024, 1, 32},
		{"x", "short-salt", 1, 64, 1, 16},
		{"lanes", "saltsaltsaltsalt", 3, 256, 4, 64},
		{"", "emptypassword!!!", 1, 1024, 2, 32},
		{"big then small", "saltsaltsaltsalt", 1, 8 * 1024, 1, 32},
		{"big then small", "saltsaltsaltsalt", 1, 4 * 1024, 1, 32},
	}
	for round := range 2 {
		for i, k := range cases {
			want := argon2.IDKey([]byte(k.pw), []byte(k.salt), k.time, k.mem, k.threads, k.keyLen)
			if got := IDKey([]byte(k.pw), []byte(k.salt), k.time, k.mem, k.threads, k.keyLen); !bytes.Equal(got, want) {
				t.Fatalf("round %d case %d (%+v): %x, x/crypto %x", round, i, k, got, want)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := []byte(fmt.Sprint("concurrent ", g))
			want := argon2.IDKey(pw, []byte("saltsaltsaltsalt"), 1, 2048, 1, 32)
			for range 3 {
				if got := IDKey(pw, []byte("saltsaltsaltsalt"), 1, 2048, 1, 32); !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d: %x, want %x", g, got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// BenchmarkIDKeyHeap: a hash at the server's cost beside a live heap of a
// million small objects (about 64 MiB, pointers the collector marks),
// allocating its memory afresh (x/crypto) or from the pool; p50, p90 and
// the slowest of single hashes (docs/bench/auth.md):
//
//	go test -run '^$' -bench IDKeyHeap -benchtime 60x ./server/auth/argon2buf/
func BenchmarkIDKeyHeap(b *testing.B) {
	live := make([][]*[64]byte, 0, 1<<20) // pointers, so that the collector marks them
	for range 1 << 20 {
		live = append(live, []*[64]byte{new([64]byte)})
	}
	pw, salt := []byte("correct horse battery"), []byte("saltsaltsaltsalt")
	for _, f := range []struct {
		name string
		hash func() []byte
	}{
		{"xcrypto", func() []byte { return argon2.IDKey(pw, salt, 2, 19*1024, 1, 32) }},
		{"pooled", func() []byte { return IDKey(pw, salt, 2, 19*1024, 1, 32) }},
	} {
		b.Run(f.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				f.hash()
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.9), "p90-ms")
			b.ReportMetric(at(1), "max-ms")
		})
	}
	_ = live[len(live)-1]
}
