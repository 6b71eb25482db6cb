// Package stagetest has real WebRTC clients for the stage (pion peers): a
// publisher sending a generated VP8 and Opus stream, and a viewer that
// counts what it receives. The stage's tests and scripts/videoload use them.
package stagetest

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// newPC makes a client connection that can reach a server on this machine.
func newPC() (*webrtc.PeerConnection, error) { return newPCWith(nil) }

// newPCWith makes one whose media engine knows only codecs (nil: pion's
// defaults).
func newPCWith(only map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters) (*webrtc.PeerConnection, error) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICETimeouts(4*time.Second, 10*time.Second, 2*time.Second)
	m := &webrtc.MediaEngine{}
	if only == nil {
		if err := m.RegisterDefaultCodecs(); err != nil {
			return nil, err
		}
	}
	for kind, cs := range only {
		for _, c := range cs {
			if err := m.RegisterCodec(c, kind); err != nil {
				return nil, err
			}
		}
	}
	if err := webrtc.ConfigureSimulcastExtensionHeaders(m); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
}

// offer makes a complete offer (every candidate in it).
func offer(ctx context.Context, pc *webrtc.PeerConnection) (string, error) {
	o, err := pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(o); err != nil {
		return "", err
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return pc.LocalDescription().SDP, nil
}

// Publisher sends a generated stream: VP8-framed video at a bit rate (a key
// frame every two seconds and whenever the server asks) and Opus-framed
// audio. The payloads are not pictures or sound: the server forwards and
// records them without decoding, so only their framing, sizes and rates
// matter.
type Publisher struct {
	PC            *webrtc.PeerConnection
	Offer         string
	video         []*webrtc.TrackLocalStaticSample // one stream
	layers        []*layer                         // or the simulcast layers q, h, f
	videoSender   *webrtc.RTPSender
	audio         *webrtc.TrackLocalStaticSample
	h264          bool     // H.264 video instead of VP8
	paused        sync.Map // rid → true: a simulcast layer not sent (Pause)
	keyframeAsked atomic.Bool
	Frames        atomic.Int64 // video frames sent
	VideoBytes    atomic.Int64 // bytes of video frames sent (the best layer's with simulcast)
	stop          chan struct{}
	once          sync.Once
	done          sync.WaitGroup
}

// Layers are the simulcast layers a simulcast publisher sends, best last,
// with the share of the bit rate each gets.
var Layers = []struct {
	RID   string
	Share int // of 16
}{{"q", 1}, {"h", 4}, {"f", 16}}

// NewPublisher prepares a publisher's offer: one video stream.
func NewPublisher(ctx context.Context) (*Publisher, error) { return newPublisher(ctx, false, false) }

// NewSimulcastPublisher prepares a publisher's offer with the video in
// three simulcast layers (Layers), as browsers send it.
func NewSimulcastPublisher(ctx context.Context) (*Publisher, error) {
	return newPublisher(ctx, true, false)
}

// NewH264Publisher prepares the offer of a publisher that sends only H.264
// video (as OBS's WHIP output does) and Opus audio.
func NewH264Publisher(ctx context.Context) (*Publisher, error) { return newPublisher(ctx, false, true) }

func newPublisher(ctx context.Context, simulcast, h264 bool) (*Publisher, error) {
	var only map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters
	if h264 {
		only = map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters{
			webrtc.RTPCodecTypeVideo: {{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
				SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f"}, PayloadType: 100}},
			webrtc.RTPCodecTypeAudio: {{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, PayloadType: 111}},
		}
	}
	pc, err := newPCWith(only)
	if err != nil {
		return nil, err
	}
	p := &Publisher{PC: pc, stop: make(chan struct{}), h264: h264}
	vp8 := webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8}
	if h264 {
		vp8 = webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f"}
	}
	var videoSender *webrtc.RTPSender
	if simulcast {
		// Browsers mark each layer's packets with the transceiver's mid and
		// the layer's rid (header extensions); pion's sender does not, so
		// the layers are packetized and marked here.
		for i, l := range Layers {
			t, err := webrtc.NewTrackLocalStaticRTP(vp8, "video", "pub", webrtc.WithRTPStreamID(l.RID))
			if err != nil {
				return nil, err
			}
			p.layers = append(p.layers, &layer{track: t, rid: l.RID,
				pk: rtp.NewPacketizer(1200, 96, 0, &codecs.VP8Payloader{}, rtp.NewRandomSequencer(), 90000)})
			if i == 0 {
				videoSender, err = pc.AddTrack(t)
			} else {
				err = videoSender.AddEncoding(t)
			}
			if err != nil {
				return nil, err
			}
		}
	} else {
		t, err := webrtc.NewTrackLocalStaticSample(vp8, "video", "pub")
		if err != nil {
			return nil, err
		}
		p.video = append(p.video, t)
		if videoSender, err = pc.AddTrack(t); err != nil {
			return nil, err
		}
	}
	p.videoSender = videoSender
	if p.audio, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus}, "audio", "pub"); err != nil {
		return nil, err
	}
	audioSender, err := pc.AddTrack(p.audio)
	if err != nil {
		return nil, err
	}
	for _, sender := range []*webrtc.RTPSender{videoSender, audioSender} {
		go func() {
			for {
				pkts, _, err := sender.ReadRTCP()
				if err != nil {
					return
				}
				for _, pkt := range pkts {
					switch pkt.(type) {
					case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
						p.keyframeAsked.Store(true)
					}
				}
			}
		}()
	}
	if p.Offer, err = offer(ctx, pc); err != nil {
		_ = pc.Close()
		return nil, err
	}
	return p, nil
}

// Start takes the server's answer and starts sending at bitrate (bits/s of
// video; audio adds about 32 kb/s).
func (p *Publisher) Start(answer string, bitrate int) error {
	if err := p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		return err
	}
	p.done.Add(2)
	go p.sendVideo(bitrate)
	go p.sendAudio()
	return nil
}

const fps = 30

func (p *Publisher) sendVideo(bitrate int) {
	defer p.done.Done()
	t := time.NewTicker(time.Second / fps)
	defer t.Stop()
	// A key frame is about 8 inter frames; one every two seconds. With
	// simulcast each layer gets its share of the rate.
	for n := 0; ; n++ {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		key := n%(2*fps) == 0 || p.keyframeAsked.Swap(false)
		frame := func(rate int) []byte {
			inter := rate / 8 / fps * 60 / 67
			size, first := inter, byte(0x01) // P bit set: an inter frame
			if key {
				size, first = inter*8, 0x10 // P bit clear: a key frame
			}
			f := make([]byte, max(size, 2))
			_, _ = rand.Read(f[1:])
			f[0] = first
			if p.h264 {
				// Annex B: a start code, then one NAL unit: IDR (5) or
				// not (1); no zero bytes after it, so no start code hides
				// in the random bytes.
				for i := range f {
					f[i] |= 0x80
				}
				nal := []byte{0, 0, 0, 1, 0x41}
				if key { // parameter sets (SPS, PPS), then the IDR picture, as encoders send them
					nal = []byte{0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0, 0, 0, 1, 0x68, 0xee, 0x3c, 0x80, 0, 0, 0, 1, 0x65}
				}
				f = append(nal, f...)
			}
			return f
		}
		for _, track := range p.video {
			f := frame(bitrate)
			if track.WriteSample(media.Sample{Data: f, Duration: time.Second / fps}) != nil {
				return
			}
			p.VideoBytes.Add(int64(len(f)))
		}
		for i, l := range p.layers {
			if _, off := p.paused.Load(l.rid); off {
				continue
			}
			if l.send(p.videoSender, frame(bitrate*Layers[i].Share/16)) != nil {
				return
			}
		}
		p.Frames.Add(1)
	}
}

func (p *Publisher) sendAudio() {
	defer p.done.Done()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
		}
		frame := make([]byte, 80)
		_, _ = rand.Read(frame[1:])
		frame[0] = 0xFC // TOC: CELT fullband 20 ms, stereo, one frame
		if p.audio.WriteSample(media.Sample{Data: frame, Duration: 20 * time.Millisecond}) != nil {
			return
		}
	}
}

// Close stops sending and closes the connection.
func (p *Publisher) Close() {
	p.once.Do(func() { close(p.stop) })
	p.done.Wait()
	_ = p.PC.Close()
}

// Viewer receives one publisher and counts what arrives per medium.
type Viewer struct {
	PC    *webrtc.PeerConnection
	Offer string
	mu    sync.Mutex
	media map[string]*counter // "audio", "video"
	// StreamID is the stream id the server named its tracks with (the
	// publisher's user id).
	streamID atomic.Value
	codecs   sync.Map // kind → mime type received
}

// Count is what a viewer received of one medium.
type Count struct {
	Packets   int64 // every packet, repeats included
	Unique    int64 // distinct sequence numbers
	Bytes     int64
	Keyframes int64
	first     uint16
	highest   uint16
}

type counter struct {
	Count
	seen map[uint16]bool
}

// Expected is how many packets the sequence numbers say were sent, from
// the first received to the highest.
func (c Count) Expected() int64 {
	if c.Packets == 0 {
		return 0
	}
	return int64(c.highest-c.first) + 1
}

// Lost is how many of those never arrived.
func (c Count) Lost() int64 { return c.Expected() - c.Unique }

// NewViewer prepares a viewer's offer: audio and video, receive only.
func NewViewer(ctx context.Context) (*Viewer, error) {
	pc, err := newPC()
	if err != nil {
		return nil, err
	}
	v := &Viewer{PC: pc, media: map[string]*counter{}}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			return nil, err
		}
	}
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		v.streamID.Store(t.StreamID())
		kind := t.Kind().String()
		v.codecs.Store(kind, t.Codec().MimeType)
		c := &counter{seen: map[uint16]bool{}}
		v.mu.Lock()
		v.media[kind] = c
		v.mu.Unlock()
		for {
			pkt, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			v.mu.Lock()
			if c.Packets == 0 {
				c.first, c.highest = pkt.SequenceNumber, pkt.SequenceNumber
			} else if int16(pkt.SequenceNumber-c.highest) > 0 {
				c.highest = pkt.SequenceNumber
			}
			c.Packets++
			c.Bytes += int64(len(pkt.Payload))
			if !c.seen[pkt.SequenceNumber] {
				c.seen[pkt.SequenceNumber] = true
				c.Unique++
			}
			if kind == "video" && len(pkt.Payload) > 1 && pkt.Payload[0]&0x10 != 0 && pkt.Payload[1]&0x01 == 0 {
				c.Keyframes++
			}
			v.mu.Unlock()
		}
	})
	if v.Offer, err = offer(ctx, pc); err != nil {
		_ = pc.Close()
		return nil, err
	}
	return v, nil
}

// Start takes the server's answer.
func (v *Viewer) Start(answer string) error {
	return v.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

// Got returns what arrived of a medium so far.
func (v *Viewer) Got(kind string) Count {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.media[kind]; c != nil {
		return c.Count
	}
	return Count{}
}

// StreamID is the stream id of the tracks received, "" before any.
func (v *Viewer) StreamID() string {
	s, _ := v.streamID.Load().(string)
	return s
}

// WaitFor waits until cond holds for the viewer's counts, or ctx ends.
func (v *Viewer) WaitFor(ctx context.Context, cond func(audio, video Count) bool) error {
	for {
		if cond(v.Got("audio"), v.Got("video")) {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("stagetest: viewer waited in vain: " + ctx.Err().Error())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close closes the connection.
func (v *Viewer) Close() { _ = v.PC.Close() }

// layer is one simulcast layer a publisher sends.
type layer struct {
	track *webrtc.TrackLocalStaticRTP
	rid   string
	pk    rtp.Packetizer
}

// send packetizes one frame and marks each packet with the mid and rid,
// once the connection has negotiated their header extension ids.
func (l *layer) send(sender *webrtc.RTPSender, frame []byte) error {
	var midID, ridID uint8
	for _, e := range sender.GetParameters().HeaderExtensions {
		switch e.URI {
		case sdp.SDESMidURI:
			midID = uint8(e.ID)
		case sdp.SDESRTPStreamIDURI:
			ridID = uint8(e.ID)
		}
	}
	mid := ""
	if tr := sender.Transport(); tr != nil && midID != 0 && ridID != 0 {
		mid = "0" // the video transceiver comes first in the offer
	}
	for _, pkt := range l.pk.Packetize(frame, 90000/fps) {
		if mid != "" {
			_ = pkt.Header.SetExtension(midID, []byte(mid))
			_ = pkt.Header.SetExtension(ridID, []byte(l.rid))
		}
		if err := l.track.WriteRTP(pkt); err != nil {
			return err
		}
	}
	return nil
}

// Codec is the mime type of what arrived of a medium, "" before any.
func (v *Viewer) Codec(kind string) string {
	m, _ := v.codecs.Load(kind)
	s, _ := m.(string)
	return s
}

// Pause stops sending the simulcast layer rid, as browsers pause their
// higher layers when short of CPU or bandwidth.
func (p *Publisher) Pause(rid string) { p.paused.Store(rid, true) }
