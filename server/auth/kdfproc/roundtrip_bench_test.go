package kdfproc_test

import (
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// BenchmarkRoundTrip is a derivation asked of a warm pool of two children
// at argon2's smallest cost (8 KiB, one pass), so that what it measures is
// the road to a child and back: "spaced", requests 2 ms apart, as sign-ups
// come one by one; "back-to-back", each as the last is answered, when a
// child may still be running its collector after its last answer. It
// reports the time per derivation without the pauses (µs-working/op):
//
//	go test ./server/auth/kdfproc -run XXX -bench RoundTrip -benchtime 300x
func BenchmarkRoundTrip(b *testing.B) {
	hp := auth.HashParams{MemoryKiB: 8, Time: 1, Threads: 1}
	p, err := kdfproc.New(kdfproc.Options{Procs: 2, Warm: hp})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	<-p.Warmed()
	for _, pause := range []time.Duration{0, 2 * time.Millisecond} {
		name := "back-to-back"
		if pause > 0 {
			name = "spaced"
		}
		b.Run(name, func(b *testing.B) {
			var paused time.Duration
			for b.Loop() {
				if _, err := p.Key(b.Context(), []byte("pw"), []byte("salt-salt-salt-s"), hp, 32); err != nil {
					b.Fatal(err)
				}
				if pause > 0 {
					t0 := time.Now()
					time.Sleep(pause)
					paused += time.Since(t0)
				}
			}
			b.ReportMetric(float64((b.Elapsed()-paused).Microseconds())/float64(b.N), "µs-working/op")
		})
	}
}
