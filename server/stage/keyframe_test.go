package stage_test

import (
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// TestKeyframeRequestsUnanswered: a publisher sending key frames as a
// browser does (only when asked, at most one per 300 ms) whose next
// requests bring nothing (dropped inside that interval, or lost). A viewer
// joining then is sent nothing of the video until a key frame comes, so it
// never asks for one itself: the stage must keep asking while it waits.
// (video.test.mjs's viewers sometimes never played: the stage asked when a
// viewer was added, when it connected and once more a keyframeGap later,
// Chromium dropped requests that came within 300 ms of the last it
// honoured, and after those three asks nothing asked again.)
func TestKeyframeRequestsUnanswered(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _, _ := r.publishWith(presA, 300_000, stagetest.NewBrowserLikePublisher)
	r.waitLive(liveWith(founderA))
	// Joining asks three times at most (when added, when connected, and
	// the old second ask a keyframeGap later): none of those is answered.
	p.LeaveUnanswered(3)
	asked := p.Asked.Load()
	v, _ := r.watch(founderA)
	err := v.WaitFor(ctxT(t, 20*time.Second), func(_, vid stagetest.Count) bool { return vid.Keyframes > 0 && vid.Packets > 30 })
	if err != nil {
		t.Fatalf("%v: the viewer got %+v; the publisher was asked for %d key frames since it joined", err, v.Got("video"), p.Asked.Load()-asked)
	}
}
