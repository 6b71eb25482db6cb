package search

import (
	"context"
	"strings"
)

// "Did you mean": when a query finds nothing, each word that may be
// misspelt is replaced by the nearest known term (a key phrase, a name, a
// vocabulary term, a word of the index), and the corrected query is offered
// if it finds something.

// correction is the nearest candidate to a word so far.
type correction struct {
	text string
	dist int
}

// consider keeps cand if it is nearer to the word q than the best so far:
// for Han words one character away (a same-sound character counts half),
// for Latin words within the typos the engine allows plus one.
func (c *correction) consider(q, cand string, han bool) {
	if cand == "" || cand == q {
		return
	}
	d := editDistance(q, cand) * 2
	if han {
		if d > 2 {
			return
		}
		if samePinyin(q, cand) {
			d = 1
		}
	} else if d > 2*(fuzziness(q)+1) || cand[0] != q[0] {
		return
	}
	if c.text == "" || d < c.dist || d == c.dist && len(cand) < len(c.text) {
		c.text, c.dist = cand, d
	}
}

// samePinyin reports whether a and b read alike in their common readings.
func samePinyin(a, b string) bool {
	ra, rb := hanReadings(a, 1), hanReadings(b, 1)
	return len(ra) == 1 && len(rb) == 1 && strings.Join(ra[0], "") == strings.Join(rb[0], "")
}

// candidateSource lists known terms near a word: an engine's own.
type candidateSource func(w word) []string

// didYouMean returns a corrected query that finds something, or "".
func didYouMean(ctx context.Context, words []word, v *vocab, more candidateSource, count func(context.Context, string) (int, error)) (string, error) {
	if len(words) == 0 {
		return "", nil
	}
	parts := make([]string, len(words))
	changed := false
	for i, w := range words {
		parts[i] = w.text()
		if len(w.runs) != 1 || len([]rune(w.runs[0].text)) < 2 {
			continue
		}
		q, han := w.runs[0].text, w.runs[0].han
		var best correction
		for _, g := range v.groups {
			for _, t := range g {
				best.consider(q, strings.ToLower(t), han)
			}
		}
		if more != nil {
			for _, t := range more(w) {
				best.consider(q, t, han)
			}
		}
		if best.text != "" {
			parts[i] = best.text
			changed = true
		}
	}
	if !changed {
		return "", nil
	}
	fixed := strings.Join(parts, " ")
	n, err := count(ctx, fixed)
	if err != nil || n == 0 {
		return "", err
	}
	return fixed, nil
}
