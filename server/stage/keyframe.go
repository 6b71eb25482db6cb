package stage

// Key frames: asking a publisher for one, waiting for one, and telling one
// in a codec's packets.

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// keyframe asks the publisher for a key frame on src, at most every
// keyframeGap per layer: a viewer or a video recording starts, switches
// layer or resumes there.
func (p *publisher) keyframe(src *source) {
	if src == nil {
		return
	}
	now := p.now()
	last := src.pliAt.Load()
	if now-last < int64(keyframeGap) || !src.pliAt.CompareAndSwap(last, now) {
		p.debug("key frame not asked: one was just asked", "rid", src.rid)
		return
	}
	go func() {
		err := p.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(src.track.SSRC())}})
		p.debug("key frame asked", "rid", src.rid, "ssrc", uint32(src.track.SSRC()), "err", err)
	}()
}

const keyframeGap = 300 * time.Millisecond

// keyframeRetry is how long whatever waits for a key frame waits before
// asking again.
const keyframeRetry = time.Second

// keyframeWait is the one rule for whatever must start at a key frame of
// a source: a viewer's video sink and a video recording (follow), at
// their start, a layer switch, a resumption. A request may bring
// none: a browser honours one per 300 ms across its layers and drops the
// others, and a packet may be lost. And nobody else asks again: a viewer
// sent nothing of a video asks for nothing, and a recording has nobody
// behind it (a stage without viewers has no sink asking either). So it
// asks again every keyframeRetry for as long as it waits. Its owner's
// lock guards it.
type keyframeWait struct {
	isKey   func(payload []byte) bool // whether a packet starts a key frame, in the codec
	askedAt int64                     // when it last asked (pub.now)
}

// ask asks src's publisher for a key frame now.
func (w *keyframeWait) ask(src *source, now int64) {
	w.askedAt = now
	src.pub.keyframe(src)
}

// asked notes that the caller has just asked for one.
func (w *keyframeWait) asked(now int64) { w.askedAt = now }

// starts reports whether packet p of src starts a key frame; while none
// does, it asks again every keyframeRetry.
func (w *keyframeWait) starts(src *source, p *rtp.Packet, now int64) bool {
	if w.isKey(p.Payload) {
		return true
	}
	if now-w.askedAt >= int64(keyframeRetry) {
		w.ask(src, now)
	}
	return false
}

// keyframeTest returns how to tell a key frame's first packet in a codec.
func keyframeTest(mime string) func([]byte) bool {
	if strings.EqualFold(mime, webrtc.MimeTypeH264) {
		return h264Keyframe
	}
	return vp8Keyframe
}

// h264Keyframe reports whether an H.264 RTP payload (RFC 6184) starts an
// IDR picture or carries its parameter sets (which precede it).
func h264Keyframe(b []byte) bool {
	if len(b) < 1 {
		return false
	}
	idr := func(t byte) bool { return t == 5 || t == 7 }
	switch t := b[0] & 0x1F; t {
	case 24: // STAP-A: NAL units, each after a 16-bit size
		for i := 1; i+2 < len(b); {
			n := int(b[i])<<8 | int(b[i+1])
			i += 2
			if i < len(b) && idr(b[i]&0x1F) {
				return true
			}
			i += n
		}
		return false
	case 28: // FU-A: the start of a fragmented NAL unit
		return len(b) > 1 && b[1]&0x80 != 0 && idr(b[1]&0x1F)
	default:
		return idr(t)
	}
}

// vp8Keyframe reports whether a VP8 RTP payload starts a key frame
// (RFC 7741: the descriptor's S bit and partition 0, then the payload
// header's P bit clear).
func vp8Keyframe(b []byte) bool {
	i, ok := vp8Start(b)
	return ok && len(b) > i && b[i]&0x01 == 0
}

// vp8Size returns the width and height a VP8 key frame's first packet
// gives (RFC 6386, 9.1: after the 3-byte frame tag, the start code, then
// each as 14 bits and a 2-bit scale), and false if b is not such a packet.
func vp8Size(b []byte) (width, height uint16, ok bool) {
	i, start := vp8Start(b)
	if !start || len(b) < i+10 || b[i]&0x01 != 0 || b[i+3] != 0x9d || b[i+4] != 0x01 || b[i+5] != 0x2a {
		return 0, 0, false
	}
	width, height = binary.LittleEndian.Uint16(b[i+6:])&0x3fff, binary.LittleEndian.Uint16(b[i+8:])&0x3fff
	return width, height, width > 0 && height > 0
}

// vp8Start returns where a VP8 RTP payload's frame data begins, after its
// descriptor (RFC 7741, 4.2), and whether the packet starts a frame
// (partition 0, its S bit set).
func vp8Start(b []byte) (int, bool) {
	if len(b) < 1 {
		return 0, false
	}
	x, start, pid := b[0]&0x80 != 0, b[0]&0x10 != 0, b[0]&0x07
	if !start || pid != 0 {
		return 0, false
	}
	i := 1
	if x {
		if len(b) < 2 {
			return 0, false
		}
		ext := b[1]
		i = 2
		if ext&0x80 != 0 { // I: picture id
			if len(b) <= i {
				return 0, false
			}
			if b[i]&0x80 != 0 {
				i += 2
			} else {
				i++
			}
		}
		if ext&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if ext&0x30 != 0 { // T or K
			i++
		}
	}
	return i, true
}
