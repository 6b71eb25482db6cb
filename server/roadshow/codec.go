package roadshow

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A room's log in a compact binary form, for an ended room's record that is
// stored once and read whole (server/mongo/records.go): written and read by
// hand, kind by kind, with no reflection and no map per event. The ids and
// names that recur (people, startups) are written once, in a table, and
// referred to by their place in it; texts are written where they occur.
// Times are kept to the millisecond, as the database keeps them. Version 1
// wrote every string as uvarint(len) bytes; it still reads.
//
//	log     = version(2) uvarint(#strings) string* uvarint(#events) event*
//	string  = uvarint(len<<1) bytes | uvarint(12<<1 | 1) 12 bytes
//	          (the second: an id of 24 lowercase hex digits, as raw bytes)
//	event   = kind(1 byte) varint(seq - previous seq) varint(at - previous at, ms)
//	          uvarint(userId) uvarint(userName) payload
//
// The kinds' codes below are stored: never renumber them.

const logVersion = 2

var kindCodes = map[Kind]byte{KindChat: 1, KindQuestion: 2, KindVote: 3, KindAnswer: 4, KindHide: 5, KindMute: 6, KindStage: 7,
	KindInterest: 8, KindEnded: 9, KindSpeaker: 10, KindOffStage: 11, KindMedia: 12}

// errCorrupt is what a log that this code did not write decodes to.
var errCorrupt = errors.New("roadshow log: corrupt encoding")

// EncodeLog returns log in the compact form that DecodeLog reads.
func EncodeLog(log []Logged) ([]byte, error) {
	e := logEncoder{refs: map[string]uint64{}}
	var seq int64
	var at int64
	for _, l := range log {
		if l.Event == nil {
			return nil, fmt.Errorf("roadshow log: event %d has no kind", l.Seq)
		}
		code, ok := kindCodes[l.Event.Kind()]
		if !ok {
			return nil, fmt.Errorf("roadshow log: event %d: unknown kind %q", l.Seq, l.Event.Kind())
		}
		ms := l.At.UnixMilli()
		e.body = append(e.body, code)
		e.body = binary.AppendVarint(e.body, l.Seq-seq)
		e.body = binary.AppendVarint(e.body, ms-at)
		seq, at = l.Seq, ms
		e.ref(l.UserID)
		e.ref(l.UserName)
		switch ev := l.Event.(type) {
		case Chat:
			e.text(ev.Text)
		case Question:
			e.text(ev.Text)
		case Vote:
			e.body = binary.AppendVarint(e.body, ev.QuestionID)
		case Answer:
			e.body = binary.AppendVarint(e.body, ev.QuestionID)
		case Hide:
			e.body = binary.AppendVarint(e.body, ev.MessageID)
		case Mute:
			e.ref(ev.UserID)
		case Stage:
			e.body = binary.AppendVarint(e.body, int64(ev.Slot))
			e.body = binary.AppendVarint(e.body, int64(ev.Page))
			e.ref(ev.StartupID)
			e.ref(ev.StartupName)
			e.body = binary.AppendVarint(e.body, ev.Deadline.UnixMilli())
		case Interest:
			e.ref(ev.StartupID)
		case Ended:
		case Speaker:
			e.ref(ev.UserID)
			e.ref(ev.Name)
		case OffStage:
			e.ref(ev.UserID)
		case Media:
			e.ref(ev.UserID)
			e.body = append(e.body, flags(ev.Video, ev.Off, ev.ByHost))
		}
	}
	out := e.appendStrings([]byte{logVersion})
	out = binary.AppendUvarint(out, uint64(len(log)))
	return append(out, e.body...), nil
}

// appendStrings appends the string table to out, in a slice with room for
// the body after it.
func (e *logEncoder) appendStrings(out []byte) []byte {
	size := len(out) + binary.MaxVarintLen64*2 + len(e.body)
	for _, s := range e.strs {
		size += binary.MaxVarintLen64 + len(s)
	}
	out = append(make([]byte, 0, size), out...)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		if isHexID(s) {
			out = binary.AppendUvarint(out, 12<<1|1)
			out, _ = hex.AppendDecode(out, []byte(s)) // isHexID: it decodes
			continue
		}
		out = binary.AppendUvarint(out, uint64(len(s))<<1)
		out = append(out, s...)
	}
	return out
}

// isHexID reports whether s is an id as the database makes them: 24
// lowercase hex digits (12 bytes), which the log keeps as its bytes.
func isHexID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

type logEncoder struct {
	body []byte
	strs []string
	refs map[string]uint64
}

func (e *logEncoder) ref(s string) {
	i, ok := e.refs[s]
	if !ok {
		i = uint64(len(e.strs))
		e.refs[s] = i
		e.strs = append(e.strs, s)
	}
	e.body = binary.AppendUvarint(e.body, i)
}

func (e *logEncoder) text(s string) {
	e.body = binary.AppendUvarint(e.body, uint64(len(s)))
	e.body = append(e.body, s...)
}

func flags(bs ...bool) byte {
	var f byte
	for i, b := range bs {
		if b {
			f |= 1 << i
		}
	}
	return f
}

// DecodeLog reads a log that EncodeLog wrote. Its strings share b's bytes
// (a string, so that they cannot change), so a part of the log that is
// kept keeps all of b.
func DecodeLog(b string) ([]Logged, error) {
	if len(b) == 0 || (b[0] != logVersion && b[0] != 1) {
		return nil, errCorrupt
	}
	d := logDecoder{s: b, i: 1}
	strs := d.strings(b[0])
	if d.bad {
		return nil, errCorrupt
	}
	ref := func() string { return d.ref(strs) }
	count := d.uvarint()
	if d.bad || count > uint64(len(b)) {
		return nil, errCorrupt
	}
	out := make([]Logged, count)
	var seq, at int64
	for k := range out {
		code := d.byte()
		seq += d.varint()
		at += d.varint()
		l := Logged{Seq: seq, At: time.UnixMilli(at).UTC(), UserID: ref(), UserName: ref()}
		switch code {
		case 1:
			l.Event = Chat{Text: d.str()}
		case 2:
			l.Event = Question{Text: d.str()}
		case 3:
			l.Event = Vote{QuestionID: d.varint()}
		case 4:
			l.Event = Answer{QuestionID: d.varint()}
		case 5:
			l.Event = Hide{MessageID: d.varint()}
		case 6:
			l.Event = Mute{UserID: ref()}
		case 7:
			st := Stage{Slot: int(d.varint()), Page: int(d.varint())}
			st.StartupID, st.StartupName = ref(), ref()
			st.Deadline = time.UnixMilli(d.varint()) // as FromRecord reads it
			l.Event = st
		case 8:
			l.Event = Interest{StartupID: ref()}
		case 9:
			l.Event = Ended{}
		case 10:
			sp := Speaker{UserID: ref()}
			sp.Name = ref()
			l.Event = sp
		case 11:
			l.Event = OffStage{UserID: ref()}
		case 12:
			m := Media{UserID: ref()}
			f := d.byte()
			m.Video, m.Off, m.ByHost = f&1 != 0, f&2 != 0, f&4 != 0
			l.Event = m
		default:
			return nil, errCorrupt
		}
		if d.bad {
			return nil, errCorrupt
		}
		out[k] = l
	}
	if d.i != len(d.s) {
		return nil, errCorrupt
	}
	return out, nil
}

// strings reads the string table as the log's version wrote it.
func (d *logDecoder) strings(version byte) []string {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)) {
		d.bad = true
		return nil
	}
	strs := make([]string, n)
	var ids []int32 // the ids' places: their hex forms are written into one string after
	for k := range strs {
		if version == 1 {
			strs[k] = d.str()
			continue
		}
		h := d.uvarint()
		switch {
		case h&1 == 0:
			strs[k] = d.take(h >> 1)
		case h == 12<<1|1:
			strs[k] = d.take(12)
			ids = append(ids, int32(k))
		default:
			d.bad = true
		}
	}
	// One string for all ids, not one each: a full room's table holds
	// about 1,100 people, and its first read since start decodes them.
	var all strings.Builder
	all.Grow(24 * len(ids))
	var h [24]byte
	for _, k := range ids {
		hex.Encode(h[:], []byte(strs[k]))
		all.Write(h[:])
	}
	hexes := all.String()
	for i, k := range ids {
		strs[k] = hexes[24*i : 24*i+24]
	}
	return strs
}

// logDecoder reads from s; a read past its end or a malformed number sets
// bad and reads as zero.
type logDecoder struct {
	s   string
	i   int
	bad bool
}

func (d *logDecoder) byte() byte {
	if d.i >= len(d.s) {
		d.bad = true
		return 0
	}
	d.i++
	return d.s[d.i-1]
}

// ref reads an index into strs and returns that string; an index past
// strs marks the input bad.
func (d *logDecoder) ref(strs []string) string {
	i := d.uvarint()
	if i >= uint64(len(strs)) {
		d.bad = true
		return ""
	}
	return strs[i]
}

func (d *logDecoder) uvarint() uint64 {
	var x uint64
	for shift := 0; shift < 64; shift += 7 {
		c := d.byte()
		if d.bad {
			return 0
		}
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x
		}
	}
	d.bad = true
	return 0
}

func (d *logDecoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

func (d *logDecoder) str() string { return d.take(d.uvarint()) }

// take reads the next n bytes.
func (d *logDecoder) take(n uint64) string {
	if d.bad || n > uint64(len(d.s)-d.i) {
		d.bad = true
		return ""
	}
	d.i += int(n)
	return d.s[d.i-int(n) : d.i]
}
