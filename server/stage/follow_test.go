package stage

import (
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// TestFollowGapFromPacketTimes: when a follower moves to another source,
// the numbering goes on from the last packet sent, its timestamps advanced
// by the time between the packets as their arrival times say (the now
// each is handed with), so that a switch is driven by the packets alone.
func TestFollowGapFromPacketTimes(t *testing.T) {
	var f follow
	f.init(nil, webrtc.RTPCodecTypeAudio, webrtc.MimeTypeOpus)
	a, b := &source{}, &source{}
	f.want = a
	const t0 = int64(1_700_000_000_000_000_000)
	pkt := func(seq uint16, ts uint32) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts}}
	}
	var out rtp.Packet
	if st := f.pass(a, pkt(100, 5000), t0, &out); st != started || out.SequenceNumber != 100 || out.Timestamp != 5000 {
		t.Fatalf("first packet: %v, seq %d ts %d", st, out.SequenceNumber, out.Timestamp)
	}
	if st := f.pass(a, pkt(101, 5960), t0+int64(20*time.Millisecond), &out); st != passed || out.SequenceNumber != 101 || out.Timestamp != 5960 {
		t.Fatalf("second packet: %v, seq %d ts %d", st, out.SequenceNumber, out.Timestamp)
	}
	// b's first packet comes 1.5 s after a's last: 1.5 s of Opus's 48 kHz
	// clock later, and the next number.
	f.want = b
	if st := f.pass(b, pkt(7, 900), t0+int64(1520*time.Millisecond), &out); st != started {
		t.Fatalf("b's first packet: %v", st)
	}
	if want := uint32(5960 + 72000 + 1); out.SequenceNumber != 102 || out.Timestamp != want {
		t.Errorf("after the switch: seq %d ts %d, want 102 and %d", out.SequenceNumber, out.Timestamp, want)
	}
	if st := f.pass(b, pkt(8, 1860), t0+int64(1540*time.Millisecond), &out); st != passed || out.SequenceNumber != 103 || out.Timestamp != 5960+72001+960 {
		t.Errorf("b's second packet: %v, seq %d ts %d", st, out.SequenceNumber, out.Timestamp)
	}
	if st := f.pass(a, pkt(102, 6920), t0+int64(1541*time.Millisecond), &out); st != ignored {
		t.Errorf("a packet of the source left: %v, want ignored", st)
	}
	// Back to a, its packet stamped before b's last (out of order): the
	// numbering goes on with no time between.
	f.want = a
	if st := f.pass(a, pkt(103, 7880), t0, &out); st != started || out.SequenceNumber != 104 || out.Timestamp != 5960+72001+960+1 {
		t.Errorf("after the clock went back: %v, seq %d ts %d", st, out.SequenceNumber, out.Timestamp)
	}
}
