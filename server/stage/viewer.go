package stage

import (
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// viewer is one person receiving one publisher. Its sinks are the tracks
// the server sends them, fed by the publisher's forwarders.
type viewer struct {
	r       *room
	session string
	who     roadshow.Peer
	pub     *publisher
	pc      *webrtc.PeerConnection
	audio   *sink
	video   *sink
	joined  int64 // order of arrival in the room (room.joins)
}

func newViewer(r *room, p *publisher, who roadshow.Peer, pc *webrtc.PeerConnection, offer string) (*viewer, error) {
	v := &viewer{r: r, session: newSession(), who: who, pub: p, pc: pc}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return nil, ErrBadOffer
	}
	// The publisher's user id names the stream, so the page knows whose
	// video it plays.
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		codec := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}
		if kind == webrtc.RTPCodecTypeVideo {
			codec = p.videoCodec
		}
		t, err := webrtc.NewTrackLocalStaticRTP(codec, kind.String(), p.who.UserID)
		if err != nil {
			return nil, err
		}
		sender, err := pc.AddTrack(t)
		if err != nil {
			return nil, ErrBadOffer
		}
		s := &sink{v: v, track: t}
		s.init(p, kind, codec.MimeType)
		if s.video {
			v.video = s
		} else {
			v.audio = s
		}
		go s.readRTCP(sender)
	}
	return v, nil
}

// watchState drops v when its connection fails or closes.
func (v *viewer) watchState() {
	// The sinks start at what the publisher sends now.
	for _, src := range v.pub.sources {
		if src.kind == webrtc.RTPCodecTypeAudio {
			v.audio.setWant(src)
		}
	}
	v.video.setWant(first(*v.pub.layers.Load()))
	v.debug("viewer added", "wants", ridOf(v.video.wanted()))
	go v.debugEvery()
	v.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		v.debug("viewer connection", "state", st.String())
		switch st {
		case webrtc.PeerConnectionStateConnected:
			// The key frame asked for when the viewer was added may have
			// come before its connection could carry it, leaving the
			// viewer with frames it cannot decode: start again at a key
			// frame asked for now (and again while none comes, write).
			v.video.restart()
			v.pub.keyframe(v.video.wanted())
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			v.r.do(func() { v.r.dropViewer(v) })
		}
	})
}

// sink is a track sent to one viewer, following one of the publisher's
// tracks of its medium (follow).
type sink struct {
	follow
	v     *viewer
	track *webrtc.TrackLocalStaticRTP

	bad       int       // receiver reports with loss, in a row (under mu)
	goodSince time.Time // since when reports show no loss

	// Counted for the debug log (debug.go): packets sent, packets of the
	// wanted layer passed over while waiting for its key frame, starts at
	// a key frame, and key frames the viewer asked for.
	nSent, nWaited, nStarts, nAsked atomic.Int64
}

// write sends one packet of src if src is the layer this sink follows,
// switching to it at a key frame if it is the one wanted.
func (s *sink) write(src *source, p *rtp.Packet, now int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from := s.want; s.unstall(src, now) != nil {
		s.v.debug("wanted layer stalled", "from", ridOf(from), "to", ridOf(s.want))
		s.bad, s.goodSince = 0, time.Time{}
	}
	var out rtp.Packet
	switch s.pass(src, p, now, &out) {
	case ignored:
		return
	case waiting:
		s.nWaited.Add(1)
		return
	case started:
		s.nStarts.Add(1)
		s.v.debug("sink starts", "video", s.video, "rid", src.rid, "ssrc", uint32(src.track.SSRC()), "seq", p.SequenceNumber)
	}
	// The publisher's header extensions carry ids negotiated with it, not
	// with this viewer.
	out.Extension, out.Extensions, out.ExtensionProfile = false, nil, 0
	if pre, ok := s.before(&out); ok {
		s.nSent.Add(1)
		_ = s.track.WriteRTP(&pre)
	}
	s.nSent.Add(1)
	_ = s.track.WriteRTP(&out)
}

// readRTCP reads what the viewer's browser reports about this track:
// requests for a key frame go to the publisher, and receiver reports
// choose the video layer (interceptors answer NACKs meanwhile).
func (s *sink) readRTCP(sender *webrtc.RTPSender) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		for _, pkt := range pkts {
			switch pkt := pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				s.nAsked.Add(1)
				s.v.debug("viewer asks for a key frame", "video", s.video)
				s.v.pub.keyframe(s.wanted())
			case *rtcp.ReceiverReport:
				for _, rr := range pkt.Reports {
					if s.video {
						s.adapt(rr.FractionLost, time.Now())
					}
				}
			}
		}
	}
}

// Layer choice: a viewer whose reports show more than badLoss of the
// packets lost twice in a row gets the next lower layer; one that loses
// at most goodLoss for raiseAfter tries the next higher one.
const (
	badLoss    = 26 // of 256: about 10 %
	goodLoss   = 5  // about 2 %
	raiseAfter = 10 * time.Second
)

// adapt chooses the layer to want from a receiver report.
func (s *sink) adapt(fractionLost uint8, now time.Time) {
	layers := *s.v.pub.layers.Load()
	s.mu.Lock()
	next := chooseLayer(layers, s.want, fractionLost, now, &s.bad, &s.goodSince)
	changed := next != s.want
	s.want = next
	s.mu.Unlock()
	if changed {
		s.v.debug("layer chosen", "lost", fractionLost, "to", ridOf(next))
		s.v.pub.keyframe(next)
	}
}

// chooseLayer is the layer a viewer should want next, given the layers
// best first, the one it wants, and a report's fraction lost.
func chooseLayer(layers []*source, want *source, fractionLost uint8, now time.Time, bad *int, goodSince *time.Time) *source {
	i := -1
	for j, l := range layers {
		if l == want {
			i = j
		}
	}
	if i < 0 {
		*bad, *goodSince = 0, time.Time{}
		return first(layers)
	}
	switch {
	case fractionLost > badLoss:
		*goodSince = time.Time{}
		if *bad++; *bad >= 2 && i+1 < len(layers) {
			*bad = 0
			return layers[i+1]
		}
	case fractionLost <= goodLoss:
		*bad = 0
		if goodSince.IsZero() {
			*goodSince = now
		} else if now.Sub(*goodSince) >= raiseAfter && i > 0 {
			*goodSince = time.Time{}
			return layers[i-1]
		}
	default:
		*bad, *goodSince = 0, time.Time{}
	}
	return want
}
