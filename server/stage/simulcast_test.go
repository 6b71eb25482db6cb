package stage_test

import (
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// TestSimulcastLayerPerViewer: a publisher sending three layers; a viewer
// gets the best, and moves to another at a key frame with its packet
// numbers unbroken.
func TestSimulcastLayerPerViewer(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	const rate = 1_600_000 // f 1.6 Mb/s, h 400 kb/s, q 100 kb/s
	r.publishWith(presA, rate, stagetest.NewSimulcastPublisher)
	v, _ := r.watch(founderA)
	flowing(t, v)
	rateOf := func() float64 { // video kb/s over a second and a half
		b0, t0 := v.Got("video").Bytes, time.Now()
		time.Sleep(1500 * time.Millisecond)
		return float64(v.Got("video").Bytes-b0) * 8 / time.Since(t0).Seconds() / 1000
	}
	// A loaded machine can starve one window (a sender or receiver not
	// scheduled), so the rate is sampled until it shows the layer, a few
	// windows at most; a viewer left on the wrong layer never does.
	until := func(ok func(float64) bool) float64 {
		var got float64
		for range 6 {
			if got = rateOf(); ok(got) {
				break
			}
		}
		return got
	}
	if got := until(func(kbs float64) bool { return kbs >= 800 }); got < 800 {
		t.Fatalf("the viewer gets %.0f kb/s, not the best layer (1,600)", got)
	}
	if !stage.WantLayer(r.stage, rsID, "q") {
		t.Fatal("no layer q received")
	}
	time.Sleep(time.Second) // the switch waits for q's key frame
	if got := until(func(kbs float64) bool { return kbs <= 300 }); got > 300 {
		t.Fatalf("after choosing q the viewer gets %.0f kb/s, want about 100", got)
	}
	if c := v.Got("video"); c.Lost() > c.Expected()/100 {
		t.Fatalf("packet numbers broke at the switch: %d of %d missing", c.Lost(), c.Expected())
	}
}

// TestLayerChoice: down a layer after two lossy reports, up after ten
// quiet seconds.
func TestLayerChoice(t *testing.T) {
	now := time.Now()
	var bad int
	var good time.Time
	if got := stage.ChooseLayer(3, -1, 0, now, &bad, &good); got != 0 {
		t.Fatalf("no layer wanted: got %d, want the best (0)", got)
	}
	if got := stage.ChooseLayer(3, 0, 60, now, &bad, &good); got != 0 {
		t.Fatalf("one lossy report moved to %d", got)
	}
	if got := stage.ChooseLayer(3, 0, 60, now, &bad, &good); got != 1 {
		t.Fatalf("two lossy reports: got %d, want 1", got)
	}
	if got := stage.ChooseLayer(3, 1, 0, now, &bad, &good); got != 1 {
		t.Fatalf("first quiet report moved to %d", got)
	}
	if got := stage.ChooseLayer(3, 1, 2, now.Add(5*time.Second), &bad, &good); got != 1 {
		t.Fatalf("five quiet seconds moved to %d", got)
	}
	if got := stage.ChooseLayer(3, 1, 2, now.Add(11*time.Second), &bad, &good); got != 0 {
		t.Fatalf("eleven quiet seconds: got %d, want 0", got)
	}
	if got := stage.ChooseLayer(3, 2, 200, now, &bad, &good); got != 2 {
		t.Fatal("the lowest layer has nowhere lower to go")
	}
}

// TestPausedLayer: when the publisher stops sending the layer a viewer
// follows, the viewer turns to the best layer still coming.
func TestPausedLayer(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(presA, 1_600_000, stagetest.NewSimulcastPublisher)
	v, _ := r.watch(founderA)
	flowing(t, v)
	p.Pause("f")
	time.Sleep(300 * time.Millisecond)
	before := v.Got("video").Packets
	if err := v.WaitFor(ctxT(t, 10*time.Second), func(_, vid stagetest.Count) bool { return vid.Packets > before+60 }); err != nil {
		t.Fatalf("the viewer's video stopped with its layer: %v", err)
	}
}
