package stagetest

import (
	"context"
	"strings"
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// LossEvery is how often a lossy publisher's video loses a packet on its
// first sending: one in this many.
const LossEvery = 40

// NewLossyPublisher prepares the offer of a publisher (one VP8 stream)
// whose path to the stage loses one video packet in LossEvery the first
// time it is sent and answers the stage's requests to resend (NACK), as a
// browser on a lossy network does: each lost packet comes again, late.
// FrameSize tells what each frame sent held.
func NewLossyPublisher(ctx context.Context) (*Publisher, error) {
	drop := &dropFirst{every: LossEvery}
	ir := &interceptor.Registry{}
	// The dropper first, so that it sits nearest the network: the NACK
	// responder, added after, keeps each packet before the dropper sees it.
	ir.Add(drop)
	p, err := newPublisherWith(ctx, false, false, ir)
	if p != nil {
		p.dropper = drop
	}
	return p, err
}

// Dropped returns how many video packets a lossy publisher lost on their
// first sending.
func (p *Publisher) Dropped() int {
	if p.dropper == nil {
		return 0
	}
	p.dropper.mu.Lock()
	defer p.dropper.mu.Unlock()
	return p.dropper.dropped
}

// FrameSize returns the size of the VP8 frame a single-stream publisher
// sent as its frame n (stagetest.Mark), and false if it sent none by that
// number (simulcast layers' frames are not kept).
func (p *Publisher) FrameSize(n int64) (int, bool) {
	v, ok := p.sizes.Load(n)
	if !ok {
		return 0, false
	}
	return v.(int), true
}

// dropFirst drops the first sending of one video packet in every, by
// sequence number; its own resending goes through.
type dropFirst struct {
	interceptor.NoOp
	every   uint16
	mu      sync.Mutex
	sent    map[[2]uint32]bool // ssrc, sequence number: sent (or dropped) once
	dropped int
}

func (d *dropFirst) NewInterceptor(string) (interceptor.Interceptor, error) { return d, nil }

func (d *dropFirst) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	if !strings.HasPrefix(strings.ToLower(info.MimeType), "video/") {
		return w
	}
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		key := [2]uint32{h.SSRC, uint32(h.SequenceNumber)}
		d.mu.Lock()
		if d.sent == nil {
			d.sent = map[[2]uint32]bool{}
		}
		first := !d.sent[key]
		d.sent[key] = true
		lose := first && h.SequenceNumber%d.every == 7
		if lose {
			d.dropped++
		}
		d.mu.Unlock()
		if lose {
			return len(payload), nil
		}
		return w.Write(h, payload, a)
	})
}
