package search

// Query analysis: what a query's words may mean besides themselves. Both
// engines use it, and so does the highlighter, so a hit is explained by the
// same reading of the query that found it.

// maxSpellings bounds the pinyin spellings of one Han word tried at once
// (one per combination of polyphone readings).
const maxSpellings = 4

// word is one unit of a query: a run of Han characters, a Latin word, or
// several Latin words that together are a vocabulary term ("rice wine").
// Every word of a query must match (AND); a word matches when its text or
// any of its alternatives does (OR).
type word struct {
	runs []run // the text as typed (several only for a multi-word term)
	// synonyms are the other terms of the word's vocabulary groups.
	synonyms []string
	// spellings are pinyin syllable sequences the word may stand for: a
	// Latin word that reads as pinyin (xinpian → xin pian), or the
	// readings of a Han word (芯偏 → xin pian, so a same-sound wrong
	// character still finds 芯片).
	spellings [][]string
	// initials is set when a Latin word can be pinyin initials (jhzb).
	initials string
	// nearHan is set for a Han word of 3+ characters: it may match a key
	// phrase one character away (a wrong, missing or extra character).
	nearHan bool
}

// text returns the word as typed, words joined by spaces.
func (w word) text() string {
	if len(w.runs) == 1 {
		return w.runs[0].text
	}
	s := ""
	for i, r := range w.runs {
		if i > 0 {
			s += " "
		}
		s += r.text
	}
	return s
}

func (w word) han() bool { return len(w.runs) == 1 && w.runs[0].han }

// maxTermWords is the most Latin words a vocabulary term spans.
const maxTermWords = 4

// analyze reads a query. v may be nil (no vocabulary).
func analyze(v *vocab, q string) []word {
	runs := queryRuns(q)
	var out []word
	for i := 0; i < len(runs); {
		n := 1
		if v != nil && !runs[i].han {
			// The longest run of Latin words that is a vocabulary term.
			for k := min(maxTermWords, len(runs)-i); k > 1; k-- {
				key := ""
				latin := true
				for _, r := range runs[i : i+k] {
					latin = latin && !r.han
					key += r.text
				}
				if latin && len(v.byKey[termKey(key)]) > 0 {
					n = k
					break
				}
			}
		}
		w := word{runs: runs[i : i+n]}
		i += n
		if v != nil {
			key := ""
			for _, r := range w.runs {
				key += r.text
			}
			w.synonyms = v.expand(termKey(key))
		}
		if len(w.runs) == 1 {
			r := w.runs[0]
			nr := len([]rune(r.text))
			switch {
			case r.han && nr >= 2:
				w.spellings = hanReadings(r.text, maxSpellings)
				w.nearHan = nr >= 3
			case !r.han && isLetters(r.text):
				// One syllable alone ("ai", "an") is too often an English
				// word or a fragment to be read as pinyin.
				if syl := segment(r.text); len(syl) >= 2 {
					w.spellings = [][]string{syl}
				}
				if looksLikeInitials(r.text) {
					w.initials = r.text
				}
			}
		}
		out = append(out, w)
	}
	return out
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}
