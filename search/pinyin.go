package search

import (
	"sort"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin comes from github.com/mozillazg/go-pinyin: its table gives every
// reading of each character (heteronyms), so a name with a polyphone (会稽
// is kuaiji, though many type huiji; 石 is shi or dan) is indexed under each
// reading and found whichever the user types.

// maxReadings bounds the readings kept per character: the table lists rare
// ones too, and each adds index terms.
const maxReadings = 3

// readings returns the toneless readings of a Han character, most common
// first ("v" for ü, as on phone keyboards), or nil for other runes. The
// table is computed once (pinyinTable): the library's per-call conversion
// allocates, and indexing and highlighting ask for the same characters
// again and again.
func readings(r rune) []string { return pinyinTable().readings[r] }

// pinyinData is the library's table as the engines use it.
type pinyinData struct {
	readings  map[rune][]string // at most maxReadings per character
	syllables map[string]bool   // every toneless syllable
}

var pinyinTable = sync.OnceValue(func() pinyinData {
	d := pinyinData{readings: make(map[rune][]string, len(pinyin.PinyinDict)), syllables: map[string]bool{}}
	a := pinyin.NewArgs()
	a.Heteronym = true
	a.Fallback = func(rune, pinyin.Args) []string { return nil }
	for code := range pinyin.PinyinDict {
		var out []string
		for _, p := range pinyin.SinglePinyin(rune(code), a) {
			if p == "" {
				continue
			}
			d.syllables[p] = true
			if !contains(out, p) && len(out) < maxReadings {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			d.readings[rune(code)] = out
		}
	}
	return d
})

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// initial is what people type for a syllable when typing initials: its
// first letter (zh, ch and sh are typed z, c, s).
func initial(syllable string) byte { return syllable[0] }

// maxSyllable is the longest syllable's length (zhuang, shuang).
const maxSyllable = 6

// segment splits a Latin word into pinyin syllables, fewest syllables
// first, or returns nil if it does not read as pinyin. "xinpian" is
// [xin pian]; "chip" is nil.
func segment(word string) []string {
	set := pinyinTable().syllables
	n := len(word)
	if n == 0 || n > 40 {
		return nil
	}
	// best[i] is the fewest syllables covering word[i:]; next[i] the cut.
	best := make([]int, n+1)
	next := make([]int, n+1)
	for i := n - 1; i >= 0; i-- {
		best[i] = -1
		for l := min(maxSyllable, n-i); l >= 1; l-- {
			if set[word[i:i+l]] && best[i+l] >= 0 && (best[i] < 0 || best[i+l]+1 < best[i]) {
				best[i], next[i] = best[i+l]+1, i+l
			}
		}
	}
	if best[0] < 0 {
		return nil
	}
	var out []string
	for i := 0; i < n; i = next[i] {
		out = append(out, word[i:next[i]])
	}
	return out
}

// looksLikeInitials reports whether a Latin word can be pinyin initials
// (hj, jhzb, sxkcjj): 2 to 12 letters, no vowel.
func looksLikeInitials(word string) bool {
	if len(word) < 2 || len(word) > 12 {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c < 'a' || c > 'z' || strings.IndexByte("aeiouv", c) >= 0 {
			return false
		}
	}
	return true
}

// pinyinTerms are the index terms that let Han text be found by pinyin:
// every syllable (each reading), every two adjacent syllables written
// together ("huangjiu"), and the initials of every two adjacent characters
// ("hj"). A query of several syllables requires all its adjacent pairs, as
// a Han query requires all its bigrams.
type pinyinTerms struct{ full, initials []string }

// How much of a text's pinyin is indexed.
const (
	pyFull   = iota // syllables and pairs, every reading
	pyPhrase        // and initials of the most common reading (tags, terms)
	pyName          // and initials of every reading (names: 会稽 is hj and kj)
)

// add adds the terms of text's Han runs. Rare readings make initials noisy
// (越 is also huo, so 越剧 would be "hj"), so only names get all of them.
func (p *pinyinTerms) add(text string, mode int) {
	for _, r := range splitRuns(text) {
		if !r.han {
			continue
		}
		var prev []string
		for _, c := range r.text {
			cur := readings(c)
			p.full = append(p.full, cur...)
			for i, a := range prev {
				for j, b := range cur {
					p.full = append(p.full, a+b)
					if mode == pyName || mode == pyPhrase && i == 0 && j == 0 {
						p.initials = append(p.initials, string([]byte{initial(a), initial(b)}))
					}
				}
			}
			prev = cur
		}
	}
}

// sorted returns xs sorted without duplicates.
func sorted(xs []string) []string {
	if len(xs) == 0 {
		return []string{}
	}
	sort.Strings(xs)
	out := xs[:1]
	for _, x := range xs[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// pairs returns the adjacent pairs of syllables written together, the
// query terms for a syllable sequence; one syllable is its own term.
func pairs(syl []string) []string {
	if len(syl) == 1 {
		return syl
	}
	out := make([]string, 0, len(syl)-1)
	for i := 0; i+1 < len(syl); i++ {
		out = append(out, syl[i]+syl[i+1])
	}
	return out
}

// letterPairs returns the adjacent letter pairs of initials ("sxkc" → sx xk kc).
func letterPairs(ini string) []string {
	out := make([]string, 0, len(ini)-1)
	for i := 0; i+1 < len(ini); i++ {
		out = append(out, ini[i:i+2])
	}
	return out
}

// hanReadings returns the pinyin spellings of a Han run, one per
// combination of readings, most common first, at most limit.
func hanReadings(han string, limit int) [][]string {
	out := [][]string{{}}
	for _, c := range han {
		rs := readings(c)
		if len(rs) == 0 {
			return nil
		}
		var next [][]string
		for _, prefix := range out {
			for _, r := range rs {
				if len(next) == limit {
					break
				}
				next = append(next, append(append([]string(nil), prefix...), r))
			}
		}
		out = next
	}
	return out
}
