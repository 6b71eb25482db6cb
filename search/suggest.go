package search

import (
	"strings"
)

// Suggestions while typing: names of profiles and of sectors and districts
// whose name, pinyin or initials start with what has been typed.

// SuggestQuery asks for suggestions for a prefix.
type SuggestQuery struct {
	Text  string
	Kind  Kind // empty: every kind
	Limit int
}

// Suggestion is one completion.
type Suggestion struct {
	Text string `json:"text"`
	// Kind is startup, investor or space (a profile, with its ID), or
	// sector or district (with its Code).
	Kind string `json:"kind"`
	ID   string `json:"id,omitempty"`
	Code string `json:"code,omitempty"`
}

// Suggestion index terms. A name is indexed under every prefix of itself
// (normalised as termKey does), of its pinyin and of its initials, so a
// suggestion is one term lookup whatever has been typed so far.
const (
	maxSuggestRunes  = 12 // prefixes of the name as written
	maxSuggestLetter = 24 // prefixes of its pinyin
	maxVocabSuggest  = 3  // sectors and districts among the suggestions
)

// suggestTerms returns the sug field's terms for a name.
func suggestTerms(name string) []string {
	var out []string
	for _, k := range suggestKeys(name) {
		limit := maxSuggestRunes
		if isLetters(k) {
			limit = maxSuggestLetter
		}
		rs := []rune(k)
		for i := 1; i <= len(rs) && i <= limit; i++ {
			out = append(out, string(rs[:i]))
		}
	}
	return sorted(out)
}

// suggestKeys returns a name normalised, in pinyin and in initials (once
// per combination of polyphone readings, at most maxSpellings).
func suggestKeys(name string) []string {
	out := []string{termKey(name)}
	runs := splitRuns(name)
	han := false
	for _, r := range runs {
		han = han || r.han
	}
	if !han {
		return out
	}
	spelt := [][2]string{{"", ""}}
	for _, r := range runs {
		if !r.han {
			for i := range spelt {
				spelt[i][0] += r.text
				spelt[i][1] += r.text[:1]
			}
			continue
		}
		var next [][2]string
		for _, sp := range hanReadings(r.text, maxSpellings) {
			ini := make([]byte, len(sp))
			for i, s := range sp {
				ini[i] = initial(s)
			}
			for _, o := range spelt {
				if len(next) < maxSpellings {
					next = append(next, [2]string{o[0] + strings.Join(sp, ""), o[1] + string(ini)})
				}
			}
		}
		if len(next) > 0 {
			spelt = next
		}
	}
	for _, s := range spelt {
		out = append(out, s[0], s[1])
	}
	return out
}

// suggestPrefix is what has been typed, as the suggestion terms are keyed.
func suggestPrefix(text string) string {
	k := termKey(text)
	if rs := []rune(k); len(rs) > maxSuggestLetter {
		k = string(rs[:maxSuggestLetter])
	}
	return k
}

// vocabSuggestions returns the sectors and districts whose terms start with
// prefix as typed or in pinyin.
func (c *vocab) suggest(prefix string, limit int) []Suggestion {
	var out []Suggestion
	for _, e := range c.entries {
		for _, k := range e.keys {
			if strings.HasPrefix(k, prefix) {
				out = append(out, Suggestion{Text: e.name, Kind: e.kind, Code: e.code})
				break
			}
		}
		if len(out) == limit {
			break
		}
	}
	return out
}
