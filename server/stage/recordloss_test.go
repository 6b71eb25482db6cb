package stage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
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
	r.do(host, roadshow.End{})
	r.waitLive(liveWith())
	recs, err := r.stage.Recordings(rsID)
	if err != nil {
		t.Fatal(err)
	}
	checked := false
	for _, rec := range recs {
		if rec.Kind != "video" {
			continue
		}
		f, err := os.Open(filepath.Join(r.dir, rsID, rec.File))
		if err != nil {
			t.Fatal(err)
		}
		ivf, _, err := ivfreader.NewWith(f)
		if err != nil {
			t.Fatal(err)
		}
		last, frames := int64(-1), 0
		for {
			frame, _, err := ivf.ParseNextFrame()
			if err != nil {
				break
			}
			_, n, ok := stagetest.Mark(frame)
			size, sent := p.FrameSize(n)
			if !ok || !sent || len(frame) != size || n <= last {
				t.Errorf("frame %d of %s: mark %d (after %d), %d bytes, sent %v with %d", frames, rec.File, n, last, len(frame), sent, size)
			}
			last = n
			frames++
		}
		f.Close()
		if frames < 60 {
			t.Errorf("%s holds %d frames of %d sent", rec.File, frames, p.Frames.Load())
		}
		t.Logf("%s: %d frames of %d sent, %d packets lost on the way", rec.File, frames, p.Frames.Load(), p.Dropped())
		checked = true
	}
	if !checked {
		t.Fatalf("no video recording in %+v", recs)
	}
}
