package stage_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// TestRecordingOfALossyPublisher: a publisher whose path loses one video
// packet in stagetest.LossEvery, each sent again when the stage asks
// (NACK), late. The recording holds every frame whole and in order, each
// the size the publisher sent; written as the packets came, a frame
// lacked its lost packet and the resent one was glued into a later frame.
func TestRecordingOfALossyPublisher(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(host, 600_000, stagetest.NewLossyPublisher)
	r.waitLive(liveWith(hostID))
	deadline := time.Now().Add(20 * time.Second)
	for p.Frames.Load() < 90 || p.Dropped() < 10 {
		if time.Now().After(deadline) {
			t.Fatalf("the publisher sent %d frames and lost %d packets", p.Frames.Load(), p.Dropped())
		}
		time.Sleep(50 * time.Millisecond)
	}
	checked := false
	for _, rec := range r.end() {
		if rec.Kind != "video" {
			continue
		}
		frames, err := readFrames(filepath.Join(r.dir, rsID, rec.File))
		if err != nil {
			t.Fatal(err)
		}
		last := int64(-1)
		for i, f := range frames {
			size, sent := p.FrameSize(f.n)
			if !sent || f.size != size || f.n <= last {
				t.Errorf("frame %d of %s: mark %d (after %d), %d bytes, sent %v with %d", i, rec.File, f.n, last, f.size, sent, size)
			}
			last = f.n
		}
		if len(frames) < 60 {
			t.Errorf("%s holds %d frames of %d sent", rec.File, len(frames), p.Frames.Load())
		}
		t.Logf("%s: %d frames of %d sent, %d packets lost on the way", rec.File, len(frames), p.Frames.Load(), p.Dropped())
		checked = true
	}
	if !checked {
		t.Fatal("no video recording")
	}
}
