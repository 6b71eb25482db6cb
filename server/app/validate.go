package app

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Text limits, in characters (runes), so Chinese and English get the same room.
const (
	maxName        = 60
	maxOneLiner    = 80
	maxDescription = 5000
	maxShortText   = 500
	maxListItems   = 20
	maxAskWan      = 1_000_000 // 100亿元: anything larger is a typo
)

func runes(s string) int { return utf8.RuneCountInString(s) }

// maxLine is the longest text that must be a single line: names, titles,
// labels and tags are this short; longer texts may have line breaks.
const maxLine = 2 * maxName

// checkText requires 1..max characters, or 0..max when optional, of text
// that follows domain.CleanText (the API applies it to every JSON body it
// decodes; other roads in must too): no control or invisible characters,
// and a short text on one line. A text of only spaces counts as empty.
func checkText(v *domain.Validator, field, s string, max int, required bool) {
	n := runes(strings.TrimSpace(s))
	if required {
		v.CheckCode(n > 0, field, "required", "required")
	}
	v.CheckCode(runes(s) <= max, field, "too_long", tooLong(max))
	v.CheckCode(domain.CleanText(s) == s, field, "invisible_characters", "contains control or invisible characters")
	if max <= maxLine {
		v.CheckCode(!strings.ContainsAny(s, "\n\t"), field, "single_line", "must be a single line")
	}
}

// checkDate requires t (when set) to lie within [min, max].
func checkDate(v *domain.Validator, field string, t *time.Time, min, max time.Time) {
	if t == nil {
		return
	}
	v.CheckCode(domain.DateIn(*t, min, max), field, "date_out_of_range",
		"date must lie between "+min.Format("2006-01-02")+" and "+max.Format("2006-01-02"))
}

func tooLong(max int) string {
	return "too long, at most " + itoa(max) + " characters"
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// validURL accepts only absolute http(s) URLs, so a profile link can never
// be a javascript: or data: URL.
func validURL(s string) bool {
	if len(s) > 2000 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkCodes requires every item of list to be allowed and unique.
func checkCodes(v *domain.Validator, field string, list []string, allowed func(string) bool) {
	v.CheckCode(len(list) <= maxListItems, field, "too_many", "at most 20 items")
	seen := map[string]bool{}
	for _, c := range list {
		v.CheckCode(allowed(c), field, "invalid_choice", "unknown code: "+clip(c))
		v.CheckCode(!seen[c], field, "duplicate", "duplicate: "+clip(c))
		seen[c] = true
	}
}

// clip shortens user input echoed back in an error message.
func clip(s string) string {
	if runes(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
