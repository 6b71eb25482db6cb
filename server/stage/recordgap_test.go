package stage_test

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// TestRecordingResumesAtKeyframe: video the host holds off and lets go
// again is recorded from a key frame on, as viewers get it: a recording
// that went on at the next packet wrote frames that depend on frames it
// never received (a broken stretch of the file until the next key frame,
// which a browser sends only when asked). The first request after the
// resumption brings nothing, so the recording must keep asking while it
// waits, by the viewers' rule.
func TestRecordingResumesAtKeyframe(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(host, 300_000, stagetest.NewBrowserLikePublisher)
	r.waitLive(liveWith(hostID))
	ctx := ctxT(t, 40*time.Second)
	if frames, err := r.recorded(ctx, 0, hostID, func(f []recFrame) bool { return len(f) >= 10 }); err != nil {
		t.Fatalf("before the hold: %v (%d frames)", err, len(frames))
	}

	off, on := false, true
	r.do(host, roadshow.SetMedia{UserID: hostID, Video: &off})
	r.waitLive(func(l []roadshow.LivePublisher) bool { return len(l) == 1 && !l[0].Video })
	// Every frame sent from now on is received after the hold began: none
	// of the next 30 is recorded.
	held := p.Frames.Load()
	for p.Frames.Load() < held+30 {
		if ctx.Err() != nil {
			t.Fatalf("the publisher sent %d frames while held off", p.Frames.Load()-held)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.LeaveUnanswered(1)
	r.do(host, roadshow.SetMedia{UserID: hostID, Video: &on})
	r.waitLive(liveWith(hostID))

	// Frames from after the hold, once the recording holds ten.
	resumed := func(f []recFrame) int {
		n := 0
		for _, x := range f {
			if x.n >= held+30 {
				n++
			}
		}
		return n
	}
	frames, err := r.recorded(ctx, 0, hostID, func(f []recFrame) bool { return resumed(f) >= 10 })
	if err != nil {
		t.Fatalf("after the hold: %v; the recording holds %s", err, describe(frames))
	}
	if err := startsAtKeyframes(frames); err != nil {
		t.Fatalf("%v; the recording holds %s", err, describe(frames))
	}
	gap := false
	for i := 1; i < len(frames); i++ {
		gap = gap || frames[i-1].n < held && frames[i].n >= held+30
	}
	if !gap {
		t.Fatalf("frames %d to %d, sent while held off, were recorded: %s", held, held+29, describe(frames))
	}
	t.Log(describe(frames))
}

// TestRecordingFollowsTheFlowingLayer: when the browser pauses the
// simulcast layer a recording follows (it stops sending its best layer
// under congestion), the recording turns to the best layer still coming,
// as viewers do (TestPausedLayer), and goes on from that layer's key
// frame. It used to stay with the paused layer, and record nothing more.
func TestRecordingFollowsTheFlowingLayer(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(presA, 800_000, stagetest.NewSimulcastPublisher)
	r.waitLive(liveWith(founderA))
	ctx := ctxT(t, 40*time.Second)
	count := func(f []recFrame, rid string) int {
		n := 0
		for _, x := range f {
			if x.rid == rid {
				n++
			}
		}
		return n
	}
	frames, err := r.recorded(ctx, 0, founderA, func(f []recFrame) bool { return count(f, "f") >= 10 })
	if err != nil {
		t.Fatalf("before the pause: %v; the recording holds %s", err, describe(frames))
	}

	p.Pause("f")
	// What the recording holds once it has frames of another layer
	// after its last of f.
	after := func(f []recFrame) int {
		n := 0
		for i := len(f) - 1; i >= 0 && f[i].rid != "f"; i-- {
			n++
		}
		return n
	}
	frames, err = r.recorded(ctx, 0, founderA, func(f []recFrame) bool { return after(f) >= 30 })
	if err != nil {
		t.Fatalf("after layer f paused: %v; the recording holds %s", err, describe(frames))
	}
	if err := startsAtKeyframes(frames); err != nil {
		t.Fatalf("%v; the recording holds %s", err, describe(frames))
	}
	if rid := frames[len(frames)-1].rid; rid != "h" {
		t.Fatalf("the recording went on with layer %q, not the best still coming (h): %s", rid, describe(frames))
	}
	t.Log(describe(frames))
}

// recFrame is one frame of a video recording, as the test publisher
// marked it (stagetest.Mark).
type recFrame struct {
	key  bool
	rid  string
	n    int64
	size int // bytes
}

// lossGap is how many frame numbers a recording may skip without that
// counting as a gap: packets lost on a loaded machine skip a frame or
// two, which this file's tests do not judge; the gaps they make skip 30.
const lossGap = 5

// startsAtKeyframes checks that a recording starts at a key frame and
// that after every gap (frames skipped, another layer) the next frame is
// a key frame: no frame is written that depends on frames not recorded.
func startsAtKeyframes(f []recFrame) error {
	for i, x := range f {
		if i == 0 {
			if !x.key {
				return fmt.Errorf("the recording starts with an inter frame (%s%d)", x.rid, x.n)
			}
			continue
		}
		prev := f[i-1]
		continues := x.rid == prev.rid && x.n > prev.n && x.n-prev.n <= lossGap
		if !continues && !x.key {
			return fmt.Errorf("frame %d (%s%d) follows %s%d but is not a key frame", i, x.rid, x.n, prev.rid, prev.n)
		}
	}
	return nil
}

// describe sums frames up: each run of one layer's consecutive frames
// (the layer, a single stream's is "", and the first and last frame
// numbers), with the numbers of its key frames.
func describe(f []recFrame) string {
	s := fmt.Sprintf("%d frames:", len(f))
	var keys []string
	for i, x := range f {
		if i == 0 || x.rid != f[i-1].rid || x.n-f[i-1].n != 1 {
			s += fmt.Sprintf(" %s%d", x.rid, x.n)
		}
		if x.key {
			keys = append(keys, fmt.Sprint(x.n))
		}
		if i == len(f)-1 || f[i+1].rid != x.rid || f[i+1].n-x.n != 1 {
			s += fmt.Sprintf("-%d (key frames %s)", x.n, cmp.Or(strings.Join(keys, " "), "none"))
			keys = nil
		}
	}
	return s
}

// recorded waits until the newest video recording of user in slot (from
// 0) holds frames that done accepts, and returns them (those it last
// read, on failure).
func (r *room) recorded(ctx context.Context, slot int, user string, done func([]recFrame) bool) ([]recFrame, error) {
	var frames []recFrame
	for {
		recs, err := r.stage.Recordings(rsID)
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			if rec.Slot == slot && rec.UserID == user && rec.Kind == "video" {
				if frames, err = readFrames(filepath.Join(r.dir, rsID, rec.File)); err != nil {
					return frames, err
				}
			}
		}
		if done(frames) {
			return frames, nil
		}
		select {
		case <-ctx.Done():
			return frames, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// readFrames reads the whole frames of an IVF file being written.
func readFrames(path string) ([]recFrame, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ivf, _, err := ivfreader.NewWith(f)
	if err != nil {
		return nil, nil // its header not written yet
	}
	var out []recFrame
	for {
		frame, _, err := ivf.ParseNextFrame()
		if err != nil {
			return out, nil // the end, or a frame being written
		}
		rid, n, ok := stagetest.Mark(frame)
		if !ok {
			return out, fmt.Errorf("frame %d of %s is not one the publisher sent (%d bytes)", len(out), path, len(frame))
		}
		out = append(out, recFrame{key: frame[0]&0x01 == 0, rid: rid, n: n, size: len(frame)})
	}
}
