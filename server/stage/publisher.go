package stage

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// publisher is one person sending on the stage. The room's goroutine owns
// its maps and slices; the forwarding goroutines read only the atomics.
type publisher struct {
	r       *room
	session string
	who     roadshow.Peer
	as      string
	pc      *webrtc.PeerConnection
	closed  bool
	// videoCodec is the video codec agreed with the publisher, set before
	// anyone can watch and never changed: viewers are sent the same.
	videoCodec webrtc.RTPCodecCapability

	sources []*source            // every track (and simulcast layer) received
	viewers map[*viewer]struct{} // who watches

	// What the forwarding goroutines read: whether each medium may flow,
	// the video layers best first, and the viewers' sinks per medium.
	audioOn, videoOn atomic.Bool
	layers           atomic.Pointer[[]*source]
	audioSinks       atomic.Pointer[[]*sink]
	videoSinks       atomic.Pointer[[]*sink]

	// This slot's recordings, per medium: the room's goroutine opens and
	// closes them, the forwarders write to them.
	audioRec, videoRec atomic.Pointer[recording]

	born time.Time // now's origin
}

// now is p's clock for the times its forwarders, viewers and recordings
// keep and compare (a packet's arrival, a key frame's ask): Unix
// nanoseconds as of p's making, advanced on the monotonic clock since, so
// that the wall clock set back or forward does not stall a layer or a key
// frame's retry. A zero time is long ago, as the fields' zero values mean.
func (p *publisher) now() int64 { return p.born.UnixNano() + int64(time.Since(p.born)) }

func newPublisher(r *room, who roadshow.Peer, pc *webrtc.PeerConnection) *publisher {
	p := &publisher{r: r, session: newSession(), who: who, pc: pc, viewers: map[*viewer]struct{}{}, born: time.Now()}
	p.layers.Store(&[]*source{})
	p.audioSinks.Store(&[]*sink{})
	p.videoSinks.Store(&[]*sink{})
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		src := &source{pub: p, track: t, kind: t.Kind(), rid: t.RID(), h264: strings.EqualFold(t.Codec().MimeType, webrtc.MimeTypeH264)}
		if !r.sync(func() { r.addSource(src) }) {
			return
		}
		src.forward() // this goroutine (pion's, for the track) reads it until it ends
		r.do(func() { r.dropSource(src) })
	})
	return p
}

// watchState drops p when its connection fails or closes.
func (p *publisher) watchState() {
	p.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.debug("publisher connection", "state", st.String())
		if st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			p.r.do(func() { p.r.dropPublisher(p) })
		}
	})
}

// close ends p's connection and recordings; on the room's goroutine.
func (p *publisher) close() {
	p.closed = true
	p.closeRecordings()
	go func() { _ = p.pc.Close() }() // it waits for the connection's goroutines, which may be waiting for the room
}

func (p *publisher) livePublisher() roadshow.LivePublisher {
	var audio, video bool
	for _, src := range p.sources {
		audio = audio || src.kind == webrtc.RTPCodecTypeAudio
		video = video || src.kind == webrtc.RTPCodecTypeVideo
	}
	return roadshow.LivePublisher{UserID: p.who.UserID, Name: p.who.Name, As: p.as,
		Audio: audio && p.audioOn.Load(), Video: video && p.videoOn.Load()}
}

// setFlow lets audio and video flow or not as the rules say. Media that
// start flowing again resume, for viewers and recordings alike, at a key
// frame: each restarts before the forwarders may pass a packet, so that
// none from after the gap comes before its key frame.
func (p *publisher) setFlow(a roadshow.Allowed) {
	if a.Audio && !p.audioOn.Load() {
		for _, s := range *p.audioSinks.Load() {
			s.restart()
		}
		if rec := p.audioRec.Load(); rec != nil {
			rec.restart()
		}
	}
	p.audioOn.Store(a.Audio)
	resume := a.Video && !p.videoOn.Load()
	if resume {
		for _, s := range *p.videoSinks.Load() {
			s.restart()
		}
		if rec := p.videoRec.Load(); rec != nil {
			rec.restart()
		}
	}
	p.videoOn.Store(a.Video)
	if resume {
		for _, src := range *p.layers.Load() {
			p.keyframe(src)
		}
	}
}

// setSinks replaces the lists of sinks the forwarders read.
func (p *publisher) setSinks() {
	var audio, video []*sink
	for v := range p.viewers {
		audio = append(audio, v.audio)
		video = append(video, v.video)
	}
	p.audioSinks.Store(&audio)
	p.videoSinks.Store(&video)
}

// addSource starts forwarding (and recording) a track p sends.
func (r *room) addSource(src *source) {
	p := src.pub
	if p.closed {
		return
	}
	src.lastAt.Store(p.now()) // it has just sent its first packet
	p.debug("source added", "kind", src.kind.String(), "rid", src.rid, "ssrc", uint32(src.track.SSRC()))
	p.sources = append(p.sources, src)
	if src.kind == webrtc.RTPCodecTypeVideo {
		p.setLayers()
	} else {
		for _, s := range *p.audioSinks.Load() {
			s.setWant(src)
		}
	}
	p.record()
	r.announce()
}

func (r *room) dropSource(src *source) {
	p := src.pub
	p.sources = slices.DeleteFunc(p.sources, func(s *source) bool { return s == src })
	if src.kind == webrtc.RTPCodecTypeVideo && !p.closed {
		p.setLayers()
		p.record()
	}
	r.announce()
}

// setLayers orders the video layers best first and points each viewer
// and the recording that wanted the best layer, or one now gone, at the
// best one.
func (p *publisher) setLayers() {
	var layers []*source
	for _, s := range p.sources {
		if s.kind == webrtc.RTPCodecTypeVideo {
			layers = append(layers, s)
		}
	}
	slices.SortStableFunc(layers, func(a, b *source) int { return ridRank(b.rid) - ridRank(a.rid) })
	top := first(*p.layers.Swap(&layers))
	for _, s := range *p.videoSinks.Load() {
		s.newLayers(top, layers)
	}
	if rec := p.videoRec.Load(); rec != nil {
		rec.newLayers(top, layers)
	}
}

func first(l []*source) *source {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

// ridRank orders simulcast layers by their rid, the names browsers are
// given: f(ull) > h(alf) > q(uarter); a single stream has none.
func ridRank(rid string) int {
	switch rid {
	case "", "f":
		return 3
	case "h":
		return 2
	case "q":
		return 1
	}
	return 0
}

// source is one track (a simulcast layer of one) a publisher sends.
type source struct {
	pub    *publisher
	track  *webrtc.TrackRemote
	kind   webrtc.RTPCodecType
	rid    string
	pliAt  atomic.Int64
	lastAt atomic.Int64 // when its last packet came (pub.now): browsers pause layers
	// Counted for the viewers' choice of layer and for the benchmark.
	packets, bytes atomic.Int64
	h264           bool
	params         h264Params // H.264's: what an output starting at an IDR without them is sent first
}

// forward reads the track and hands each packet to every sink of its
// medium and to its recording (each takes those of the track it follows),
// until the track ends.
func (src *source) forward() {
	p := src.pub
	on, sinks, rec := &p.audioOn, &p.audioSinks, &p.audioRec
	if src.kind == webrtc.RTPCodecTypeVideo {
		on, sinks, rec = &p.videoOn, &p.videoSinks, &p.videoRec
	}
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := src.track.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		src.packets.Add(1)
		src.bytes.Add(int64(n))
		now := p.now()
		src.lastAt.Store(now)
		if src.h264 {
			src.params.see(pkt.Payload) // held off or not: an IDR later needs them
		}
		if !on.Load() {
			continue // held off: neither forwarded nor recorded
		}
		if rec := rec.Load(); rec != nil {
			rec.write(src, &pkt, now)
		}
		for _, s := range *sinks.Load() {
			s.write(src, &pkt, now)
		}
	}
}
