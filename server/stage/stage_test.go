package stage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
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

// end ends the roadshow, waits until nobody is live (so every recording
// is closed) and returns the recordings.
func (r *room) end() []stage.Recording {
	r.t.Helper()
	r.do(host, roadshow.End{})
	r.waitLive(liveWith())
	recs, err := r.stage.Recordings(rsID)
	if err != nil {
		r.t.Fatal(err)
	}
	return recs
}

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
