package app

import (
	"net/mail"
	"net/url"
	"strings"
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

// checkText requires 1..max characters, or 0..max when optional.
func checkText(v *domain.Validator, field, s string, max int, required bool) {
	n := runes(strings.TrimSpace(s))
	if required {
		v.Check(n > 0, field, "必填 / required")
	}
	v.Check(runes(s) <= max, field, tooLong(max))
}

func tooLong(max int) string {
	return "过长，最多 " + itoa(max) + " 字 / too long, at most " + itoa(max) + " characters"
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
	v.Check(len(list) <= maxListItems, field, "最多 20 项 / at most 20 items")
	seen := map[string]bool{}
	for _, c := range list {
		v.Check(allowed(c), field, "未知代码 / unknown code: "+clip(c))
		v.Check(!seen[c], field, "重复 / duplicate: "+clip(c))
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
