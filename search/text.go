package search

import (
	"strings"
	"unicode"
)

// run is a stretch of query text: Han characters, or one Latin/digit word.
type run struct {
	text string
	han  bool
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// splitRuns cuts a query into Han runs and words, dropping punctuation, so
// that "AI芯片 design" becomes [AI] [芯片] [design].
func splitRuns(q string) []run {
	var out []run
	var cur []rune
	curHan := false
	flush := func() {
		if len(cur) > 0 {
			out = append(out, run{text: strings.ToLower(string(cur)), han: curHan})
			cur = cur[:0]
		}
	}
	for _, r := range q {
		switch {
		case isHan(r):
			if !curHan {
				flush()
			}
			curHan = true
			cur = append(cur, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if curHan {
				flush()
			}
			curHan = false
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// maxQueryRuns bounds the work one query can ask for.
const maxQueryRuns = 8

// queryRuns is splitRuns for a query: at most maxQueryRuns runs.
func queryRuns(q string) []run {
	out := splitRuns(q)
	if len(out) > maxQueryRuns {
		out = out[:maxQueryRuns]
	}
	return out
}

// fuzziness is the number of typos tolerated in a Latin word, as
// Meilisearch does by default: none below 5 letters, one from 5, two from 9.
func fuzziness(word string) int {
	n := len([]rune(word))
	switch {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}
