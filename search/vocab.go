package search

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"unicode"
)

// Vocabulary is a deployment's words for its sectors and districts: their
// Chinese and English names and the synonyms people use, each synonym set
// a group of equivalent terms (芯片/chip/IC). Its JSON shape is the
// taxonomy file's, so a taxonomy file decodes into it as is.
//
// Engines index each profile with the terms of its sectors and districts
// (so "chip" finds a 集成电路 startup that never wrote the word) and expand a
// query term to the rest of its group (so "软件" finds "software").
type Vocabulary struct {
	Sectors   []VocabEntry `json:"sectors"`
	Districts []VocabEntry `json:"districts"`
}

// VocabEntry is one sector or district.
type VocabEntry struct {
	Code     string     `json:"code"`
	Zh       string     `json:"zh"`
	En       string     `json:"en"`
	Synonyms [][]string `json:"synonyms,omitempty"`
}

// vocab is a compiled Vocabulary.
type vocab struct {
	groups [][]string
	byKey  map[string][]int // normalised term → its groups
	// sectorOf maps a sector synonym's key to the sector's Chinese name: a
	// word for a sector also means the sector (chip → 集成电路).
	sectorOf map[string][]string
	terms    map[string][]string // "s:code" / "d:code" → every term of the entry
	matchers []entryTerms        // every entry, as the embedded engine matches words to it
	version  string              // changes when the vocabulary does
	entries  []vocabEntry        // for suggestions
}

// vocabEntry is a sector or district as suggestions see it.
type vocabEntry struct {
	kind, code, name string
	keys             []string // every term normalised, in pinyin and initials
}

func newVocabEntry(kind string, e VocabEntry, terms []string) vocabEntry {
	ve := vocabEntry{kind: kind, code: e.Code, name: e.Zh}
	for _, t := range terms {
		ve.keys = append(ve.keys, suggestKeys(t)...)
	}
	return ve
}

// termKey normalises a term for lookup: lower case, letters, digits and
// Han only, so "E-commerce" and "ecommerce" meet.
func termKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func compileVocab(v Vocabulary) *vocab {
	c := &vocab{byKey: map[string][]int{}, terms: map[string][]string{}, sectorOf: map[string][]string{}}
	addGroup := func(terms []string) {
		var g []string
		for _, t := range terms {
			if t = strings.TrimSpace(t); t != "" && termKey(t) != "" {
				g = append(g, t)
			}
		}
		if len(g) < 2 {
			return
		}
		i := len(c.groups)
		c.groups = append(c.groups, g)
		for _, t := range g {
			k := termKey(t)
			if ids := c.byKey[k]; len(ids) == 0 || ids[len(ids)-1] != i {
				c.byKey[k] = append(ids, i)
			}
		}
	}
	for _, e := range v.Sectors {
		addGroup([]string{e.Zh, e.En})
		all := []string{e.Zh, e.En}
		for _, set := range e.Synonyms {
			addGroup(set)
			all = append(all, set...)
			for _, t := range set {
				if k := termKey(t); !contains(c.sectorOf[k], e.Zh) {
					c.sectorOf[k] = append(c.sectorOf[k], e.Zh)
				}
			}
		}
		c.terms["s:"+e.Code] = all
		c.matchers = append(c.matchers, newEntryTerms(facetTerm("sector", e.Code), all))
		c.entries = append(c.entries, newVocabEntry("sector", e, all))
	}
	for _, e := range v.Districts {
		all := []string{e.Zh, e.En}
		for _, set := range e.Synonyms {
			all = append(all, set...)
		}
		addGroup(all)
		c.terms["d:"+e.Code] = all
		c.matchers = append(c.matchers, newEntryTerms(facetTerm("district", e.Code), all))
		c.entries = append(c.entries, newVocabEntry("district", e, all))
	}
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	c.version = hex.EncodeToString(sum[:8])
	return c
}

// expand returns the other terms of the groups of the term with key k.
func (c *vocab) expand(k string) []string {
	var out []string
	for _, g := range c.byKey[k] {
		for _, t := range c.groups[g] {
			if termKey(t) != k && !contains(out, t) {
				out = append(out, t)
			}
		}
	}
	for _, t := range c.sectorOf[k] {
		if termKey(t) != k && !contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func docKeys(d Document) []string {
	out := make([]string, 0, len(d.Sectors)+len(d.Districts))
	for _, s := range d.Sectors {
		out = append(out, "s:"+s)
	}
	for _, s := range d.Districts {
		out = append(out, "d:"+s)
	}
	return out
}

// docTerms returns the vocabulary terms of a document's sectors and districts.
func (c *vocab) docTerms(d Document) []string {
	var out []string
	for _, k := range docKeys(d) {
		out = append(out, c.terms[k]...)
	}
	return out
}
