package main

// Making a query from a profile's words as people type them: a prefix, a
// typo, pinyin or its initials, a sector's synonym, a same-sound character.

import (
	"math/rand/v2"
	"strings"

	"github.com/mozillazg/go-pinyin"
	"github.com/yuechuang/yuechuang/search"
)

// cut returns the first lo..hi characters of s, or "" if s is shorter than lo.
func cut(s string, lo, hi int) string {
	rs := []rune(s)
	if len(rs) < lo {
		return ""
	}
	return string(rs[:min(len(rs), hi)])
}

// typo drops one inner letter of a word of 5+ letters, as a hurried typist does.
func typo(r *rand.Rand, w string) string {
	if len(w) < 5 {
		return ""
	}
	i := 1 + r.IntN(len(w)-2)
	return w[:i] + w[i+1:]
}

// spell writes s in pinyin (or its initials), the common reading.
func spell(s string, initials bool) string {
	a := pinyin.NewArgs()
	var b strings.Builder
	for _, p := range pinyin.LazyPinyin(s, a) {
		if initials {
			b.WriteByte(p[0])
		} else {
			b.WriteString(p)
		}
	}
	return b.String()
}

// synonym picks a Latin term from the sector's synonyms.
func synonym(r *rand.Rand, v search.Vocabulary, code string) string {
	for _, s := range v.Sectors {
		if s.Code != code {
			continue
		}
		var latin []string
		for _, set := range s.Synonyms {
			for _, t := range set {
				if t != "" && t[0] < 0x80 {
					latin = append(latin, t)
				}
			}
		}
		if len(latin) > 0 {
			return pick(r, latin)
		}
	}
	return ""
}

// homophoneTable maps a toneless reading to common characters with it.
func homophoneTable() map[string][]rune {
	out := map[string][]rune{}
	a := pinyin.NewArgs()
	for c := rune(0x4e00); c <= 0x9fa5; c++ {
		if p := pinyin.SinglePinyin(c, a); len(p) == 1 {
			out[p[0]] = append(out[p[0]], c)
		}
	}
	return out
}

// homophone replaces one character of a 2+ character word with another of
// the same sound.
func homophone(r *rand.Rand, table map[string][]rune, w string) string {
	rs := []rune(w)
	if len(rs) < 2 {
		return ""
	}
	i := r.IntN(len(rs))
	p := pinyin.SinglePinyin(rs[i], pinyin.NewArgs())
	if len(p) == 0 {
		return ""
	}
	for _, c := range table[p[0]] {
		if c != rs[i] {
			rs[i] = c
			return string(rs)
		}
	}
	return ""
}
