package stagetest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

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
	headersOnce   bool     // H.264: the parameter sets with the first key frame only
	paused        sync.Map // rid → true: a simulcast layer not sent (Pause)
	keyframeAsked atomic.Bool
	sizes         sync.Map     // VP8 frame number → its size (FrameSize)
	dropper       *dropFirst   // a lossy publisher's (NewLossyPublisher)
	Frames        atomic.Int64 // video frames sent
	VideoBytes    atomic.Int64 // bytes of video frames sent (the best layer's with simulcast)
	stop          chan struct{}
	once          sync.Once
	done          sync.WaitGroup

	// Like a browser (NewBrowserLikePublisher): key frames only when asked,
	// requests inside minKeyframeInterval of the last one honoured dropped,
	// and the next unanswered requests bringing nothing (lost).
	likeBrowser bool
	unanswered  atomic.Int64
	Asked       atomic.Int64 // key frame requests received
}

// Layers are the simulcast layers a simulcast publisher sends, best last,
// with the share of the bit rate each gets.
var Layers = []struct {
	RID           string
	Share         int    // of 16
	Width, Height uint16 // what its key frames say
}{{"q", 1, 320, 180}, {"h", 4, 640, 360}, {"f", 16, 1280, 720}}

// Width and Height are what a single stream's key frames say.
const Width, Height = 1280, 720

// NewPublisher prepares a publisher's offer: one video stream.
func NewPublisher(ctx context.Context) (*Publisher, error) { return newPublisher(ctx, false, false) }

// NewSimulcastPublisher prepares a publisher's offer with the video in
// three simulcast layers (Layers), as browsers send it.
func NewSimulcastPublisher(ctx context.Context) (*Publisher, error) {
	return newPublisher(ctx, true, false)
}

// NewBrowserLikePublisher prepares the offer of a publisher that sends key
// frames as libwebrtc does: the first frame, then only when asked, and not
// again within minKeyframeInterval of the last (its encoder feedback drops
// such requests).
func NewBrowserLikePublisher(ctx context.Context) (*Publisher, error) {
	p, err := newPublisher(ctx, false, false)
	if p != nil {
		p.likeBrowser = true
	}
	return p, err
}

// minKeyframeInterval is libwebrtc's kMinKeyframeSendIntervalMs.
const minKeyframeInterval = 300 * time.Millisecond

// LeaveUnanswered makes the next n key frame requests bring no key frame,
// as when they or the key frame's first packet are lost.
func (p *Publisher) LeaveUnanswered(n int) { p.unanswered.Store(int64(n)) }

// NewH264Publisher prepares the offer of a publisher that sends only H.264
// video (as OBS's WHIP output does) and Opus audio.
func NewH264Publisher(ctx context.Context) (*Publisher, error) { return newPublisher(ctx, false, true) }

// NewH264PublisherHeadersOnce prepares the offer of an H.264 publisher
// whose encoder sends the parameter sets (SPS, PPS) with its first key
// frame only, as GStreamer's rtph264pay does without config-interval:
// every later key frame is an IDR alone.
func NewH264PublisherHeadersOnce(ctx context.Context) (*Publisher, error) {
	p, err := newPublisher(ctx, false, true)
	if p != nil {
		p.headersOnce = true
	}
	return p, err
}

func newPublisher(ctx context.Context, simulcast, h264 bool) (*Publisher, error) {
	return newPublisherWith(ctx, simulcast, h264, nil)
}

func newPublisherWith(ctx context.Context, simulcast, h264 bool, ir *interceptor.Registry) (*Publisher, error) {
	var only map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters
	if h264 {
		only = map[webrtc.RTPCodecType][]webrtc.RTPCodecParameters{
			webrtc.RTPCodecTypeVideo: {{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
				SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f"}, PayloadType: 100}},
			webrtc.RTPCodecTypeAudio: {{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, PayloadType: 111}},
		}
	}
	pc, err := newPCWith(only, ir)
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
	// A simulcast layer's RTCP (a key frame asked for it) comes to its
	// own encoding's reader.
	readers := []func() ([]rtcp.Packet, interceptor.Attributes, error){videoSender.ReadRTCP, audioSender.ReadRTCP}
	for _, l := range p.layers[min(1, len(p.layers)):] {
		readers = append(readers, func() ([]rtcp.Packet, interceptor.Attributes, error) { return videoSender.ReadSimulcastRTCP(l.rid) })
	}
	for _, read := range readers {
		go func() {
			var honoured time.Time // per reader: a browser-like publisher sends one stream
			for {
				pkts, _, err := read()
				if err != nil {
					return
				}
				for _, pkt := range pkts {
					switch pkt.(type) {
					case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
						p.Asked.Add(1)
						if p.likeBrowser {
							if p.unanswered.Add(-1) >= 0 || time.Since(honoured) < minKeyframeInterval {
								continue
							}
							honoured = time.Now()
						}
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
		key := n == 0 || (!p.likeBrowser && n%(2*fps) == 0) || p.keyframeAsked.Swap(false)
		frame := func(rate int, rid string, width, height uint16) []byte {
			inter := rate / 8 / fps * 60 / 67
			size, first := inter, byte(0x01) // P bit set: an inter frame
			if key {
				size, first = inter*8, 0x10 // P bit clear: a key frame
			}
			f := make([]byte, max(size, markEnd))
			_, _ = rand.Read(f[1:])
			f[0] = first
			if !p.h264 {
				if key { // RFC 6386, 9.1: after the frame tag, the start code and the size
					copy(f[3:], []byte{0x9d, 0x01, 0x2a})
					binary.LittleEndian.PutUint16(f[6:], width)
					binary.LittleEndian.PutUint16(f[8:], height)
				}
				mark(f, rid, n)
				if rid == "" {
					p.sizes.Store(int64(n), len(f))
				}
			}
			if p.h264 {
				// Annex B: a start code, then one NAL unit: IDR (5) or
				// not (1); no zero bytes after it, so no start code hides
				// in the random bytes.
				for i := range f {
					f[i] |= 0x80
				}
				nal := []byte{0, 0, 0, 1, 0x41}
				switch {
				case key && (n == 0 || !p.headersOnce): // parameter sets (SPS, PPS), then the IDR picture, as encoders send them
					nal = []byte{0, 0, 0, 1, 0x67, 0x64, 0x00, 0x1f, 0xac, 0, 0, 0, 1, 0x68, 0xee, 0x3c, 0x80, 0, 0, 0, 1, 0x65}
				case key:
					nal = []byte{0, 0, 0, 1, 0x65}
				}
				f = append(nal, f...)
			}
			return f
		}
		for _, track := range p.video {
			f := frame(bitrate, "", Width, Height)
			if track.WriteSample(media.Sample{Data: f, Duration: time.Second / fps}) != nil {
				return
			}
			p.VideoBytes.Add(int64(len(f)))
		}
		for i, l := range p.layers {
			if _, off := p.paused.Load(l.rid); off {
				continue
			}
			if l.send(p.videoSender, frame(bitrate*Layers[i].Share/16, l.rid, Layers[i].Width, Layers[i].Height)) != nil {
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

// A VP8 frame's bytes after its header (a key frame's is 10 bytes) say
// which layer sent it and its number (the sending tick, the same in every
// layer), so that a test can tell from a recording which frames it holds
// and where it skipped some.
const markAt, markEnd = 10, 19

func mark(f []byte, rid string, n int) {
	f[markAt] = '-' // a single stream
	if rid != "" {
		f[markAt] = rid[0]
	}
	binary.BigEndian.PutUint64(f[markAt+1:markEnd], uint64(n))
}

// Mark reads a VP8 frame's mark: the layer that sent it ("" for a single
// stream) and its number.
func Mark(frame []byte) (rid string, n int64, ok bool) {
	if len(frame) < markEnd {
		return "", 0, false
	}
	if frame[markAt] != '-' {
		rid = string(frame[markAt : markAt+1])
	}
	return rid, int64(binary.BigEndian.Uint64(frame[markAt+1 : markEnd])), true
}

// Pause stops sending the simulcast layer rid, as browsers pause their
// higher layers when short of CPU or bandwidth.
func (p *Publisher) Pause(rid string) { p.paused.Store(rid, true) }

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
