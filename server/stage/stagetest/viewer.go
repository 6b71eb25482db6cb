package stagetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
)

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
	seen         map[uint16]bool
	firstPayload []byte // of the first packet received
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
			if c.Packets == 0 {
				c.firstPayload = append([]byte(nil), pkt.Payload...)
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

// FirstPayload returns the payload of the first packet of a medium
// received, nil before any.
func (v *Viewer) FirstPayload(kind string) []byte {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.media[kind]; c != nil {
		return c.firstPayload
	}
	return nil
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

// Codec is the mime type of what arrived of a medium, "" before any.
func (v *Viewer) Codec(kind string) string {
	m, _ := v.codecs.Load(kind)
	s, _ := m.(string)
	return s
}
