package app

import (
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoomFold is what a roadshow's record shows of its room's log
// (roadshow.Settled: the visible chat and questions, each author once, the
// stages, the interest), with what answering it from memory needs: which
// texts need no escaping in JSON, and the authors' display names as last
// looked up. The record shows each person's current name
// (Roadshows.Record). Callers must not change it.
//
// A city holds a few hundred ended rooms' folds (roomCache), each about
// 2,000 messages and questions. Held as roadshow.Settled they were a tree
// of strings, a pointer per message that every cycle of the garbage
// collector followed; a fold is therefore packed: every string it shows
// lies in one of two blocks (text, and ids for the ids' hex forms), and
// the people, messages and questions are spans of them, so that the
// collector marks a held fold's few blocks and scans none of their
// contents. Only the stages and the interest signals, a few dozen, stay as
// the fold made them.
//
// A settled room's fold is read from its stored record (foldStored): its
// text is the record's bytes as stored, which hold every text and name in
// place, so a room's first read since start copies no text and builds no
// roadshow.Settled to pack (each was a large allocation, and on a machine
// where page faults are dear a first read paid for every page of them).
type RoomFold struct {
	// text and ids hold the strings the spans below are of (span.id says
	// which); for a stored fold, text is the stored record's bytes.
	text, ids string
	people    []foldPerson
	chat      []foldMessage
	questions []foldQuestion
	// Stages are the stage changes and the end, as logged.
	Stages   []roadshow.Logged
	Interest []roadshow.InterestSignal
	// InterestBy is each signal's investor in the people, or -1 if they
	// wrote nothing.
	InterestBy []int32
	// names are the people's display names as last looked up, with the
	// version they were found at (Roadshows.authorNames).
	names atomic.Pointer[foldNames]
}

// span is a string of a fold's text, or with the top bit of off set
// (spanID), of its ids.
type span struct{ off, n uint32 }

const spanID = 1 << 31

// foldPerson is an author as the log recorded them (roadshow.Author).
type foldPerson struct {
	id, name span
	plainID  bool // the id is written in JSON as it is (jsonPlain)
}

// foldMessage is a visible chat message (roadshow.SettledLine).
type foldMessage struct {
	Seq    int64
	At     int64 // Unix milliseconds, as the log keeps it
	Person int32 // in the fold's people
	text   span
	plain  bool
}

// foldQuestion is a visible question (roadshow.SettledQuestion).
type foldQuestion struct {
	Seq      int64
	At       int64 // Unix milliseconds
	Person   int32
	Votes    int32
	text     span
	Answered bool
	plain    bool
}

type foldNames struct {
	version NamesVersion
	names   []string
	plain   []bool // which names are written in JSON as they are (jsonPlain)
	// interest names each interest signal whose investor is not in
	// People (InterestBy -1): they showed interest and wrote nothing.
	interest []string
}

// newRoomFold packs a live or just-ended room's fold, copying its strings
// into the fold's text.
func newRoomFold(s *roadshow.Settled) *RoomFold {
	n := 0
	for _, p := range s.People {
		n += len(p.UserID) + len(p.Name)
	}
	for _, c := range s.Chat {
		n += len(c.Text)
	}
	for _, q := range s.Questions {
		n += len(q.Text)
	}
	f := &RoomFold{people: make([]foldPerson, len(s.People)), chat: make([]foldMessage, len(s.Chat)),
		questions: make([]foldQuestion, len(s.Questions)), Stages: s.Stages, Interest: s.Interest, InterestBy: s.InterestBy}
	var text strings.Builder
	text.Grow(n)
	put := func(str string) span {
		sp := span{off: uint32(text.Len()), n: uint32(len(str))}
		text.WriteString(str)
		return sp
	}
	for i, p := range s.People {
		f.people[i] = foldPerson{id: put(p.UserID), name: put(p.Name), plainID: jsonPlain(p.UserID)}
	}
	for i, c := range s.Chat {
		f.chat[i] = foldMessage{Seq: c.Seq, At: c.At, Person: c.Person, text: put(c.Text), plain: jsonPlain(c.Text)}
	}
	for i, q := range s.Questions {
		f.questions[i] = foldQuestion{Seq: q.Seq, At: q.At, Person: q.Person, Votes: q.Votes, text: put(q.Text),
			Answered: q.Answered, plain: jsonPlain(q.Text)}
	}
	f.text = text.String()
	return f
}

// foldStored makes a settled room's fold from its stored record (raw, in
// roadshow.EncodeSettled's form), keeping raw as its text: the spans are
// the places roadshow.WalkSettled gives. The stages' and interest
// signals' strings share raw too, which the fold keeps anyway.
func foldStored(raw string) (*RoomFold, error) {
	f := &RoomFold{text: raw}
	ids, rest, err := roadshow.WalkSettled(raw, (*foldWalk)(f))
	if err != nil {
		return nil, err
	}
	f.ids, f.Stages, f.Interest, f.InterestBy = ids, rest.Stages, rest.Interest, rest.InterestBy
	for i := range f.people { // the ids' hex forms were written after the walk read the people
		f.people[i].plainID = jsonPlain(f.str(f.people[i].id))
	}
	return f, nil
}

// foldWalk is a fold as roadshow.WalkSettled fills it (foldStored).
type foldWalk RoomFold

func foldSpan(s roadshow.Span) span {
	if s.ID {
		return span{off: s.Off | spanID, n: s.N}
	}
	return span{off: s.Off, n: s.N}
}

func (f *foldWalk) People(n int) { f.people = make([]foldPerson, 0, n) }
func (f *foldWalk) Person(id, name roadshow.Span) {
	f.people = append(f.people, foldPerson{id: foldSpan(id), name: foldSpan(name)})
}
func (f *foldWalk) Chat(n int) { f.chat = make([]foldMessage, 0, n) }
func (f *foldWalk) Line(seq, at int64, person int32, text roadshow.Span) {
	t := foldSpan(text)
	f.chat = append(f.chat, foldMessage{Seq: seq, At: at, Person: person, text: t, plain: jsonPlain((*RoomFold)(f).str(t))})
}
func (f *foldWalk) Questions(n int) { f.questions = make([]foldQuestion, 0, n) }
func (f *foldWalk) Question(seq, at int64, person int32, text roadshow.Span, votes int32, answered bool) {
	t := foldSpan(text)
	f.questions = append(f.questions, foldQuestion{Seq: seq, At: at, Person: person, Votes: votes, text: t, Answered: answered,
		plain: jsonPlain((*RoomFold)(f).str(t))})
}

// str is a span of the fold's text or ids, not a copy: the fold's strings
// never change.
func (f *RoomFold) str(s span) string {
	if s.off&spanID != 0 {
		off := s.off &^ spanID
		return f.ids[off : off+s.n]
	}
	return f.text[s.off : s.off+s.n]
}

// authors returns the fold's people as the log recorded them.
func (f *RoomFold) authors() []roadshow.Author {
	out := make([]roadshow.Author, len(f.people))
	for i, p := range f.people {
		out[i] = roadshow.Author{UserID: f.str(p.id), Name: f.str(p.name)}
	}
	return out
}

// msTime is a time the log kept to the millisecond, as the database gives
// times back.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// size is about the bytes f holds, for the bound on rooms in memory: its
// text, its packed entries, and the stages and interest as the fold made
// them (a signal's name too) with the people's looked-up names.
func (f *RoomFold) size() int {
	n := 4096 + len(f.text) + len(f.ids) + 176*(len(f.Stages)+len(f.Interest))
	n += int(unsafe.Sizeof(foldPerson{}))*len(f.people) + int(unsafe.Sizeof(foldMessage{}))*len(f.chat) + int(unsafe.Sizeof(foldQuestion{}))*len(f.questions)
	for _, p := range f.people {
		n += 16 + int(p.name.n) // the looked-up name, about as long as the logged one
	}
	return n
}

// jsonPlain reports whether s is written in JSON as it is, between quotes:
// valid UTF-8 with nothing that domain.AppendJSONString escapes (control
// characters, quotes, backslashes, HTML's <, > and &, U+2028 and U+2029).
// Most messages are; the record checks each once, when it is folded, in
// one pass: a full room's 3,000 strings are checked on its first read.
func jsonPlain(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonEscaped[c] {
				return false
			}
			i++
			continue
		}
		// Three bytes whose lead needs no check of the second byte's
		// range (not E0, overlong below it, nor ED, the surrogates): most
		// Chinese text.
		if 0xE1 <= c && c <= 0xEF && c != 0xED && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			if c == 0xE2 && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				return false
			}
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || r == '\u2028' || r == '\u2029' { // n == 1: not UTF-8
			return false
		}
		i += n
	}
	return true
}

// jsonEscaped says which ASCII bytes domain.AppendJSONString escapes.
var jsonEscaped = func() (t [utf8.RuneSelf]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'], t['<'], t['>'], t['&'] = true, true, true, true, true
	return t
}()
