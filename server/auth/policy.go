package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password policy limits, in characters.
const (
	MinPassword = 10
	MaxPassword = 128
)

// Stable codes of the password policy's refusals; the web app words them.
const (
	PasswordTooShort = "password_too_short"
	PasswordTooLong  = "password_too_long"
	PasswordIsEmail  = "password_is_email"
	PasswordCommon   = "password_common"
)

//go:embed common-passwords.txt
var commonList string

// common is the embedded list of common passwords, lowercased; see
// scripts/commonpasswords.sh for where it comes from.
var common = func() map[string]struct{} {
	m := make(map[string]struct{}, 4096)
	for _, line := range strings.Split(commonList, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			m[line] = struct{}{}
		}
	}
	return m
}()

// CheckPassword applies the password policy to pw for the account email and
// returns the code of the first rule it breaks, or "" if it is acceptable:
// 10 to 128 characters, not the email or its local part (nor either with
// digits or symbols around it), and not a common password.
func CheckPassword(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPassword:
		return PasswordTooShort
	case n > MaxPassword:
		return PasswordTooLong
	}
	l := strings.ToLower(pw)
	core := strings.TrimFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	email = strings.ToLower(strings.TrimSpace(email))
	if email != "" {
		local, _, _ := strings.Cut(email, "@")
		for _, s := range []string{l, core} {
			if s == email || (utf8.RuneCountInString(local) >= 3 && s == local) {
				return PasswordIsEmail
			}
		}
	}
	if IsCommonPassword(l) {
		return PasswordCommon
	}
	return ""
}

// IsCommonPassword reports whether pw is, or is trivially made from, a
// common password: one on the list, a list word with digits or symbols
// before or after it ("password2024!"), a short piece or a list word
// repeated ("abcabcabcabc"), a run of consecutive characters
// ("1234567890", "zyxwvutsrq"), or fewer than four distinct characters.
func IsCommonPassword(pw string) bool {
	l := strings.ToLower(pw)
	if _, ok := common[l]; ok {
		return true
	}
	core := strings.TrimFunc(l, func(r rune) bool { return !unicode.IsLetter(r) })
	if _, ok := common[core]; ok && core != "" {
		return true
	}
	r := []rune(l)
	distinct := map[rune]bool{}
	for _, c := range r {
		distinct[c] = true
	}
	if len(distinct) < 4 {
		return true
	}
	for p := 1; p <= len(r)/2; p++ {
		if len(r)%p != 0 || strings.Repeat(string(r[:p]), len(r)/p) != l {
			continue
		}
		if _, ok := common[string(r[:p])]; ok || p <= 4 {
			return true
		}
	}
	return consecutive(r)
}

// consecutive reports whether each character follows the one before it by
// the same step of +1 or -1 ("0123456789", "abcdefghij", "9876543210").
func consecutive(r []rune) bool {
	if len(r) < 2 {
		return false
	}
	step := r[1] - r[0]
	if step != 1 && step != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if r[i]-r[i-1] != step {
			return false
		}
	}
	return true
}
