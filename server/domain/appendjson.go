package domain

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// The deal flow is the API's busiest computed answer. Its cards and reasons
// are flat structs of strings and numbers, so they are written straight
// into the response buffer instead of going through reflection; each
// AppendJSON decodes to exactly what encoding/json makes of the same value
// (TestAppendJSONMatchesEncoding), so the struct tags stay the contract.

// AppendJSON appends c's JSON encoding to b.
func (c *StartupCard) AppendJSON(b []byte) []byte {
	if c == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = AppendJSONString(b, c.ID)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, c.Name)
	b = append(b, `,"oneLiner":`...)
	b = AppendJSONString(b, c.OneLiner)
	b = append(b, `,"sector":`...)
	b = AppendJSONString(b, c.Sector)
	b = append(b, `,"stage":`...)
	b = AppendJSONString(b, c.Stage)
	b = append(b, `,"askWan":`...)
	b = AppendJSONFloat(b, c.AskWan)
	b = append(b, `,"district":`...)
	b = AppendJSONString(b, c.District)
	b = append(b, `,"spaceId":`...)
	b = AppendJSONString(b, c.SpaceID)
	b = append(b, `,"teamSize":`...)
	b = strconv.AppendInt(b, int64(c.TeamSize), 10)
	b = append(b, `,"foundedYear":`...)
	b = strconv.AppendInt(b, int64(c.FoundedYear), 10)
	b = append(b, `,"traction":`...)
	b = AppendJSONString(b, c.Traction)
	b = append(b, `,"tags":`...)
	b = AppendJSONArray(b, c.Tags, func(t *string, b []byte) []byte { return AppendJSONString(b, *t) })
	b = append(b, `,"updatedAt":`...)
	b = appendJSONTime(b, c.UpdatedAt)
	if c.PublishedAt != nil {
		b = append(b, `,"publishedAt":`...)
		b = appendJSONTime(b, *c.PublishedAt)
	}
	return append(b, '}')
}

// AppendJSON appends r's JSON encoding to b.
func (r *Reason) AppendJSON(b []byte) []byte {
	if r.raw != nil {
		return append(b, r.raw...)
	}
	b = append(b, `{"code":`...)
	b = AppendJSONString(b, r.Code)
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, r.OK)
	for _, f := range [...]struct{ key, v string }{{`,"sector":`, r.Sector}, {`,"family":`, r.Family},
		{`,"stage":`, r.Stage}, {`,"district":`, r.District}, {`,"contest":`, r.Contest}} {
		if f.v != "" {
			b = append(b, f.key...)
			b = AppendJSONString(b, f.v)
		}
	}
	for _, f := range [...]struct {
		key string
		v   float64
	}{{`,"askWan":`, r.AskWan}, {`,"minWan":`, r.MinWan}, {`,"maxWan":`, r.MaxWan}} {
		if f.v != 0 {
			b = append(b, f.key...)
			b = AppendJSONFloat(b, f.v)
		}
	}
	if r.Place != 0 {
		b = append(b, `,"place":`...)
		b = strconv.AppendInt(b, int64(r.Place), 10)
	}
	return append(b, '}')
}

// AppendJSONArray appends xs as a JSON array, each element by appendOne
// (a method expression such as (*Reason).AppendJSON fits),
// and a nil slice as null (as encoding/json does).
func AppendJSONArray[T any](b []byte, xs []T, appendOne func(*T, []byte) []byte) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendOne(&xs[i], b)
	}
	return append(b, ']')
}

// AppendPageFields appends a List's paging fields, as encoding/json writes
// them after its items: ,"total":…,"page":…,"pageSize":….
func AppendPageFields(b []byte, total, page, pageSize int) []byte {
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(page), 10)
	b = append(b, `,"pageSize":`...)
	return strconv.AppendInt(b, int64(pageSize), 10)
}

// AppendJSONFloat appends f as encoding/json writes a float64.
func AppendJSONFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(b, "null"...) // encoding/json refuses these; no field here can hold one
	}
	abs := math.Abs(f)
	// Whole numbers and tenths (scores, money in 万元) without strconv's
	// shortest-digits search: when f is exactly n/10 as a division gives
	// it, the decimal n/10 reads back as f and nothing shorter does.
	if n := math.Round(f * 10); abs < 1e14 && f != 0 && n/10 == f {
		i := int64(n)
		if i < 0 {
			b = append(b, '-')
			i = -i
		}
		b = strconv.AppendInt(b, i/10, 10)
		if d := i % 10; d != 0 {
			b = append(b, '.', byte('0'+d))
		}
		return b
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s quoted, escaping as encoding/json does
// (HTML-safe, invalid UTF-8 replaced, U+2028/U+2029 escaped).
func AppendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return appendJSONStringSlow(b, s)
	}
	// Valid UTF-8, so only ASCII bytes and the lead byte of U+2028 and
	// U+2029 (E2 80 A8/A9) can need escaping: the CJK text that fills
	// these strings is copied without decoding a rune.
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				b = append(b, s[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[s[i+2]&0xF])
				i += 2
				start = i + 1
			}
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		b = append(b, s[start:i]...)
		b = appendEscapedASCII(b, c)
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
}

// appendJSONStringSlow is AppendJSONString for invalid UTF-8.
func appendJSONStringSlow(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedASCII(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
