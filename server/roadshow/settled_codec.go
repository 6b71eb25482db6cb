package roadshow

import (
	"encoding/binary"
	"time"
)

// A settled room's record in a compact binary form (server/mongo/records.go
// stores it beside the room's log): the log's string table, then each part
// of Settled in order, with no field names and no reflection; a decoded
// one's strings share one copy of its bytes.
//
//	settled  = version(1) uvarint(#strings) string*       (as the log's)
//	           uvarint(#people) (uvarint(userId) uvarint(name))*
//	           uvarint(#chat) line*  uvarint(#questions) question*
//	           uvarint(#interest) signal*  uvarint(len) stages
//	line     = varint(seq - previous) varint(at - previous, ms) uvarint(person) text
//	question = line uvarint(votes) byte(answered)
//	signal   = uvarint(startupId) uvarint(userId) uvarint(userName) varint(at, ms) varint(person + 1)
//	stages   = the stage changes and the end as EncodeLog writes them
//
// (text: uvarint(len) bytes; userId, name, startupId: places in the string
// table.)
const settledVersion = 1

// EncodeSettled returns s in the compact form that DecodeSettled reads.
func EncodeSettled(s *Settled) ([]byte, error) {
	stages, err := EncodeLog(s.Stages)
	if err != nil {
		return nil, err
	}
	e := logEncoder{refs: map[string]uint64{}}
	e.body = binary.AppendUvarint(e.body, uint64(len(s.People)))
	for _, p := range s.People {
		e.ref(p.UserID)
		e.ref(p.Name)
	}
	var seq, at int64
	line := func(s, a int64, person int32, text string) {
		e.body = binary.AppendVarint(e.body, s-seq)
		e.body = binary.AppendVarint(e.body, a-at)
		seq, at = s, a
		e.body = binary.AppendUvarint(e.body, uint64(person))
		e.text(text)
	}
	e.body = binary.AppendUvarint(e.body, uint64(len(s.Chat)))
	for _, c := range s.Chat {
		line(c.Seq, c.At, c.Person, c.Text)
	}
	seq, at = 0, 0
	e.body = binary.AppendUvarint(e.body, uint64(len(s.Questions)))
	for _, q := range s.Questions {
		line(q.Seq, q.At, q.Person, q.Text)
		e.body = binary.AppendUvarint(e.body, uint64(q.Votes))
		e.body = append(e.body, flags(q.Answered))
	}
	e.body = binary.AppendUvarint(e.body, uint64(len(s.Interest)))
	for i, sig := range s.Interest {
		e.ref(sig.StartupID)
		e.ref(sig.UserID)
		e.ref(sig.UserName)
		e.body = binary.AppendVarint(e.body, sig.At.UnixMilli())
		e.body = binary.AppendVarint(e.body, int64(s.InterestBy[i])+1)
	}
	e.body = binary.AppendUvarint(e.body, uint64(len(stages)))
	e.body = append(e.body, stages...)
	out := e.appendStrings([]byte{settledVersion})
	return append(out, e.body...), nil
}

// DecodeSettled reads what EncodeSettled wrote. Its strings share b's
// bytes, as DecodeLog's do.
func DecodeSettled(b string) (*Settled, error) {
	if len(b) == 0 || b[0] != settledVersion {
		return nil, errCorrupt
	}
	d := logDecoder{s: b, i: 1}
	strs := d.strings(logVersion)
	ref := func() string { return d.ref(strs) }
	count := func() int {
		n := d.uvarint()
		if n > uint64(len(b)) { // each entry takes a byte at least
			d.bad = true
			return 0
		}
		return int(n)
	}
	s := &Settled{}
	s.People = make([]Author, count())
	for i := range s.People {
		s.People[i].UserID = ref()
		s.People[i].Name = ref()
	}
	var seq, at int64
	line := func() (int64, int64, int32, string) {
		seq += d.varint()
		at += d.varint()
		p := d.uvarint()
		if p >= uint64(len(s.People)) {
			d.bad = true
		}
		return seq, at, int32(p), d.str()
	}
	s.Chat = make([]SettledLine, count())
	for i := range s.Chat {
		c := &s.Chat[i]
		c.Seq, c.At, c.Person, c.Text = line()
	}
	seq, at = 0, 0
	s.Questions = make([]SettledQuestion, count())
	for i := range s.Questions {
		q := &s.Questions[i]
		q.Seq, q.At, q.Person, q.Text = line()
		q.Votes = int32(d.uvarint())
		q.Answered = d.byte()&1 != 0
	}
	n := count()
	s.Interest, s.InterestBy = make([]InterestSignal, n), make([]int32, n)
	for i := range s.Interest {
		sig := &s.Interest[i]
		sig.StartupID = ref()
		sig.UserID = ref()
		sig.UserName = ref()
		sig.At = time.UnixMilli(d.varint()).UTC()
		by := d.varint() - 1
		if by < -1 || by >= int64(len(s.People)) {
			d.bad = true
		}
		s.InterestBy[i] = int32(by)
	}
	stages := d.take(d.uvarint())
	if d.bad || d.i != len(d.s) {
		return nil, errCorrupt
	}
	var err error
	if s.Stages, err = DecodeLog(stages); err != nil {
		return nil, err
	}
	return s, nil
}
