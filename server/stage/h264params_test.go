package stage

import (
	"bytes"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

var (
	testSPS = []byte{0x67, 0x64, 0x00, 0x1f, 0xac}
	testPPS = []byte{0x68, 0xee, 0x3c, 0x80}
)

// stapA packs NAL units into a STAP-A payload.
func stapA(nals ...[]byte) []byte {
	b := []byte{0x78}
	for _, n := range nals {
		b = append(b, byte(len(n)>>8), byte(len(n)))
		b = append(b, n...)
	}
	return b
}

func TestH264BareIDR(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"an IDR alone", []byte{0x65, 0x88}, true},
		{"the start of a fragmented IDR", []byte{0x7c, 0x85, 0x88}, true},
		{"a fragmented IDR's middle", []byte{0x7c, 0x05, 0x88}, false},
		{"the parameter sets and the IDR", stapA(testSPS, testPPS, []byte{0x65, 0x88}), false},
		{"an access unit delimiter and the IDR", stapA([]byte{0x09, 0xf0}, []byte{0x65, 0x88}), true},
		{"the SPS alone", testSPS, false},
		{"an inter frame", []byte{0x41, 0x9a}, false},
		{"a STAP-A cut short", []byte{0x78, 0x00, 0x09, 0x65}, false},
		{"empty", nil, false},
	} {
		if got := h264BareIDR(c.b); got != c.want {
			t.Errorf("%s (% x): %v, want %v", c.name, c.b, got, c.want)
		}
	}
}

// TestParamsBeforeBareIDR: an output that starts at an IDR sent without
// the parameter sets is sent the ones its source last carried first, in a
// STAP-A numbered just before the IDR, the numbering going on unbroken;
// one that starts where the parameter sets come is sent nothing more.
func TestParamsBeforeBareIDR(t *testing.T) {
	src := &source{h264: true}
	src.params.see(stapA(testSPS, testPPS)) // as a browser packs them
	src.params.see([]byte{0x41, 0x9a})      // an inter frame changes nothing
	// A STAP-A header (0x78: type 24, with its units' NRI), then the units.
	if want := stapA(testSPS, testPPS); !bytes.Equal(src.params.stap[1:], want[1:]) || src.params.stap[0] != 0x78 {
		t.Fatalf("kept % x, want % x", src.params.stap, want)
	}

	var f follow
	f.init(nil, webrtc.RTPCodecTypeVideo, webrtc.MimeTypeH264)
	f.want = src
	var out rtp.Packet
	idr := &rtp.Packet{Header: rtp.Header{SequenceNumber: 500, Timestamp: 9000, Marker: true}, Payload: []byte{0x65, 0x88}}
	if st := f.pass(src, idr, 1, &out); st != started {
		t.Fatalf("the IDR: %v", st)
	}
	pre, ok := f.before(&out)
	if !ok || !bytes.Equal(pre.Payload, src.params.stap) || pre.SequenceNumber+1 != out.SequenceNumber || pre.Timestamp != out.Timestamp || pre.Marker {
		t.Fatalf("before the IDR (seq %d): %v, seq %d ts %d marker %v, % x", out.SequenceNumber, ok, pre.SequenceNumber, pre.Timestamp, pre.Marker, pre.Payload)
	}
	if _, again := f.before(&out); again {
		t.Fatal("the parameter sets were sent twice")
	}
	next := &rtp.Packet{Header: rtp.Header{SequenceNumber: 501, Timestamp: 12000}, Payload: []byte{0x41, 0x9a}}
	if st := f.pass(src, next, 2, &out); st != passed || out.SequenceNumber != pre.SequenceNumber+2 {
		t.Fatalf("the next packet: %v, seq %d after %d", st, out.SequenceNumber, pre.SequenceNumber)
	}

	// A source whose key frames come with their parameter sets: nothing
	// more is sent.
	full := &source{h264: true}
	withParams := &rtp.Packet{Header: rtp.Header{SequenceNumber: 7}, Payload: stapA(testSPS, testPPS, []byte{0x65, 0x88})}
	full.params.see(withParams.Payload)
	f.want = full
	if st := f.pass(full, withParams, 3, &out); st != started {
		t.Fatalf("the key frame with its parameter sets: %v", st)
	}
	if _, ok := f.before(&out); ok {
		t.Error("parameter sets sent before a key frame that carries them")
	}

	// The parameter sets in packets of their own (SPS, then PPS), as
	// other encoders send them; a new pair replaces the old.
	var h h264Params
	h.see(testSPS)
	if h.stap != nil {
		t.Fatal("a STAP-A made of the SPS alone")
	}
	h.see(testPPS)
	newSPS := []byte{0x67, 0x42, 0x00, 0x1e}
	h.see(newSPS)
	if want := stapA(newSPS, testPPS); !bytes.Equal(h.stap[1:], want[1:]) {
		t.Errorf("kept % x, want % x", h.stap, want)
	}
}
