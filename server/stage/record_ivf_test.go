package stage

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4/pkg/media/ivfreader"
)

// vp8KeyPacket is the first packet of a VP8 key frame of width×height
// (RFC 6386, 9.1) behind the RTP descriptor desc (RFC 7741).
func vp8KeyPacket(desc []byte, width, height uint16) []byte {
	frame := []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, byte(width), byte(width >> 8), byte(height), byte(height >> 8), 0xAA, 0xBB}
	return append(append([]byte{}, desc...), frame...)
}

func TestVP8Size(t *testing.T) {
	for _, c := range []struct {
		name string
		desc []byte
	}{
		{"no extension", []byte{0x10}},
		{"7-bit picture id", []byte{0x90, 0x80, 0x05}},
		{"15-bit picture id, TL0PICIDX, TID/KEYIDX", []byte{0x90, 0xF0, 0x81, 0x02, 0x07, 0x40}},
	} {
		w, h, ok := vp8Size(vp8KeyPacket(c.desc, 1280|2<<14, 720)) // a scale in the top bits
		if !ok || w != 1280 || h != 720 {
			t.Errorf("%s: %d×%d %v, want 1280×720", c.name, w, h, ok)
		}
	}
	inter := vp8KeyPacket([]byte{0x10}, 640, 480)
	inter[1] |= 0x01 // P bit set
	notFirst := vp8KeyPacket([]byte{0x00}, 640, 480)
	noStartCode := vp8KeyPacket([]byte{0x10}, 640, 480)
	noStartCode[4] = 0
	for name, b := range map[string][]byte{"an inter frame": inter, "not a frame's first packet": notFirst,
		"no start code": noStartCode, "cut short": vp8KeyPacket([]byte{0x10}, 640, 480)[:8], "empty": nil} {
		if w, h, ok := vp8Size(b); ok {
			t.Errorf("%s: %d×%d, want none", name, w, h)
		}
	}
}

// TestIVFHeaderSize: a VP8 recording's header gives its first key frame's
// size as soon as that frame is written (pion's writer alone says 640×480
// whatever comes), and keeps it over later key frames of another size.
func TestIVFHeaderSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.ivf")
	v, err := newIVFFile(path)
	if err != nil {
		t.Fatal(err)
	}
	header := func() (uint16, uint16, uint32) {
		t.Helper()
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		_, h, err := ivfreader.NewWith(f)
		if err != nil {
			t.Fatal(err)
		}
		return h.Width, h.Height, h.NumFrames
	}
	inter := vp8KeyPacket([]byte{0x10}, 0, 0)
	inter[1] |= 0x01
	seq, ts := uint16(0), uint32(0)
	write := func(payload []byte) {
		t.Helper()
		seq++
		ts += 3000
		if err := v.WriteRTP(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: true}, Payload: payload}); err != nil {
			t.Fatal(err)
		}
	}
	write(vp8KeyPacket([]byte{0x10}, 1280, 720))
	if w, h, _ := header(); w != 1280 || h != 720 {
		t.Fatalf("after the first key frame the header says %d×%d, want 1280×720", w, h)
	}
	write(inter)
	write(vp8KeyPacket([]byte{0x10}, 320, 180))
	write(inter)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if w, h, n := header(); w != 1280 || h != 720 || n != 4 {
		t.Fatalf("closed, the header says %d×%d and %d frames, want 1280×720 and 4", w, h, n)
	}
}
