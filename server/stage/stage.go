// Package stage is the live video of a roadshow's stage: a selective
// forwarding unit (SFU) on pion/webrtc. Publishers (the host, the presenter
// of the slot on stage, speakers the host brought up) send their camera and
// microphone with a WHIP-style HTTP offer; viewers receive each publisher
// with a WHEP-style offer. Media is forwarded as it arrives, never
// transcoded: VP8 video (a simulcast layer per viewer when the publisher
// sends several) and Opus audio. Each slot's stage is recorded per
// publisher (IVF for VP8, Ogg for Opus).
//
// Who may publish is the room's business (roadshow.StageRules, decided
// from the room's log); the room tells the stage whenever that changes
// (Rules) and the stage enforces it: a muted microphone or a camera turned
// off stops being forwarded, someone taken off the stage is disconnected.
//
// One goroutine owns each room's stage (room.run); packets go from the
// goroutine reading a publisher's track straight to the viewers' tracks
// through a list the room's goroutine replaces, never changes.
package stage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// Config is how a Stage runs.
type Config struct {
	// ICEServers are STUN/TURN servers for NAT traversal (ICE_SERVERS);
	// none are needed on one network.
	ICEServers []webrtc.ICEServer
	// RecordDir is where recordings go, one folder per roadshow; empty:
	// nothing is recorded.
	RecordDir string
	// OnLive is told who publishes on a room's stage whenever that changes
	// (realtime.Hub.StageLive). It must not block.
	OnLive func(roadshowID string, live []roadshow.LivePublisher)
	Log    *slog.Logger
}

// videoFeedback is what the stage's video codecs accept back from viewers.
var videoFeedback = []webrtc.RTCPFeedback{{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"}}

// videoCodecs are the video codecs the stage takes, preferred first.
var videoCodecs = func() []webrtc.RTPCodecParameters {
	cs := []webrtc.RTPCodecParameters{{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
		RTCPFeedback: videoFeedback}, PayloadType: 96}}
	// H.264 in the profiles encoders send: constrained baseline, baseline,
	// main, high; packetization mode 1 (what WebRTC uses).
	for i, profile := range []string{"42e01f", "42001f", "4d001f", "64001f"} {
		cs = append(cs, webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile, RTCPFeedback: videoFeedback},
			PayloadType: webrtc.PayloadType(102 + 2*i)})
	}
	return cs
}()

// Errors of the stage, beside roadshow's refusals.
var (
	ErrBadOffer   = domain.CodedError(domain.KindInvalid, "bad_offer", "the body must be an SDP offer (Content-Type application/sdp)")
	ErrNotOnStage = domain.CodedError(domain.KindNotFound, "not_on_stage", "that person is not publishing on this stage")
	ErrNoSession  = domain.CodedError(domain.KindNotFound, "no_session", "no such stage session")
	ErrClosed     = domain.CodedError(domain.KindUnavailable, "stage_unavailable", "the stage is not available")
)

// Stage serves every room's live video. It is safe for concurrent use.
type Stage struct {
	cfg Config
	api *webrtc.API
	log *slog.Logger

	mu       sync.Mutex
	rooms    map[string]*room
	rules    map[string]*roadshow.StageRules // the newest the rooms told, by roadshow
	sessions map[string]*room                // session id → its room
	closed   bool
	wg       sync.WaitGroup
}

// Timing of connections.
const (
	iceDisconnected = 4 * time.Second  // no traffic for this long: disconnected
	iceFailed       = 10 * time.Second // then failed: the peer is gone
	iceKeepalive    = 2 * time.Second
	gatherTimeout   = 5 * time.Second // the answer waits this long for its candidates
	nackBuffer      = 512             // packets kept per viewer's stream to answer NACKs
)

// New returns a Stage; Close stops it.
func New(cfg Config) (*Stage, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	m := &webrtc.MediaEngine{}
	// VP8 first (every browser sends it; the recordings hold it as IVF),
	// H.264 for studio software such as OBS, whose WHIP output sends only
	// that; Opus for audio. Nothing is transcoded: viewers get what the
	// publisher sends.
	for _, c := range videoCodecs {
		if err := m.RegisterCodec(c, webrtc.RTPCodecTypeVideo); err != nil {
			return nil, err
		}
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	if err := webrtc.ConfigureNackWithOptions(m, ir, nil, nack.ResponderSize(nackBuffer)); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureRTCPReports(ir); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSender(m, ir); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetICETimeouts(iceDisconnected, iceFailed, iceKeepalive)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	// A machine with no other interface still serves its own browsers.
	se.SetIncludeLoopbackCandidate(true)
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(se))
	return &Stage{cfg: cfg, api: api, log: cfg.Log, rooms: map[string]*room{}, rules: map[string]*roadshow.StageRules{},
		sessions: map[string]*room{}}, nil
}

// ICEServers returns the STUN/TURN servers browsers should use.
func (s *Stage) ICEServers() []webrtc.ICEServer { return s.cfg.ICEServers }

// Close disconnects everyone and closes the recordings.
func (s *Stage) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		close(r.quit)
	}
	s.wg.Wait()
}

// Rules tells the stage who may publish in a room now (realtime.StageVideo).
// It never blocks: the room's goroutine enforces them.
func (s *Stage) Rules(roadshowID string, r *roadshow.StageRules) {
	s.mu.Lock()
	if old := s.rules[roadshowID]; old == nil || old.Seq <= r.Seq {
		s.rules[roadshowID] = r
	}
	rm := s.rooms[roadshowID]
	s.mu.Unlock()
	if rm != nil {
		rm.tell()
	}
}

// newest is the newer of rules a caller read and the newest the room told.
func (s *Stage) newest(roadshowID string, r *roadshow.StageRules) *roadshow.StageRules {
	s.mu.Lock()
	defer s.mu.Unlock()
	if told := s.rules[roadshowID]; told != nil && (r == nil || told.Seq > r.Seq) {
		return told
	}
	return r
}

// room returns roadshow id's stage, starting it if create is set; it stays
// while it has publishers or viewers or someone is joining (hold).
func (s *Stage) room(id string, create bool) (*room, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	r := s.rooms[id]
	if r == nil {
		if !create {
			return nil, ErrNotOnStage
		}
		r = newRoom(s, id)
		s.rooms[id] = r
		s.wg.Add(1)
		go r.run()
	}
	r.joining++
	return r, nil
}

// release ends a hold taken by room.
func (s *Stage) release(r *room) {
	s.mu.Lock()
	r.joining--
	s.mu.Unlock()
	r.tell()
}

// gone forgets a room that has nobody left; it reports false if someone
// is joining it meanwhile.
func (s *Stage) gone(r *room) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.joining > 0 {
		return false
	}
	if s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
	return true
}

func (s *Stage) track(session string, r *room) {
	s.mu.Lock()
	s.sessions[session] = r
	s.mu.Unlock()
}

func (s *Stage) untrack(session string) {
	s.mu.Lock()
	delete(s.sessions, session)
	s.mu.Unlock()
}

// Hangup ends a publishing or watching session (the WHIP/WHEP DELETE).
func (s *Stage) Hangup(roadshowID, session string) error {
	s.mu.Lock()
	r := s.sessions[session]
	s.mu.Unlock()
	if r == nil || r.id != roadshowID {
		return ErrNoSession
	}
	found := false
	r.sync(func() { found = r.hangup(session) })
	if !found {
		return ErrNoSession
	}
	return nil
}

// Publish starts publishing who's camera and microphone on roadshow id's
// stage from an SDP offer and returns the answer and the session's id.
// rules is who may publish as the room last said; the stage's own newer
// copy wins. A second publication by the same person replaces the first.
func (s *Stage) Publish(ctx context.Context, id string, who roadshow.Peer, rules *roadshow.StageRules, offer string) (string, string, error) {
	if offer == "" {
		return "", "", ErrBadOffer
	}
	if _, refusal := s.newest(id, rules).Allow(who); refusal != nil {
		return "", "", refusal
	}
	r, err := s.room(id, true)
	if err != nil {
		return "", "", err
	}
	defer s.release(r)
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{ICEServers: s.cfg.ICEServers})
	if err != nil {
		return "", "", err
	}
	p := newPublisher(r, who, pc)
	answer, err := s.negotiate(ctx, pc, offer)
	if err != nil {
		_ = pc.Close()
		return "", "", err
	}
	p.videoCodec = negotiatedVideo(pc)
	refusal := error(ErrClosed)
	r.sync(func() { refusal = r.addPublisher(p) })
	if refusal != nil {
		_ = pc.Close()
		return "", "", refusal
	}
	return answer, p.session, nil
}

// Watch starts sending what publisherID (a user id) publishes on roadshow
// id's stage to who, from an SDP offer, and returns the answer and the
// session's id. Whether who may watch is the room's entry rule, checked
// before (realtime.Hub.Admit).
func (s *Stage) Watch(ctx context.Context, id, publisherID string, who roadshow.Peer, offer string) (string, string, error) {
	if offer == "" {
		return "", "", ErrBadOffer
	}
	r, err := s.room(id, false)
	if err != nil {
		return "", "", err
	}
	defer s.release(r)
	var p *publisher
	r.sync(func() { p = r.byUser[publisherID] })
	if p == nil {
		return "", "", ErrNotOnStage
	}
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{ICEServers: s.cfg.ICEServers})
	if err != nil {
		return "", "", err
	}
	v, err := newViewer(r, p, who, pc, offer)
	if err != nil {
		_ = pc.Close()
		return "", "", err
	}
	answer, err := s.answer(ctx, pc)
	if err != nil {
		_ = pc.Close()
		return "", "", err
	}
	refusal := error(ErrClosed)
	r.sync(func() { refusal = r.addViewer(v) })
	if refusal != nil {
		_ = pc.Close()
		return "", "", refusal
	}
	return answer, v.session, nil
}

// negotiate answers an offer.
func (s *Stage) negotiate(ctx context.Context, pc *webrtc.PeerConnection, offer string) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", ErrBadOffer
	}
	// VP8 when the publisher offers it (browsers offer both), else H.264.
	for _, tr := range pc.GetTransceivers() {
		if tr.Kind() == webrtc.RTPCodecTypeVideo {
			_ = tr.SetCodecPreferences(videoCodecs)
		}
	}
	return s.answer(ctx, pc)
}

// negotiatedVideo is the video codec a publisher's connection agreed on:
// what its viewers are sent.
func negotiatedVideo(pc *webrtc.PeerConnection) webrtc.RTPCodecCapability {
	for _, tr := range pc.GetTransceivers() {
		if tr.Kind() != webrtc.RTPCodecTypeVideo || tr.Receiver() == nil {
			continue
		}
		if cs := tr.Receiver().GetParameters().Codecs; len(cs) > 0 {
			return cs[0].RTPCodecCapability
		}
	}
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}
}

// answer makes the answer with every candidate in it: one HTTP exchange,
// no trickle.
func (s *Stage) answer(ctx context.Context, pc *webrtc.PeerConnection) (string, error) {
	ans, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", ErrBadOffer
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(ans); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, gatherTimeout)
	defer cancel()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", errors.New("stage: gathering candidates timed out")
	}
	return pc.LocalDescription().SDP, nil
}

func newSession() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
