package stage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

const rsID = "6b0000000000000000000001"

var (
	hostID    = "6b00000000000000000000a1"
	founderA  = "6b00000000000000000000a2"
	founderB  = "6b00000000000000000000a3"
	viewerID  = "6b00000000000000000000a4"
	speakerID = "6b00000000000000000000a5"
	agenda    = &domain.Roadshow{ID: rsID, OwnerID: hostID, Slots: []domain.Slot{
		{StartupID: "s1", StartupName: "越芯", OwnerID: founderA, Minutes: 10},
		{StartupID: "s2", StartupName: "兰亭", OwnerID: founderB, Minutes: 10},
	}}
	host    = roadshow.Peer{UserID: hostID, Name: "主持人", Host: true}
	presA   = roadshow.Peer{UserID: founderA, Name: "陈", Presenter: true}
	presB   = roadshow.Peer{UserID: founderB, Name: "王", Presenter: true}
	viewer  = roadshow.Peer{UserID: viewerID, Name: "观众"}
	speaker = roadshow.Peer{UserID: speakerID, Name: "举手者"}
)

// room is a roadshow room's log as the stage sees it: commands decided and
// folded as the live room does, the rules told to the stage after each.
type room struct {
	t     *testing.T
	st    *roadshow.State
	stage *stage.Stage
	dir   string

	mu   sync.Mutex
	live []roadshow.LivePublisher
}

func newRoom(t *testing.T) *room {
	t.Helper()
	r := &room{t: t, st: roadshow.NewState(), dir: t.TempDir()}
	s, err := stage.New(stage.Config{RecordDir: r.dir, OnLive: func(id string, live []roadshow.LivePublisher) {
		r.mu.Lock()
		r.live = live
		r.mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	r.stage = s
	t.Cleanup(s.Close)
	return r
}

func (r *room) do(p roadshow.Peer, c roadshow.Command) {
	r.t.Helper()
	d, refusal := roadshow.Decide(r.st, agenda, p, c, time.Now())
	if refusal != nil {
		r.t.Fatalf("%T: %v", c, refusal)
	}
	for _, e := range d.Events {
		r.st.Apply(roadshow.Logged{Seq: r.st.Seq + 1, At: time.Now(), UserID: p.UserID, UserName: p.Name, Event: e})
	}
	r.stage.Rules(rsID, r.st.Rules(agenda))
}

func (r *room) rules() *roadshow.StageRules { return r.st.Rules(agenda) }

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// publish puts who on stage with a generated stream at bitrate.
func (r *room) publish(who roadshow.Peer, bitrate int) (*stagetest.Publisher, string) {
	r.t.Helper()
	p, _, session := r.publishWith(who, bitrate, stagetest.NewPublisher)
	return p, session
}

// publishWith puts who on stage with the publisher newPub makes (plain,
// simulcast or H.264-only) and returns the server's answer too.
func (r *room) publishWith(who roadshow.Peer, bitrate int, newPub func(context.Context) (*stagetest.Publisher, error)) (p *stagetest.Publisher, answer, session string) {
	r.t.Helper()
	ctx := ctxT(r.t, 20*time.Second)
	p, err := newPub(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(p.Close)
	answer, session, err = r.stage.Publish(ctx, rsID, who, r.rules(), p.Offer)
	if err != nil {
		r.t.Fatalf("publish as %s: %v", who.Name, err)
	}
	if err := p.Start(answer, bitrate); err != nil {
		r.t.Fatal(err)
	}
	return p, answer, session
}

func (r *room) watch(publisher string) (*stagetest.Viewer, string) {
	r.t.Helper()
	return r.watchAs(publisher, viewer)
}

func (r *room) watchAs(publisher string, who roadshow.Peer) (*stagetest.Viewer, string) {
	r.t.Helper()
	v, session, err := r.tryWatchAs(publisher, who)
	if err != nil {
		r.t.Fatalf("watch %s: %v", publisher, err)
	}
	return v, session
}

func (r *room) tryWatch(publisher string) (*stagetest.Viewer, string, error) {
	return r.tryWatchAs(publisher, viewer)
}

func (r *room) tryWatchAs(publisher string, who roadshow.Peer) (*stagetest.Viewer, string, error) {
	ctx := ctxT(r.t, 20*time.Second)
	v, err := stagetest.NewViewer(ctx)
	if err != nil {
		return nil, "", err
	}
	r.t.Cleanup(v.Close)
	answer, session, err := r.stage.Watch(ctx, rsID, publisher, who, v.Offer)
	if err != nil {
		return nil, "", err
	}
	return v, session, v.Start(answer)
}

// waitLive waits until the stage's publishers are as want says.
func (r *room) waitLive(want func([]roadshow.LivePublisher) bool) []roadshow.LivePublisher {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r.mu.Lock()
		live := slices.Clone(r.live)
		r.mu.Unlock()
		if want(live) {
			return live
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("the stage's publishers stayed %+v", live)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func liveWith(ids ...string) func([]roadshow.LivePublisher) bool {
	return func(l []roadshow.LivePublisher) bool {
		if len(l) != len(ids) {
			return false
		}
		for _, p := range l {
			if !slices.Contains(ids, p.UserID) || !p.Audio || !p.Video {
				return false
			}
		}
		return true
	}
}

// flowing waits until v receives video key frames and audio.
func flowing(t *testing.T, v *stagetest.Viewer) {
	t.Helper()
	err := v.WaitFor(ctxT(t, 20*time.Second), func(a, vid stagetest.Count) bool {
		return a.Packets > 10 && vid.Packets > 30 && vid.Keyframes > 0
	})
	if err != nil {
		t.Fatalf("%v (audio %+v, video %+v)", err, v.Got("audio"), v.Got("video"))
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func TestPublishWatchLeave(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	_, pubSession := r.publish(presA, 500_000)
	r.waitLive(liveWith(founderA))
	v, viewSession := r.watch(founderA)
	flowing(t, v)
	if v.StreamID() != founderA {
		t.Errorf("stream id %q, want the publisher's user id", v.StreamID())
	}
	v2, _ := r.watch(founderA)
	flowing(t, v2)
	if p, n := stage.Sessions(r.stage, rsID); p != 1 || n != 2 {
		t.Fatalf("publishers %d viewers %d, want 1 and 2", p, n)
	}

	// A viewer leaves: the other keeps receiving.
	if err := r.stage.Hangup(rsID, viewSession); err != nil {
		t.Fatal(err)
	}
	waitSessions(t, r.stage, 1, 1)
	before := v2.Got("video").Packets
	if err := v2.WaitFor(ctxT(t, 10*time.Second), func(_, vid stagetest.Count) bool { return vid.Packets > before+30 }); err != nil {
		t.Fatal(err)
	}

	// The publisher leaves: the stage empties and its viewers are closed.
	if err := r.stage.Hangup(rsID, pubSession); err != nil {
		t.Fatal(err)
	}
	r.waitLive(liveWith())
	waitClosed(t, v2.PC)
	if _, _, err := r.tryWatch(founderA); err == nil {
		t.Fatal("watched a publisher who left")
	} else {
		wantCode(t, err, "not_on_stage")
	}
	if err := r.stage.Hangup(rsID, pubSession); err == nil {
		t.Fatal("hung up a session twice")
	}
}

func waitSessions(t *testing.T, s *stage.Stage, pubs, viewers int) {
	t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	for {
		p, v := stage.Sessions(s, rsID)
		if p == pubs && v == viewers {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("publishers %d viewers %d, want %d and %d", p, v, pubs, viewers)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitClosed waits until the server has closed a client's connection.
func waitClosed(t *testing.T, pc *webrtc.PeerConnection) {
	t.Helper()
	deadline := time.Now().Add(25 * time.Second)
	for {
		switch pc.ConnectionState() {
		case webrtc.PeerConnectionStateClosed, webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateDisconnected:
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the connection is still %s", pc.ConnectionState())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestOnlyThoseOnStagePublish(t *testing.T) {
	r := newRoom(t)
	ctx := ctxT(t, 20*time.Second)
	p, err := stagetest.NewPublisher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	try := func(who roadshow.Peer) error {
		_, _, err := r.stage.Publish(ctx, rsID, who, r.rules(), p.Offer)
		return err
	}
	wantCode(t, try(presA), "not_live") // before the start, nobody
	r.do(host, roadshow.Start{})
	wantCode(t, try(viewer), "stage_forbidden")
	wantCode(t, try(roadshow.Peer{}), "forbidden") // a guest
	wantCode(t, try(presB), "stage_forbidden")     // a presenter of another slot
	if p, v := stage.Sessions(r.stage, rsID); p+v != 0 {
		t.Fatalf("refused publishers left %d sessions", p+v)
	}
	// A bad offer from someone who may publish.
	_, _, err = r.stage.Publish(ctx, rsID, host, r.rules(), "not sdp")
	wantCode(t, err, "bad_offer")
}

func TestPublisherDrop(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	p, _ := r.publish(presA, 300_000)
	v, _ := r.watch(founderA)
	flowing(t, v)
	// The presenter's browser goes away without hanging up.
	_ = p.PC.Close()
	r.waitLive(liveWith())
	waitClosed(t, v.PC)
	waitSessions(t, r.stage, 0, 0)
}

func TestViewerDrop(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)
	v, _ := r.watch(founderA)
	v2, _ := r.watch(founderA)
	flowing(t, v)
	flowing(t, v2)
	_ = v.PC.Close()
	waitSessions(t, r.stage, 1, 1)
	before := v2.Got("video").Packets
	if err := v2.WaitFor(ctxT(t, 10*time.Second), func(_, vid stagetest.Count) bool { return vid.Packets > before+30 }); err != nil {
		t.Fatal(err)
	}
}

// TestFiftyViewers has fifty viewers on one publisher, all in this process
// with the server: everyone receives the video from a key frame on.
func TestFiftyViewers(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)
	const n = 50
	vs := make([]*stagetest.Viewer, n)
	for i := range vs {
		who := roadshow.Peer{UserID: fmt.Sprintf("6b00000000000000000010%02x", i), Name: fmt.Sprint("观众", i)}
		if i%10 == 0 {
			who = roadshow.Peer{} // some guests, in a public room
		}
		vs[i], _ = r.watchAs(founderA, who)
	}
	for _, v := range vs {
		flowing(t, v)
	}
	waitSessions(t, r.stage, 1, n)
	var lost, expected int64
	for _, v := range vs {
		c := v.Got("video")
		lost, expected = lost+c.Lost(), expected+c.Expected()
	}
	t.Logf("%d viewers: %d of %d video packets lost (loaded shared machine; the benchmark measures loss)", n, lost, expected)
}

func TestHostBringsSpeakerOnStageAndTakesThemOff(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)

	// Raised hand: not yet on stage.
	ctx := ctxT(t, 20*time.Second)
	p, err := stagetest.NewPublisher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, _, err = r.stage.Publish(ctx, rsID, speaker, r.rules(), p.Offer)
	wantCode(t, err, "stage_forbidden")

	r.do(host, roadshow.InviteSpeaker{UserID: speakerID, Name: speaker.Name})
	r.publish(speaker, 300_000)
	live := r.waitLive(liveWith(founderA, speakerID))
	if live[0].UserID != founderA || live[1].As != "speaker" {
		t.Fatalf("stage order %+v: the presenter first, then the speaker", live)
	}
	v, _ := r.watch(speakerID)
	flowing(t, v)

	// The host turns the speaker's camera off: video stops, audio flows.
	off := false
	r.do(host, roadshow.SetMedia{UserID: speakerID, Video: &off})
	r.waitLive(func(l []roadshow.LivePublisher) bool {
		return len(l) == 2 && l[1].UserID == speakerID && !l[1].Video && l[1].Audio
	})
	time.Sleep(300 * time.Millisecond) // packets already in flight
	vid, aud := v.Got("video").Packets, v.Got("audio").Packets
	if err := v.WaitFor(ctxT(t, 10*time.Second), func(a, _ stagetest.Count) bool { return a.Packets > aud+50 }); err != nil {
		t.Fatal(err)
	}
	if got := v.Got("video").Packets; got != vid {
		t.Fatalf("video went on after the host turned the camera off: %d → %d packets", vid, got)
	}
	// The speaker cannot turn it back on; the host can.
	on := true
	if _, refusal := roadshow.Decide(r.st, agenda, speaker, roadshow.SetMedia{Video: &on}, time.Now()); refusal == nil || refusal.Code != "host_muted" {
		t.Fatalf("speaker turned on what the host turned off: %v", refusal)
	}
	r.do(host, roadshow.SetMedia{UserID: speakerID, Video: &on})
	if err := v.WaitFor(ctxT(t, 10*time.Second), func(_, vd stagetest.Count) bool { return vd.Packets > vid+30 }); err != nil {
		t.Fatal(err)
	}

	// Taken off the stage: disconnected, and refused if they try again.
	r.do(host, roadshow.RemoveFromStage{UserID: speakerID})
	r.waitLive(liveWith(founderA))
	waitClosed(t, v.PC)
	_, _, err = r.stage.Publish(ctx, rsID, speaker, r.rules(), p.Offer)
	wantCode(t, err, "off_stage")
}

func TestStageFollowsTheAgendaAndRecordsEachSlot(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 300_000)
	r.publish(host, 300_000)
	v, _ := r.watch(founderA)
	flowing(t, v)
	time.Sleep(time.Second) // something to record

	// The next slot: the first presenter's time is over, the host stays.
	r.do(host, roadshow.Advance{})
	r.waitLive(liveWith(hostID))
	waitClosed(t, v.PC)
	r.publish(presB, 300_000)
	r.waitLive(liveWith(hostID, founderB))
	time.Sleep(time.Second)
	r.do(host, roadshow.End{})
	r.waitLive(liveWith())

	recs, err := r.stage.Recordings(rsID)
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		slot       int
		user, kind string
	}
	got := map[key]stage.Recording{}
	for _, rec := range recs {
		got[key{rec.Slot, rec.UserID, rec.Kind}] = rec
	}
	for _, k := range []key{{0, founderA, "video"}, {0, founderA, "audio"}, {0, hostID, "video"}, {1, hostID, "video"}, {1, founderB, "video"}, {1, founderB, "audio"}} {
		rec, ok := got[k]
		if !ok {
			t.Errorf("no recording of %+v in %+v", k, recs)
			continue
		}
		if rec.Bytes == 0 {
			t.Errorf("recording %s is empty", rec.File)
		}
		if k.kind == "video" {
			f, err := os.Open(filepath.Join(r.dir, rsID, rec.File))
			if err != nil {
				t.Fatal(err)
			}
			ivf, hdr, err := ivfreader.NewWith(f)
			if err != nil || hdr.FourCC != "VP80" {
				t.Fatalf("%s: %v %+v", rec.File, err, hdr)
			}
			frames := 0
			for {
				if _, _, err := ivf.ParseNextFrame(); err != nil {
					break
				}
				frames++
			}
			f.Close()
			if frames < 10 {
				t.Errorf("%s holds %d frames", rec.File, frames)
			}
		}
	}
	if _, _, err := r.stage.OpenRecording(rsID, "../index.jsonl"); err == nil {
		t.Fatal("opened a file that is not a recording")
	}
}

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
	r.do(host, roadshow.End{})
	r.waitLive(liveWith())
	recs, err := r.stage.Recordings(rsID)
	if err != nil {
		t.Fatal(err)
	}
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

// TestOneViewerFewConnections: a person's fourth connection to the same
// publisher replaces their oldest (a reloaded page's connection lingers
// until it times out).
func TestOneViewerFewConnections(t *testing.T) {
	r := newRoom(t)
	r.do(host, roadshow.Start{})
	r.publish(presA, 200_000)
	var vs []*stagetest.Viewer
	for range 4 {
		v, _ := r.watch(founderA)
		vs = append(vs, v)
	}
	waitSessions(t, r.stage, 1, 3)
	waitClosed(t, vs[0].PC)
	flowing(t, vs[3])
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
