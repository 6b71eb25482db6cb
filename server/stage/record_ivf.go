package stage

import (
	"encoding/binary"
	"os"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media/ivfwriter"
)

// ivfFile is a VP8 recording: pion's IVF writer, whose header gives the
// size it was made with (640×480 unless told), and the file under it,
// whose header is given the size of the first key frame written as soon
// as it comes, so that a file a crash cuts short says it too. Later key
// frames may change the size (another simulcast layer); a decoder takes
// each frame's own.
type ivfFile struct {
	f     *os.File
	w     *ivfwriter.IVFWriter
	sized bool
}

// ivfSizeAt is where an IVF header holds the width, then the height
// (16 bits each, little-endian).
const ivfSizeAt = 12

func newIVFFile(path string) (*ivfFile, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	w, err := ivfwriter.NewWith(f, ivfwriter.WithCodec(webrtc.MimeTypeVP8))
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &ivfFile{f: f, w: w}, nil
}

// WriteRTP writes p (a recording hands over whole frames, from a key
// frame on).
func (v *ivfFile) WriteRTP(p *rtp.Packet) error {
	if !v.sized {
		if width, height, ok := vp8Size(p.Payload); ok {
			var b [4]byte
			binary.LittleEndian.PutUint16(b[:], width)
			binary.LittleEndian.PutUint16(b[2:], height)
			if _, err := v.f.WriteAt(b[:], ivfSizeAt); err != nil {
				return err
			}
			v.sized = true
		}
	}
	return v.w.WriteRTP(p)
}

// Close writes the frame count into the header and closes the file.
func (v *ivfFile) Close() error { return v.w.Close() }
