package stage

// What a viewer's track (sink) and a recording share: which of a
// publisher's tracks of a medium they follow, where they start and resume
// (at a key frame, for video), and how its packets are renumbered. One
// rule for both, so that a recording restarts after a gap and changes
// layer exactly as a viewer does.

import (
	"slices"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// follow is where one output is in a publisher's medium. Packets from the
// source it follows are renumbered so that the output is one unbroken
// stream across layer switches and pauses; a video output switches layer,
// or resumes, only at a key frame. Its owner's forwarders call it under mu.
type follow struct {
	pub   *publisher
	video bool
	clock uint32 // RTP clock rate

	mu        sync.Mutex
	cur, want *source // the source followed, and the one to switch to
	inSeq     uint16  // the first packet's numbers since cur started
	inTS      uint32
	outSeq    uint16 // what they became
	outTS     uint32
	lastSeq   uint16 // the newest passed
	lastTS    uint32
	lastAt    int64 // when the newest passed came (pub.now)
	sent      bool
	key       keyframeWait // for video: waiting for the wanted layer's key frame
	// prefix is what goes before the packet that started cur (before):
	// H.264's parameter sets, for an IDR that came without them.
	prefix []byte
}

// init sets what f follows: p's medium kind, in the codec mime (video).
func (f *follow) init(p *publisher, kind webrtc.RTPCodecType, mime string) {
	f.pub, f.video, f.clock = p, kind == webrtc.RTPCodecTypeVideo, 48000
	if f.video {
		f.clock, f.key.isKey = 90000, keyframeTest(mime)
	}
}

func (f *follow) wanted() *source {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.want
}

func (f *follow) setWant(src *source) {
	f.mu.Lock()
	f.want = src
	f.mu.Unlock()
}

// restart makes f resume at the next key frame of the layer it wants
// (after a gap: the medium held off, the connection just made),
// renumbering from where it stopped.
func (f *follow) restart() {
	f.mu.Lock()
	f.cur = nil
	f.key.asked(f.pub.now()) // the callers ask for one
	f.mu.Unlock()
}

// newLayers is the rule when p's layers change (layers, best first; top
// was the best before): an output on the best layer moves to a better one
// that arrived, one on a layer now gone (or none) to the best.
func (f *follow) newLayers(top *source, layers []*source) {
	if w := f.wanted(); w == nil || w == top || !slices.Contains(layers, w) {
		f.setWant(first(layers))
		f.pub.keyframe(first(layers))
	}
}

// layerStall is how long a layer may send nothing before its outputs turn
// to one that flows.
const layerStall = time.Second

// unstall is the rule when the wanted layer stops (browsers pause their
// higher layers when short of CPU or bandwidth): want the best one still
// coming, and ask for its key frame. It reports the layer now wanted, or
// nil if nothing changed. Called with a packet of src at now, under mu.
func (f *follow) unstall(src *source, now int64) *source {
	if !f.video || src == f.want || f.want == nil || now-f.want.lastAt.Load() <= int64(layerStall) {
		return nil
	}
	for _, l := range *f.pub.layers.Load() {
		if now-l.lastAt.Load() <= int64(layerStall) {
			if f.cur == f.want {
				// The stalled layer, should it come back, resumes
				// after a gap: only at a key frame.
				f.cur = nil
			}
			f.want = l
			f.key.ask(l, now)
			return l
		}
	}
	return nil
}

// step is what became of a packet handed to pass.
type step int

const (
	ignored step = iota // not the source followed nor the one wanted
	waiting             // of the wanted layer, passed over waiting for its key frame
	started             // the first of the source followed from now on (a key frame, for video)
	passed              // the next of the source followed
)

// pass decides what becomes of packet p of src, received at now, and
// renumbers it into out unless it is ignored or waits. Under mu.
func (f *follow) pass(src *source, p *rtp.Packet, now int64, out *rtp.Packet) step {
	st := passed
	if src != f.cur {
		if src != f.want {
			return ignored
		}
		if f.video && !f.key.starts(src, p, now) {
			return waiting
		}
		st = started
		f.cur = src
		f.inSeq, f.inTS = p.SequenceNumber, p.Timestamp
		if f.sent {
			// Continue the numbering: the next number, and the time
			// that passed since the last packet (none if they came out
			// of order).
			elapsed := max(now-f.lastAt, 0)
			gap := uint32(float64(elapsed)/float64(time.Second)*float64(f.clock)) + 1
			f.outSeq, f.outTS = f.lastSeq+1, f.lastTS+gap
		} else {
			f.outSeq, f.outTS = p.SequenceNumber, p.Timestamp
		}
		f.prefix = nil
		if f.video && src.params.stap != nil && h264BareIDR(p.Payload) {
			f.prefix = src.params.stap
			f.outSeq++ // the parameter sets take the number before
		}
	}
	*out = rtp.Packet{Header: p.Header, Payload: p.Payload}
	out.SequenceNumber = f.outSeq + (p.SequenceNumber - f.inSeq)
	out.Timestamp = f.outTS + (p.Timestamp - f.inTS)
	if !f.sent || int16(out.SequenceNumber-f.lastSeq) > 0 {
		f.lastSeq, f.lastTS, f.lastAt = out.SequenceNumber, out.Timestamp, now
	}
	f.sent = true
	return st
}

// before returns the packet an output sends ahead of out when pass said
// out started its source: the parameter sets that an H.264 IDR without
// them needs (h264params.go), numbered just before it, or false if none.
// Its payload is the source's: the caller sends or copies it before the
// source's next packet. Under mu.
func (f *follow) before(out *rtp.Packet) (rtp.Packet, bool) {
	if f.prefix == nil {
		return rtp.Packet{}, false
	}
	pre := rtp.Packet{Header: out.Header, Payload: f.prefix}
	pre.SequenceNumber--
	pre.Marker = false
	f.prefix = nil
	return pre, true
}
