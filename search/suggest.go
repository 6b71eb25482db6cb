package search

import "strings"

// Suggestion index terms. A name is indexed under every prefix of itself
// (lower case), of its pinyin and of its initials, so a suggestion is one
// term lookup whatever has been typed so far.
const (
	maxSuggestRunes  = 12 // prefixes of the name as written
	maxSuggestLetter = 24 // prefixes of its pinyin
)

// suggestTerms returns the sug field's terms for a name.
func suggestTerms(name string) []string {
	var out []string
	prefixes := func(s string, max int) {
		rs := []rune(s)
		for i := 1; i <= len(rs) && i <= max; i++ {
			out = append(out, string(rs[:i]))
		}
	}
	lower := strings.ToLower(strings.TrimSpace(name))
	prefixes(lower, maxSuggestRunes)
	// The name's pinyin: Han runs spelled out, other words kept.
	for _, sp := range nameSpellings(lower) {
		prefixes(sp[0], maxSuggestLetter)
		prefixes(sp[1], maxSuggestRunes)
	}
	return sorted(out)
}

// nameSpellings returns a name written in pinyin and in initials, once per
// combination of polyphone readings (at most maxSpellings); nil if the name
// has no Han characters.
func nameSpellings(name string) [][2]string {
	runs := splitRuns(name)
	han := false
	for _, r := range runs {
		han = han || r.han
	}
	if !han {
		return nil
	}
	out := [][2]string{{"", ""}}
	for _, r := range runs {
		if !r.han {
			for i := range out {
				out[i][0] += r.text
				out[i][1] += r.text[:1]
			}
			continue
		}
		var next [][2]string
		for _, sp := range hanReadings(r.text, maxSpellings) {
			ini := make([]byte, len(sp))
			for i, s := range sp {
				ini[i] = initial(s)
			}
			for _, o := range out {
				if len(next) < maxSpellings {
					next = append(next, [2]string{o[0] + strings.Join(sp, ""), o[1] + string(ini)})
				}
			}
		}
		if len(next) > 0 {
			out = next
		}
	}
	return out
}
