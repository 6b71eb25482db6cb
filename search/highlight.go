package search

import (
	"encoding/json"
	"sort"
	"strings"
	"unicode"
)

// Highlight is one fragment of a hit that matched the query, saying why the
// hit was found: the text of a field with the matched spans marked.
type Highlight struct {
	// Field is name, summary, tags (one tag), sector or district (the
	// vocabulary's name of the profile's sector or district, when the
	// query matched it through its terms).
	Field string `json:"field"`
	Text  string `json:"text"`
	// Marks are [start, end) offsets in characters (runes) of Text.
	Marks [][2]int `json:"marks"`
}

// hlSource is what highlights are cut from: the public parts of a profile
// that say what it is.
type hlSource struct {
	Name      string   `json:"n"`
	Summary   string   `json:"s,omitempty"`
	Tags      []string `json:"t,omitempty"`
	Sectors   []string `json:"sec,omitempty"`
	Districts []string `json:"dis,omitempty"`
}

func highlightSource(d Document) string {
	b, _ := json.Marshal(hlSource{Name: d.Name, Summary: d.Summary, Tags: d.Tags, Sectors: d.Sectors, Districts: d.Districts})
	return string(b)
}

// highlights marks where each word of the query matched src, in the same
// readings the engines search (analysis.go). A word that matched only
// through the profile's sector or district terms is explained by naming
// that sector or district.
func highlights(words []word, v *vocab, src hlSource) []Highlight {
	if len(words) == 0 {
		return nil
	}
	type field struct{ name, text string }
	fields := []field{{"name", src.Name}, {"summary", src.Summary}}
	for _, t := range src.Tags {
		fields = append(fields, field{"tags", t})
	}
	marks := make([][][2]int, len(fields))
	var extra []Highlight
	for _, w := range words {
		found := false
		for i, f := range fields {
			if m := wordMarks(w, f.text); len(m) > 0 {
				marks[i] = append(marks[i], m...)
				found = true
			}
		}
		if found {
			continue
		}
		// Through the vocabulary: name the sector or district whose terms matched.
		for _, c := range [][2]any{{"sector", src.Sectors}, {"district", src.Districts}} {
			kind, codes := c[0].(string), c[1].([]string)
			for _, code := range codes {
				terms := v.terms[kind[:1]+":"+code]
				if len(terms) == 0 || !termsMatch(w, terms) {
					continue
				}
				h := Highlight{Field: kind, Text: terms[0], Marks: [][2]int{{0, len([]rune(terms[0]))}}}
				if !containsHighlight(extra, h) {
					extra = append(extra, h)
				}
			}
		}
	}
	var out []Highlight
	for i, f := range fields {
		if len(marks[i]) > 0 {
			out = append(out, Highlight{Field: f.name, Text: f.text, Marks: mergeMarks(marks[i])})
		}
	}
	return append(out, extra...)
}

func containsHighlight(hs []Highlight, h Highlight) bool {
	for _, x := range hs {
		if x.Field == h.Field && x.Text == h.Text {
			return true
		}
	}
	return false
}

// termsMatch reports whether w matches any of a vocabulary entry's terms.
func termsMatch(w word, terms []string) bool {
	for _, t := range terms {
		if len(wordMarks(w, t)) > 0 {
			return true
		}
	}
	return false
}

// wordMarks returns the spans of text that w matches.
func wordMarks(w word, text string) [][2]int {
	if text == "" {
		return nil
	}
	rs := []rune(text)
	lower := []rune(strings.ToLower(text))
	var out [][2]int
	for _, r := range w.runs {
		out = append(out, literalMarks(r, lower, true)...)
	}
	for _, syn := range w.synonyms {
		for _, r := range splitRuns(syn) {
			out = append(out, literalMarks(r, lower, false)...)
		}
	}
	for _, sp := range w.spellings {
		out = append(out, soundMarks(rs, sp, false)...)
	}
	if w.initials != "" {
		ini := make([]string, len(w.initials))
		for i := range w.initials {
			ini[i] = w.initials[i : i+1]
		}
		out = append(out, soundMarks(rs, ini, true)...)
	}
	if w.nearHan && len(out) == 0 {
		out = append(out, nearMarks(rs, []rune(w.runs[0].text))...)
	}
	return out
}

// literalMarks finds a run in (lower-cased) text: Han as a substring (or,
// for 3+ characters, each of its bigrams, as the engine matches them);
// Latin as the start of a word, within the typos the engine allows.
func literalMarks(r run, text []rune, typed bool) [][2]int {
	q := []rune(r.text)
	if r.han {
		if m := findAll(text, q); len(m) > 0 || len(q) < 3 {
			return m
		}
		var out [][2]int
		for i := 0; i+1 < len(q); i++ {
			out = append(out, findAll(text, q[i:i+2])...)
		}
		return out
	}
	var out [][2]int
	for _, wd := range latinWords(text) {
		word := string(text[wd[0]:wd[1]])
		ok := strings.HasPrefix(word, r.text)
		if !ok && typed {
			ok = word[0] == r.text[0] && editDistance(word, r.text) <= fuzziness(r.text)
		}
		if ok {
			out = append(out, wd)
		}
	}
	return out
}

// latinWords returns the spans of the letter-or-digit words in text that
// are not Han.
func latinWords(text []rune) [][2]int {
	var out [][2]int
	start := -1
	for i := 0; i <= len(text); i++ {
		in := i < len(text) && (unicode.IsLetter(text[i]) || unicode.IsDigit(text[i])) && !isHan(text[i])
		if in && start < 0 {
			start = i
		}
		if !in && start >= 0 {
			out = append(out, [2]int{start, i})
			start = -1
		}
	}
	return out
}

func findAll(text, q []rune) [][2]int {
	var out [][2]int
	for i := 0; i+len(q) <= len(text); i++ {
		if string(text[i:i+len(q)]) == string(q) {
			out = append(out, [2]int{i, i + len(q)})
		}
	}
	return out
}

// soundMarks finds runs of Han characters whose readings spell syl (each
// syllable, or each initial when initials is set).
func soundMarks(text []rune, syl []string, initials bool) [][2]int {
	var out [][2]int
	n := len(syl)
	for i := 0; i+n <= len(text); i++ {
		ok := true
		for j := 0; j < n && ok; j++ {
			ok = false
			for _, rd := range readings(text[i+j]) {
				if rd == syl[j] || initials && rd[0] == syl[j][0] {
					ok = true
					break
				}
			}
		}
		if ok {
			out = append(out, [2]int{i, i + n})
		}
	}
	return out
}

// nearMarks finds a stretch of text one character away from q.
func nearMarks(text, q []rune) [][2]int {
	for n := len(q) - 1; n <= len(q)+1; n++ {
		for i := 0; i+n <= len(text); i++ {
			if editDistance(string(text[i:i+n]), string(q)) <= 1 {
				return [][2]int{{i, i + n}}
			}
		}
	}
	return nil
}

// mergeMarks sorts spans and merges those that overlap or touch.
func mergeMarks(m [][2]int) [][2]int {
	sort.Slice(m, func(i, j int) bool { return m[i][0] < m[j][0] || m[i][0] == m[j][0] && m[i][1] > m[j][1] })
	out := [][2]int{m[0]}
	for _, s := range m[1:] {
		last := &out[len(out)-1]
		if s[0] <= last[1] {
			last[1] = max(last[1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
