package app

import (
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoomFold is what a roadshow's record shows of its room's log
// (roadshow.Settled: the visible chat and questions, each author once, the
// stages, the interest), with what answering it from memory needs: which
// texts need no escaping in JSON, and the authors' display names as last
// looked up. The record shows each person's current name
// (Roadshows.Record). Callers must not change it.
type RoomFold struct {
	*roadshow.Settled
	// plain says which strings are written in JSON as they are
	// (jsonPlain), found once when the fold is made: People's ids, then
	// Chat's texts, then Questions'.
	plain []bool
	// names are People's display names as last looked up, with the
	// version they were found at (Roadshows.authorNames).
	names atomic.Pointer[foldNames]
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
	f := &RoomFold{Settled: s, plain: make([]bool, 0, len(s.People)+len(s.Chat)+len(s.Questions))}
	for _, p := range s.People {
		f.plain = append(f.plain, jsonPlain(p.UserID))
	}
	for _, c := range s.Chat {
		f.plain = append(f.plain, jsonPlain(c.Text))
	}
	for _, q := range s.Questions {
		f.plain = append(f.plain, jsonPlain(q.Text))
	}
	return f
}

// plainID, plainChat and plainQuestion say whether a person's id, a
// message's or a question's text needs no escaping in JSON.
func (f *RoomFold) plainID(person int32) bool { return f.plain[person] }
func (f *RoomFold) plainChat(i int) bool      { return f.plain[len(f.People)+i] }
func (f *RoomFold) plainQuestion(i int) bool  { return f.plain[len(f.People)+len(f.Chat)+i] }

// msTime is a time the log kept to the millisecond, as the database gives
// times back.
func msTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// size is about the bytes f holds, for the bound on rooms in memory (a
// full room of 2,000 events: about 240 KB on the heap, its strings sharing
// the decoded record's bytes).
func (f *RoomFold) size() int {
	n := 4096 + 176*(len(f.Stages)+len(f.Interest)) // a signal's name too
	for _, p := range f.People {
		n += 58 + len(p.UserID) + len(p.Name) // the entry and its looked-up name
	}
	for _, c := range f.Chat {
		n += 41 + len(c.Text)
	}
	for _, q := range f.Questions {
		n += 49 + len(q.Text)
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
