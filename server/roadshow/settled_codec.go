package roadshow

import (
	"encoding/binary"
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

// DecodeSettled reads what EncodeSettled wrote (WalkSettled, with a
// string made of each place). Its strings share b's bytes, as DecodeLog's
// do, and the ids one string of their hex forms.
func DecodeSettled(b string) (*Settled, error) {
	var c settledStrings
	ids, s, err := WalkSettled(b, &c)
	if err != nil {
		return nil, err
	}
	str := func(sp Span) string {
		if sp.ID {
			return ids[sp.Off : sp.Off+sp.N]
		}
		return b[sp.Off : sp.Off+sp.N]
	}
	s.People = make([]Author, len(c.people))
	for i, p := range c.people {
		s.People[i] = Author{UserID: str(p[0]), Name: str(p[1])}
	}
	s.Chat, s.Questions = c.chat, c.questions
	for i := range s.Chat {
		s.Chat[i].Text = str(c.chatText[i])
	}
	for i := range s.Questions {
		s.Questions[i].Text = str(c.questionText[i])
	}
	return s, nil
}

// settledStrings collects a walked settled record's parts, their strings
// as places until the walk has given the ids' hex forms.
type settledStrings struct {
	people                 [][2]Span
	chat                   []SettledLine
	chatText, questionText []Span
	questions              []SettledQuestion
}

func (c *settledStrings) People(n int)         { c.people = make([][2]Span, 0, n) }
func (c *settledStrings) Person(id, name Span) { c.people = append(c.people, [2]Span{id, name}) }
func (c *settledStrings) Chat(n int) {
	c.chat, c.chatText = make([]SettledLine, 0, n), make([]Span, 0, n)
}
func (c *settledStrings) Line(seq, at int64, person int32, text Span) {
	c.chat = append(c.chat, SettledLine{Seq: seq, At: at, Person: person})
	c.chatText = append(c.chatText, text)
}
func (c *settledStrings) Questions(n int) {
	c.questions, c.questionText = make([]SettledQuestion, 0, n), make([]Span, 0, n)
}
func (c *settledStrings) Question(seq, at int64, person int32, text Span, votes int32, answered bool) {
	c.questions = append(c.questions, SettledQuestion{Seq: seq, At: at, Person: person, Votes: votes, Answered: answered})
	c.questionText = append(c.questionText, text)
}
