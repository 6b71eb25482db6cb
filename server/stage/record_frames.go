package stage

import "github.com/pion/rtp"

// frameQueue puts a video recording's packets back in order and hands
// them over a whole frame at a time. Packets are lost on the way from the
// publisher, and the stage asks for them again (NACK, stage.go): the
// resent packet comes a round trip later, often after packets of the
// frames behind it. Written as they came, a frame would lack the lost
// packet and the resent one would be glued into a later frame, so that
// neither decodes. So the queue holds what comes after a gap, writes a
// frame once all its packets up to its last (the marker) are in, and
// gives up on a gap after frameWait (or when it holds maxHeld packets):
// the frames behind the gap may depend on the one it broke, so the
// recording goes on at the next key frame held, or, if none is, waits
// for one.
//
// The numbers are the recording's own (follow renumbers its source's
// packets into one unbroken run), so a gap in them is a lost packet. Its
// recording's lock guards it.
type frameQueue struct {
	next uint16 // the number of the next packet to write
	held []heldPacket
}

type heldPacket struct {
	p  *rtp.Packet
	at int64 // when it came (pub.now)
}

const (
	// frameWait is how long a gap is waited for: a resent packet comes a
	// round trip after the stage noticed it missing, and the stage asks
	// every 100 ms or so (pion's NACK generator) a few times.
	frameWait = int64(1e9)
	// maxHeld bounds the packets held behind a gap (a few seconds of a
	// high layer).
	maxHeld = 4096
	// maxFramePackets bounds a frame: a sender that never marks a frame's
	// last packet is written a run of this many at a time.
	maxFramePackets = 2048
)

// reset starts the queue over at packet number seq, the first of a key
// frame (follow said started), dropping what it held.
func (q *frameQueue) reset(seq uint16) {
	clear(q.held)
	q.held = q.held[:0]
	q.next = seq
}

// push takes packet p (the queue keeps it: the caller hands over a copy),
// received at now, and returns the packets now ready to write, whole
// frames in order, and whether it gave up on a gap with no key frame held
// to go on at: the caller must then wait for one (the packets after the
// gap are dropped meanwhile). isKey tells a key frame's first packet.
func (q *frameQueue) push(p *rtp.Packet, now int64, isKey func([]byte) bool) (ready []*rtp.Packet, lost bool) {
	d := int16(p.SequenceNumber - q.next)
	if d < 0 {
		return nil, false // written already, or given up on: a late copy
	}
	i := len(q.held)
	for i > 0 && int16(q.held[i-1].p.SequenceNumber-p.SequenceNumber) > 0 {
		i--
	}
	if i > 0 && q.held[i-1].p.SequenceNumber == p.SequenceNumber {
		return nil, false // a copy of one held
	}
	q.held = append(q.held, heldPacket{})
	copy(q.held[i+1:], q.held[i:])
	q.held[i] = heldPacket{p: p, at: now}

	ready = q.whole(nil)
	if len(q.held) == 0 || (len(q.held) < maxHeld && now-q.oldest() < frameWait) {
		return ready, false
	}
	// Give up on the gap: go on at the first key frame held after it (not
	// at the one the queue is stuck in).
	for j := range q.held {
		if isKey(q.held[j].p.Payload) && q.held[j].p.SequenceNumber != q.next {
			clear(q.held[:j])
			q.held = q.held[j:]
			q.next = q.held[0].p.SequenceNumber
			return q.whole(ready), false
		}
	}
	q.reset(q.next)
	return ready, true
}

// whole moves the whole frames at the head of the queue onto ready.
func (q *frameQueue) whole(ready []*rtp.Packet) []*rtp.Packet {
	for {
		n := 0 // the run from next, up to and with the first marker
		for n < len(q.held) && q.held[n].p.SequenceNumber == q.next+uint16(n) {
			n++
			if q.held[n-1].p.Marker || n == maxFramePackets {
				break
			}
		}
		if n == 0 || !q.held[n-1].p.Marker && n < maxFramePackets {
			return ready
		}
		for _, h := range q.held[:n] {
			ready = append(ready, h.p)
		}
		clear(q.held[:n])
		q.held = q.held[n:]
		q.next += uint16(n)
	}
}

// oldest returns when the packet held longest came.
func (q *frameQueue) oldest() int64 {
	at := q.held[0].at
	for _, h := range q.held[1:] {
		at = min(at, h.at)
	}
	return at
}
