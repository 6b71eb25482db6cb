package roadshow

import (
	"encoding/hex"
	"strings"
	"time"
)

// A settled record's first read since start keeps what it decodes for as
// long as the room is held (app.RoomFold). DecodeSettled makes a Settled
// of it, a string per text and per author and a slice per part, which a
// reader that packs them copies again. WalkSettled instead gives each
// string as its place in the record's bytes (or in one string of the ids'
// hex forms), so that such a reader keeps those two blocks and copies no
// text; DecodeSettled is the walk with the strings made.

// Span is where a string of an encoded settled record lies: N bytes at Off
// of the record, or with ID, of the ids' hex forms WalkSettled returns.
type Span struct {
	Off, N uint32
	ID     bool
}

// SettledParts receives a settled record's people, chat and questions in
// order from WalkSettled: each part's count, then its entries.
type SettledParts interface {
	People(n int)
	Person(userID, name Span)
	Chat(n int)
	Line(seq, at int64, person int32, text Span)
	Questions(n int)
	Question(seq, at int64, person int32, text Span, votes int32, answered bool)
}

// WalkSettled reads what EncodeSettled wrote, giving its people, chat and
// questions to parts, and returns the ids' hex forms (one string, which the
// spans marked ID are of) and the rest of the record: its stages, interest
// and InterestBy, whose strings share b's bytes and ids'.
func WalkSettled(b string, parts SettledParts) (ids string, rest *Settled, err error) {
	if len(b) == 0 || b[0] != settledVersion {
		return "", nil, errCorrupt
	}
	d := logDecoder{s: b, i: 1}
	table, ids := d.spans()
	ref := func() Span {
		i := d.uvarint()
		if i >= uint64(len(table)) {
			d.bad = true
			return Span{}
		}
		return table[i]
	}
	str := func(s Span) string {
		if s.ID {
			return ids[s.Off : s.Off+s.N]
		}
		return b[s.Off : s.Off+s.N]
	}
	count := func() int {
		n := d.uvarint()
		if n > uint64(len(b)) { // each entry takes a byte at least
			d.bad = true
			return 0
		}
		return int(n)
	}
	people := count()
	parts.People(people)
	for range people {
		id := ref()
		parts.Person(id, ref())
	}
	var seq, at int64
	line := func() (int64, int64, int32, Span) {
		seq += d.varint()
		at += d.varint()
		p := d.uvarint()
		if p >= uint64(people) {
			d.bad = true
		}
		n := d.uvarint()
		off := d.i
		d.take(n)
		return seq, at, int32(p), Span{Off: uint32(off), N: uint32(n)}
	}
	n := count()
	parts.Chat(n)
	for range n {
		s, a, p, text := line()
		if d.bad {
			return "", nil, errCorrupt
		}
		parts.Line(s, a, p, text)
	}
	seq, at = 0, 0
	n = count()
	parts.Questions(n)
	for range n {
		s, a, p, text := line()
		votes := int32(d.uvarint())
		answered := d.byte()&1 != 0
		if d.bad {
			return "", nil, errCorrupt
		}
		parts.Question(s, a, p, text, votes, answered)
	}
	rest = &Settled{}
	n = count()
	rest.Interest, rest.InterestBy = make([]InterestSignal, n), make([]int32, n)
	for i := range rest.Interest {
		sig := &rest.Interest[i]
		sig.StartupID = str(ref())
		sig.UserID = str(ref())
		sig.UserName = str(ref())
		sig.At = time.UnixMilli(d.varint()).UTC()
		by := d.varint() - 1
		if by < -1 || by >= int64(people) {
			d.bad = true
		}
		rest.InterestBy[i] = int32(by)
	}
	stages := d.take(d.uvarint())
	if d.bad || d.i != len(d.s) {
		return "", nil, errCorrupt
	}
	if rest.Stages, err = DecodeLog(stages); err != nil {
		return "", nil, err
	}
	return ids, rest, nil
}

// spans reads a string table as the log's current version writes it
// (logDecoder.strings), each string as its place: in s, or (an id) in the
// ids' hex forms, returned written into one string.
func (d *logDecoder) spans() ([]Span, string) {
	n := d.uvarint()
	if d.bad || n > uint64(len(d.s)) {
		d.bad = true
		return nil, ""
	}
	table := make([]Span, n)
	ids := 0
	for k := range table {
		switch c := d.uvarint(); {
		case c&1 == 0:
			table[k] = Span{Off: uint32(d.i), N: uint32(c >> 1)}
			d.take(c >> 1)
		case c == 12<<1|1:
			table[k] = Span{Off: uint32(d.i), N: 12, ID: true} // its bytes until written as hex below
			d.take(12)
			ids++
		default:
			d.bad = true
		}
	}
	if d.bad {
		return nil, ""
	}
	var all strings.Builder
	all.Grow(24 * ids)
	var h [24]byte
	for k, sp := range table {
		if sp.ID {
			hex.Encode(h[:], []byte(d.s[sp.Off:sp.Off+12]))
			table[k] = Span{Off: uint32(all.Len()), N: 24, ID: true}
			all.Write(h[:])
		}
	}
	return table, all.String()
}
