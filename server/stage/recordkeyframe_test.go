package stage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// TestRecordingKeyframeRequestsUnanswered: a recording, like a viewer's
// video, starts at a key frame, and a publisher sending key frames as a
// browser does (only when asked, at most one per 300 ms) may leave a
// request unanswered (dropped inside that interval, or lost). A recording
// has nobody behind it who would ask again, and a stage without viewers
// has no sink asking either: the stage must keep asking for as long as
// the recording waits. (A new slot's recording asked once; when that
// request brought nothing, the file stayed empty until the slot ended.)
func TestRecordingKeyframeRequestsUnanswered(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(host, 300_000, stagetest.NewBrowserLikePublisher)
	r.waitLive(liveWith(hostID))
	if frames, err := r.recordedFrames(ctxT(t, 20*time.Second), 0, hostID, 10); err != nil {
		t.Fatalf("slot 1's recording: %v (%d frames)", err, frames)
	}
	// The next slot starts a new recording of the host, who stays on
	// stage, and asks for a key frame: none of the next three requests is
	// answered.
	p.LeaveUnanswered(3)
	asked := p.Asked.Load()
	r.do(host, roadshow.Advance{})
	if frames, err := r.recordedFrames(ctxT(t, 20*time.Second), 1, hostID, 10); err != nil {
		t.Fatalf("slot 2's recording: %v: %d frames; the publisher was asked for %d key frames since the slot began", err, frames, p.Asked.Load()-asked)
	}
}

// recordedFrames waits until the video recording of user in slot (from 0)
// holds at least want frames, the first a key frame, and returns how many
// it held when it last looked.
func (r *room) recordedFrames(ctx context.Context, slot int, user string, want int) (int, error) {
	frames := 0
	for {
		recs, err := r.stage.Recordings(rsID)
		if err != nil {
			return 0, err
		}
		for _, rec := range recs {
			if rec.Slot == slot && rec.UserID == user && rec.Kind == "video" {
				if frames, err = countFrames(filepath.Join(r.dir, rsID, rec.File)); err != nil {
					return frames, err
				}
			}
		}
		if frames >= want {
			return frames, nil
		}
		select {
		case <-ctx.Done():
			return frames, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// countFrames counts the whole frames of an IVF file being written and
// checks that the first is a VP8 key frame.
func countFrames(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	ivf, _, err := ivfreader.NewWith(f)
	if err != nil {
		return 0, nil // its header not written yet
	}
	n := 0
	for {
		frame, _, err := ivf.ParseNextFrame()
		if err != nil {
			return n, nil // the end, or a frame being written
		}
		if n == 0 && (len(frame) == 0 || frame[0]&0x01 != 0) {
			return 0, errNotKey
		}
		n++
	}
}

var errNotKey = errors.New("the recording does not start at a key frame")
