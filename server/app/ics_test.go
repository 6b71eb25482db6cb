package app

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestICS: the feed is RFC 5545: CRLF line ends, lines of at most 75
// octets folded without splitting a character (and unfolding gives the
// value back), text escaped, times in UTC.
func TestICS(t *testing.T) {
	at := time.Date(2026, 12, 1, 18, 30, 0, 0, time.FixedZone("CST", 8*3600))
	long := strings.Repeat("越创汇创客大赛，", 20)
	out := string(writeICS("绍兴; 联盟", []icsEvent{{UID: "event-1@yuechuang", Summary: "论坛, 第一期; 芯片\\封装", Description: long + "\n第二行",
		Location: "柯桥", Start: at, End: at.Add(2 * time.Hour), Stamp: at, Cancelled: true}}))
	if !strings.HasSuffix(out, "END:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatalf("line ends:\n%q", out)
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("a character split across lines: %q", l)
		}
	}
	unfolded := strings.ReplaceAll(out, "\r\n ", "")
	for _, want := range []string{
		"X-WR-CALNAME:绍兴\\; 联盟\r\n",
		"SUMMARY:论坛\\, 第一期\\; 芯片\\\\封装\r\n",
		"DESCRIPTION:" + long + "\\n第二行\r\n",
		"DTSTART:20261201T103000Z\r\n", "DTEND:20261201T123000Z\r\n",
		"STATUS:CANCELLED\r\n", "UID:event-1@yuechuang\r\n", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
	} {
		if !strings.Contains(unfolded, want) {
			t.Fatalf("missing %q in\n%s", want, unfolded)
		}
	}
}
