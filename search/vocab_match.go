package search

import "strings"

// A profile's sectors and districts stand for all their vocabulary terms
// (芯片, chip, IC… for the 集成电路 sector): "chip" finds a 集成电路 startup
// that never wrote the word. The embedded engine does not copy those terms
// into every profile; it matches a query's words against the vocabulary
// (a few hundred terms) and asks the index for the profiles of the
// sectors and districts that matched, one facet term each (fc). Each way a
// word can match a profile's own text, it can match an entry's terms here,
// by the same rules the index applies to text.

// entryTerms is one sector's or district's terms as the index would read them.
type entryTerms struct {
	facet   string          // its facet term: "sector:ic"
	tokens  map[string]bool // words and single Han characters (the std field)
	words   []string        // the Latin words among tokens, for typos and prefixes
	bigrams map[string]bool // Han bigrams (the zh_bi field)
	pinyin  map[string]bool // pinyin terms (pinyinTerms, as for tags)
	phrases []string        // Han runs of two or more characters, for near misses
}

func newEntryTerms(facet string, terms []string) entryTerms {
	e := entryTerms{facet: facet, tokens: map[string]bool{}, bigrams: map[string]bool{}, pinyin: map[string]bool{}}
	var py pinyinTerms
	for _, t := range terms {
		for _, r := range splitRuns(t) {
			if !r.han {
				if !e.tokens[r.text] {
					e.words = append(e.words, r.text)
				}
				e.tokens[r.text] = true
				continue
			}
			rs := []rune(r.text)
			for i, c := range rs {
				e.tokens[string(c)] = true
				if i+1 < len(rs) {
					e.bigrams[string(rs[i:i+2])] = true
				}
			}
			if len(rs) >= 2 {
				e.phrases = append(e.phrases, r.text)
			}
		}
		py.add(t, pyPhrase)
	}
	for _, p := range append(py.full, py.initials...) {
		e.pinyin[p] = true
	}
	return e
}

// literal reports whether the entry's terms contain the run as the index
// matches text: a Han character, every bigram of a Han run, a Latin word
// (as typed: by prefix or within the typos tolerated, first letter right).
func (e *entryTerms) literal(r run, typed bool) bool {
	rs := []rune(r.text)
	switch {
	case r.han && len(rs) == 1:
		return e.tokens[r.text]
	case r.han:
		for i := 0; i+1 < len(rs); i++ {
			if !e.bigrams[string(rs[i:i+2])] {
				return false
			}
		}
		return true
	case !typed:
		return e.tokens[r.text]
	}
	fuzz := fuzziness(r.text)
	for _, w := range e.words {
		if strings.HasPrefix(w, r.text) || fuzz > 0 && w[0] == r.text[0] && editDistance(w, r.text) <= fuzz {
			return true
		}
	}
	return false
}

// sound reports whether the entry's pinyin has every term.
func (e *entryTerms) sound(terms []string) bool {
	for _, t := range terms {
		if !e.pinyin[t] {
			return false
		}
	}
	return len(terms) > 0
}

// near reports whether one of the entry's phrases is one character from han.
func (e *entryTerms) near(han string) bool {
	for _, p := range e.phrases {
		if editDistance(p, han) <= 1 {
			return true
		}
	}
	return false
}

// facetsWhere returns the facet terms of the entries for which ok holds.
func (c *vocab) facetsWhere(ok func(*entryTerms) bool) []string {
	var out []string
	for i := range c.matchers {
		if ok(&c.matchers[i]) {
			out = append(out, c.matchers[i].facet)
		}
	}
	return out
}
