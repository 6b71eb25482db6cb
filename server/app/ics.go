package app

import (
	"strings"
	"time"
	"unicode/utf8"
)

// icsEvent is one VEVENT of an iCalendar feed.
type icsEvent struct {
	UID, Summary, Description, Location, URL, Category string
	Start, End, Stamp                                  time.Time
	Cancelled                                          bool
}

// writeICS renders an iCalendar (RFC 5545) object: CRLF line ends, text
// values escaped (backslash, semicolon, comma, line breaks), lines folded
// at 75 octets without splitting a character, and every time in UTC.
func writeICS(name string, events []icsEvent) []byte {
	var b strings.Builder
	line := func(s string) { foldLine(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Yuechuang//Alliance calendar//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + icsText(name))
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + icsText(e.UID))
		line("DTSTAMP:" + icsTime(e.Stamp))
		line("DTSTART:" + icsTime(e.Start))
		line("DTEND:" + icsTime(e.End))
		line("SUMMARY:" + icsText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + icsText(e.Description))
		}
		if e.Location != "" {
			line("LOCATION:" + icsText(e.Location))
		}
		if e.Category != "" {
			line("CATEGORIES:" + icsText(e.Category))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		if e.Cancelled {
			line("STATUS:CANCELLED")
		} else {
			line("STATUS:CONFIRMED")
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// icsTime is t as a UTC DATE-TIME ("20261128T093000Z").
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 3.3.11).
func icsText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldLine writes s as one content line, folded into lines of at most 75
// octets (RFC 5545 3.1): each continuation begins with a space.
func foldLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
