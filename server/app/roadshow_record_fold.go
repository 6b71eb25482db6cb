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
// collector followed; a fold is therefore packed when it is made: every
// string it shows copied into one byte block (text), and the people,
// messages and questions as spans of it, so that the collector marks a
// held fold's few blocks and scans none of their contents. Only the
// stages and the interest signals, a few dozen, stay as the fold made them.
type RoomFold struct {
	text      []byte // never changed once the fold is made
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

// span is a string of a fold's text.
type span struct{ off, n uint32 }

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
	f := &RoomFold{text: make([]byte, 0, n), people: make([]foldPerson, len(s.People)), chat: make([]foldMessage, len(s.Chat)),
		questions: make([]foldQuestion, len(s.Questions)), Stages: make([]roadshow.Logged, len(s.Stages)),
		Interest: make([]roadshow.InterestSignal, len(s.Interest)), InterestBy: s.InterestBy}
	// The stages' and signals' strings are copied too: a decoded record's
	// strings share its bytes (roadshow.DecodeSettled), which one of them
	// would keep whole.
	for i, l := range s.Stages {
		l.UserID, l.UserName = strings.Clone(l.UserID), strings.Clone(l.UserName)
		if e, ok := l.Event.(roadshow.Stage); ok {
			e.StartupID, e.StartupName = strings.Clone(e.StartupID), strings.Clone(e.StartupName)
			l.Event = e
		}
		f.Stages[i] = l
	}
	for i, sig := range s.Interest {
		sig.StartupID, sig.UserID, sig.UserName = strings.Clone(sig.StartupID), strings.Clone(sig.UserID), strings.Clone(sig.UserName)
		f.Interest[i] = sig
	}
	put := func(str string) span {
		sp := span{off: uint32(len(f.text)), n: uint32(len(str))}
		f.text = append(f.text, str...)
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
	return f
}

// bytes is a span of the fold's text, not to be changed.
func (f *RoomFold) bytes(s span) []byte { return f.text[s.off : s.off+s.n : s.off+s.n] }

// str is a span of the fold's text as a string (a copy).
func (f *RoomFold) str(s span) string { return string(f.bytes(s)) }

// authors returns the fold's people as the log recorded them (copies).
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
	n := 4096 + cap(f.text) + 176*(len(f.Stages)+len(f.Interest))
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
