package stage

// Key frames: asking a publisher for one, waiting for one, and telling one
// in a codec's packets.

import (
	"strings"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// keyframe asks the publisher for a key frame on src, at most every
// keyframeGap per layer: a viewer starts, switches layer or resumes there.
func (p *publisher) keyframe(src *source) {
	if src == nil {
		return
	}
	now := time.Now().UnixNano()
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

// keyframeRetry is how long a video sink waits for the key frame it needs
// before asking again.
const keyframeRetry = time.Second

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
	if len(b) < 1 {
		return false
	}
	x, start, pid := b[0]&0x80 != 0, b[0]&0x10 != 0, b[0]&0x07
	if !start || pid != 0 {
		return false
	}
	i := 1
	if x {
		if len(b) < 2 {
			return false
		}
		ext := b[1]
		i = 2
		if ext&0x80 != 0 { // I: picture id
			if len(b) <= i {
				return false
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
	return len(b) > i && b[i]&0x01 == 0
}
