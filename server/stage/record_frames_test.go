package stage

import (
	"slices"
	"testing"

	"github.com/pion/rtp"
)

// A frame of the queue tests: its packets' numbers, the last one marked;
// a key frame's first packet says so in its payload.
func framePackets(first uint16, n int, key bool) []*rtp.Packet {
	var out []*rtp.Packet
	for i := range n {
		p := &rtp.Packet{Header: rtp.Header{SequenceNumber: first + uint16(i), Marker: i == n-1}, Payload: []byte{'i'}}
		if key && i == 0 {
			p.Payload = []byte{'k'}
		}
		out = append(out, p)
	}
	return out
}

func testIsKey(b []byte) bool { return len(b) > 0 && b[0] == 'k' }

func seqs(ps []*rtp.Packet) []uint16 {
	var out []uint16
	for _, p := range ps {
		out = append(out, p.SequenceNumber)
	}
	return out
}

func run(from, to uint16) []uint16 {
	var out []uint16
	for s := from; s != to+1; s++ {
		out = append(out, s)
	}
	return out
}

// TestFrameQueue drives the queue as a lossy path and the stage's
// requests to resend would: packets out of order within and across
// frames, a resent packet after the frames behind it, copies, one never
// resent.
func TestFrameQueue(t *testing.T) {
	const ms = int64(1e6)
	type step struct {
		seq  uint16
		at   int64
		want []uint16 // written by this push
		lost bool
	}
	// Frames: key 65530–65533 (across the wrap), 65534–1, 2–4, key 5–7, 8–9.
	var all []*rtp.Packet
	all = append(all, framePackets(65530, 4, true)...)
	all = append(all, framePackets(65534, 4, false)...)
	all = append(all, framePackets(2, 3, false)...)
	all = append(all, framePackets(5, 3, true)...)
	all = append(all, framePackets(8, 2, false)...)
	bySeq := map[uint16]*rtp.Packet{}
	for _, p := range all {
		bySeq[p.SequenceNumber] = p
	}
	for _, c := range []struct {
		name  string
		steps []step
	}{
		{"in order", []step{
			{65530, 0, nil, false}, {65531, 0, nil, false}, {65532, 0, nil, false}, {65533, 1 * ms, run(65530, 65533), false},
			{65534, 2 * ms, nil, false}, {65535, 2 * ms, nil, false}, {0, 2 * ms, nil, false}, {1, 3 * ms, run(65534, 1), false},
		}},
		{"out of order within a frame", []step{
			{65531, 0, nil, false}, {65530, 0, nil, false}, {65533, 0, nil, false}, {65532, 1 * ms, run(65530, 65533), false},
		}},
		{"a packet resent after the frames behind it", []step{
			{65530, 0, nil, false}, {65531, 0, nil, false}, {65533, 0, nil, false}, // 65532 lost
			{65534, 30 * ms, nil, false}, {65535, 30 * ms, nil, false}, {0, 30 * ms, nil, false}, {1, 30 * ms, nil, false},
			{2, 60 * ms, nil, false},
			{65532, 90 * ms, run(65530, 1), false}, // resent: two frames written, in order
			{65532, 91 * ms, nil, false},           // a second copy
			{65531, 92 * ms, nil, false},           // a late copy of one written
			{3, 95 * ms, nil, false}, {4, 95 * ms, run(2, 4), false},
		}},
		{"never resent: on at the next key frame held", []step{
			{65530, 0, nil, false}, {65531, 0, nil, false}, {65533, 0, nil, false}, // 65532 lost for good
			{65534, 30 * ms, nil, false}, {65535, 30 * ms, nil, false}, {0, 30 * ms, nil, false}, {1, 30 * ms, nil, false},
			{2, 60 * ms, nil, false}, {3, 60 * ms, nil, false}, {4, 60 * ms, nil, false},
			{5, 900 * ms, nil, false}, {6, 900 * ms, nil, false}, {7, 950 * ms, nil, false},
			{8, frameWait + 10*ms, run(5, 7), false}, // the frames that needed the broken one are left out
			{9, frameWait + 20*ms, run(8, 9), false},
		}},
		{"never resent, no key frame held: wait for one", []step{
			{65530, 0, nil, false}, {65531, 0, nil, false}, {65533, 0, nil, false},
			{65534, 30 * ms, nil, false}, {65535, 30 * ms, nil, false},
			{0, frameWait, nil, true},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var q frameQueue
			q.reset(65530)
			for i, s := range c.steps {
				p := *bySeq[s.seq]
				got, lost := q.push(&p, s.at, testIsKey)
				if !slices.Equal(seqs(got), s.want) || lost != s.lost {
					t.Fatalf("step %d (packet %d at %d ms): wrote %v, lost %v; want %v, %v", i, s.seq, s.at/ms, seqs(got), lost, s.want, s.lost)
				}
			}
		})
	}
}

// TestFrameQueueUnmarked: a sender that never marks a frame's last packet
// is written a run of maxFramePackets at a time, and the queue holds no
// more than maxHeld behind a gap.
func TestFrameQueueUnmarked(t *testing.T) {
	var q frameQueue
	q.reset(0)
	written := 0
	for i := range maxFramePackets * 2 {
		got, lost := q.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i)}}, 0, testIsKey)
		if lost {
			t.Fatal("lost")
		}
		written += len(got)
	}
	if written != maxFramePackets*2 {
		t.Fatalf("wrote %d of %d", written, maxFramePackets*2)
	}
	q.reset(0)
	lost := false
	for i := 1; i <= maxHeld && !lost; i++ { // packet 0 never comes
		_, lost = q.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Marker: true}}, 0, testIsKey)
		if lost && i != maxHeld {
			t.Fatalf("gave up at %d held, want %d", i, maxHeld)
		}
	}
	if !lost || len(q.held) != 0 {
		t.Fatalf("holding %d after %d packets behind a gap: lost %v", len(q.held), maxHeld, lost)
	}
}
