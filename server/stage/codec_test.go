package stage_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

func TestVP8Keyframe(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{[]byte{0x10, 0x10}, true},                   // S, partition 0, P clear
		{[]byte{0x10, 0x11}, false},                  // an inter frame
		{[]byte{0x00, 0x10}, false},                  // not the start of a frame
		{[]byte{0x90, 0x80, 0x81, 0x02, 0x10}, true}, // X, I with a 15-bit picture id
		{[]byte{0x90, 0xC0, 0x05, 0x07, 0x10}, true}, // X, I (7-bit), L
		{[]byte{0x90, 0xF0, 0x05, 0x07, 0x01, 0x11}, false},
		{[]byte{0x90}, false},
		{nil, false},
	} {
		if got := stage.VP8Keyframe(c.b); got != c.want {
			t.Errorf("% x: %v, want %v", c.b, got, c.want)
		}
	}
}

// TestH264PublisherLikeOBS: a publisher offering only H.264 (OBS's WHIP
// output) is answered with H.264, its viewers get H.264 from a key frame,
// and its recording is an H.264 stream; a browser offering both gets VP8
// (TestPublishWatchLeave's publisher offers pion's defaults, VP8 first
// among them).
func TestH264PublisherLikeOBS(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	ctx := ctxT(t, 20*time.Second)
	_, answer, _ := r.publishWith(host, 500_000, stagetest.NewH264Publisher)
	if !strings.Contains(answer, "H264/90000") || strings.Contains(answer, "VP8/90000") {
		t.Fatalf("the answer to an H.264-only offer:\n%s", answer)
	}
	v, _ := r.watch(hostID)
	err := v.WaitFor(ctx, func(a, vid stagetest.Count) bool { return a.Packets > 10 && vid.Packets > 30 })
	if err != nil {
		t.Fatalf("%v: audio %+v video %+v", err, v.Got("audio"), v.Got("video"))
	}
	if v.Codec("video") != webrtc.MimeTypeH264 {
		t.Fatalf("the viewer got %q", v.Codec("video"))
	}
	time.Sleep(500 * time.Millisecond)
	recs := r.end()
	var h264 *stage.Recording
	for i := range recs {
		if recs[i].Format == "h264" && recs[i].Bytes > 1000 {
			h264 = &recs[i]
		}
	}
	if h264 == nil {
		t.Fatalf("no H.264 recording in %+v", recs)
	}
	b, err := os.ReadFile(filepath.Join(r.dir, rsID, h264.File))
	if err != nil || !bytes.HasPrefix(b, []byte{0, 0, 0, 1}) {
		t.Fatalf("%s does not start with an Annex B start code (%v)", h264.File, err)
	}
}

func TestH264Keyframe(t *testing.T) {
	for _, c := range []struct {
		b    []byte
		want bool
	}{
		{[]byte{0x65, 0x88}, true},                                           // IDR
		{[]byte{0x67, 0x42}, true},                                           // SPS, before an IDR
		{[]byte{0x41, 0x9a}, false},                                          // not IDR
		{[]byte{0x7c, 0x85, 0x88}, true},                                     // FU-A starting an IDR
		{[]byte{0x7c, 0x05, 0x88}, false},                                    // FU-A, not its start
		{[]byte{0x78, 0x00, 0x02, 0x09, 0xf0, 0x00, 0x02, 0x67, 0x42}, true}, // STAP-A: AUD, SPS
		{[]byte{0x78, 0x00, 0x02, 0x09, 0xf0}, false},
		{nil, false},
	} {
		if got := stage.H264Keyframe(c.b); got != c.want {
			t.Errorf("% x: %v, want %v", c.b, got, c.want)
		}
	}
}

// TestH264ViewerJoiningGetsParameterSets: a publisher whose encoder sends
// H.264's parameter sets with its first key frame only (GStreamer's
// rtph264pay without config-interval). A viewer joining later starts at a
// key frame that is an IDR alone, which nothing can decode without them:
// the stage sends it the ones the publisher sent, first.
func TestH264ViewerJoiningGetsParameterSets(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	ctx := ctxT(t, 20*time.Second)
	p, _, _ := r.publishWith(host, 500_000, stagetest.NewH264PublisherHeadersOnce)
	for p.Frames.Load() < 15 { // past the first key frame, the only one with them
		time.Sleep(20 * time.Millisecond)
	}
	v, _ := r.watch(hostID)
	if err := v.WaitFor(ctx, func(_, vid stagetest.Count) bool { return vid.Packets > 30 }); err != nil {
		t.Fatalf("%v: video %+v", err, v.Got("video"))
	}
	first := v.FirstPayload("video")
	sps := false
	if len(first) > 0 && first[0]&0x1F == 24 { // a STAP-A: look for an SPS in it
		for i := 1; i+2 < len(first); {
			n := int(first[i])<<8 | int(first[i+1])
			sps = sps || first[i+2]&0x1F == 7
			i += 2 + n
		}
	}
	if !sps && (len(first) == 0 || first[0]&0x1F != 7) {
		t.Fatalf("the viewer's first video packet holds no SPS: % x", first[:min(len(first), 16)])
	}
}
