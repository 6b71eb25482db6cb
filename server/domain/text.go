package domain

import (
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CleanText is the platform's rule for text people submit: it is stored in
// Unicode NFC with line breaks as "\n", and without characters that show
// nothing but change what is shown or compared. Removed: control
// characters (C0 but tab and line feed, DEL, C1), format characters
// (zero-width spaces and joiners, bidirectional overrides and isolates,
// the byte-order mark, soft hyphens, tag characters), and the blank
// letters used to make names look empty (Hangul fillers, the braille
// blank). A zero-width joiner between two symbols stays: it builds emoji.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	r := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, c := range r {
		switch {
		case c == '\r' || c == '\u2028' || c == '\u2029':
			b.WriteRune('\n')
		case c == '\u200d' && i > 0 && i+1 < len(r) && emojiPart(r[i-1]) && emojiPart(r[i+1]):
			b.WriteRune(c)
		case invisible(c):
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// isClean reports whether CleanText would return s unchanged, cheaply for
// the common case of plain text.
func isClean(s string) bool {
	for _, c := range s {
		if c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && (invisible(c) || c == '\u2028' || c == '\u2029' || c == '\u200d') {
			return false
		}
	}
	return norm.NFC.IsNormalString(s)
}

func invisible(c rune) bool {
	switch c {
	case '\n', '\t':
		return false
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800', '\ufffe', '\uffff':
		return true
	}
	return unicode.IsControl(c) || unicode.Is(unicode.Cf, c)
}

func emojiPart(c rune) bool {
	return unicode.Is(unicode.So, c) || unicode.Is(unicode.Sk, c) || (c >= 0xfe00 && c <= 0xfe0f) || (c >= 0x1f3fb && c <= 0x1f3ff)
}

// DateIn reports whether t lies within [min, max]. The plausible ranges of
// the platform's dates are below; each field's validation names its own.
func DateIn(t, min, max time.Time) bool { return !t.Before(min) && !t.After(max) }

// Plausible dates.
var (
	// EarliestDate is the earliest date any field accepts (an incubation
	// or founding date): before it a date is a typo or a zero value.
	EarliestDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
)

// ScheduleHorizon is how far ahead an event may be scheduled.
const ScheduleHorizon = 2 * 366 * 24 * time.Hour
