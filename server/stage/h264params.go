package stage

// H.264's parameter sets. A decoder can start at an IDR picture only with
// the sequence and picture parameter sets (SPS, PPS) before it. Browsers
// send them with every IDR; an encoder may send them with its first only
// (GStreamer's rtph264pay without config-interval, some studio
// software), and a viewer or a recording that starts at a later IDR then
// gets nothing it can decode. So each H.264 source keeps the last ones
// it carried, and an output that starts at an IDR without them is sent
// them first, in a packet of their own (follow.pass, follow.before).

import "encoding/binary"

// h264Params keeps the parameter sets a source last carried, as the
// STAP-A payload (RFC 6184, 5.7.1) an output starting without them is
// sent. Only the source's forwarding goroutine uses it.
type h264Params struct {
	sps, pps []byte
	stap     []byte // nil until both came
}

// see takes the parameter sets of an RTP payload, if it holds any.
func (h *h264Params) see(b []byte) {
	changed := false
	eachNAL(b, func(nal []byte) {
		switch nal[0] & 0x1F {
		case 7:
			h.sps, changed = append(h.sps[:0], nal...), true
		case 8:
			h.pps, changed = append(h.pps[:0], nal...), true
		}
	})
	if !changed || len(h.sps) == 0 || len(h.pps) == 0 {
		return
	}
	nri := max(h.sps[0]&0x60, h.pps[0]&0x60) // RFC 6184, 5.7.1: the highest of its units'
	stap := append(h.stap[:0], nri|24)
	for _, nal := range [][]byte{h.sps, h.pps} {
		stap = binary.BigEndian.AppendUint16(stap, uint16(len(nal)))
		stap = append(stap, nal...)
	}
	h.stap = stap
}

// eachNAL calls fn with each whole NAL unit of an RTP payload: the
// payload itself, or each of a STAP-A's; fragments (FU-A) are none.
func eachNAL(b []byte, fn func(nal []byte)) {
	if len(b) < 1 {
		return
	}
	switch b[0] & 0x1F {
	case 24:
		for i := 1; i+2 <= len(b); {
			n := int(binary.BigEndian.Uint16(b[i:]))
			i += 2
			if n == 0 || i+n > len(b) {
				return
			}
			fn(b[i : i+n])
			i += n
		}
	case 28, 29:
	default:
		fn(b)
	}
}

// h264BareIDR reports whether an H.264 RTP payload starts an IDR picture
// with no SPS before it in the packet: what a decoder cannot start at
// without the parameter sets from earlier.
func h264BareIDR(b []byte) bool {
	if len(b) < 1 {
		return false
	}
	switch b[0] & 0x1F {
	case 5:
		return true
	case 28: // FU-A: the start of a fragmented IDR
		return len(b) > 1 && b[1]&0x80 != 0 && b[1]&0x1F == 5
	case 24:
		idr, sps := false, false
		eachNAL(b, func(nal []byte) {
			switch nal[0] & 0x1F {
			case 5:
				idr = idr || !sps
			case 7:
				sps = true
			}
		})
		return idr
	}
	return false
}
