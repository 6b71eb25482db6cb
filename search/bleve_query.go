package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Boosts of the ways a word can match, relative to its literal match in a
// field (textFields). A profile's own words rank above their synonyms, and
// those above pinyin and near matches, which can be wrong; a match through
// the profile's sector or district terms weighs least.
const (
	boostSynonym = 0.6
	boostPinyin  = 0.5
	boostNear    = 0.3
	boostTax     = 0.2 // relative to the way the word matched the terms
)

// textQuery builds the query for the user's words: every word must match
// somewhere (AND); a word matches as typed in any text field, or through
// any of its alternatives (OR). It is nil without words.
func textQuery(words []word, v *vocab) query.Query {
	if len(words) == 0 {
		return nil
	}
	must := make([]query.Query, 0, len(words))
	for _, w := range words {
		must = append(must, wordQuery(w, v))
	}
	if len(must) == 1 {
		return must[0]
	}
	return bleve.NewConjunctionQuery(must...)
}

func wordQuery(w word, v *vocab) query.Query {
	any := []query.Query{literal(w.runs, true, 1, v)}
	for _, syn := range w.synonyms {
		any = append(any, literal(splitRuns(syn), false, boostSynonym, v))
	}
	for _, sp := range w.spellings {
		terms := pairs(sp)
		any = append(any, allTerms(fieldPy, terms, boostPinyin))
		any = append(any, facetTerms(v.facetsWhere(func(e *entryTerms) bool { return e.sound(terms) }), boostTax*boostPinyin)...)
	}
	if w.initials != "" {
		terms := letterPairs(w.initials)
		any = append(any, allTerms(fieldPy, terms, boostPinyin))
		any = append(any, facetTerms(v.facetsWhere(func(e *entryTerms) bool { return e.sound(terms) }), boostTax*boostPinyin)...)
	}
	if w.nearHan {
		han := w.runs[0].text
		f := bleve.NewFuzzyQuery(han)
		f.SetField(fieldKw)
		f.SetFuzziness(1)
		f.SetBoost(boostNear)
		any = append(any, f)
		any = append(any, facetTerms(v.facetsWhere(func(e *entryTerms) bool { return e.near(han) }), boostTax*boostNear)...)
	}
	if len(any) == 1 {
		return any[0]
	}
	return bleve.NewDisjunctionQuery(any...)
}

// facetTerms matches the profiles with any of the facet terms.
func facetTerms(terms []string, boost float64) []query.Query {
	out := make([]query.Query, len(terms))
	for i, t := range terms {
		q := bleve.NewTermQuery(t)
		q.SetField(fieldFacets)
		q.SetBoost(boost)
		out[i] = q
	}
	return out
}

// allTerms requires every term in field.
func allTerms(field string, terms []string, boost float64) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		qs[i] = term(field, t)
	}
	if len(qs) == 1 {
		if b, ok := qs[0].(query.BoostableQuery); ok {
			b.SetBoost(boost)
		}
		return qs[0]
	}
	c := bleve.NewConjunctionQuery(qs...)
	c.SetBoost(boost)
	return c
}

// literal matches runs as written: each run in any text field or in the
// vocabulary terms of the profile's sectors and districts, all runs
// required. typed says the runs are the user's (typos and prefixes
// tolerated) rather than a vocabulary term's.
func literal(runs []run, typed bool, boost float64, v *vocab) query.Query {
	all := make([]query.Query, 0, len(runs))
	for _, r := range runs {
		var any []query.Query
		for _, f := range textFields {
			any = append(any, runQuery(r, f.name, f.boost*boost, typed)...)
		}
		any = append(any, facetTerms(v.facetsWhere(func(e *entryTerms) bool { return e.literal(r, typed) }), boostTax*boost)...)
		all = append(all, bleve.NewDisjunctionQuery(any...))
	}
	if len(all) == 1 {
		return all[0]
	}
	return bleve.NewConjunctionQuery(all...)
}

func runQuery(r run, field string, boost float64, typed bool) []query.Query {
	switch {
	case r.han && len([]rune(r.text)) == 1:
		q := bleve.NewTermQuery(r.text)
		q.SetField(field)
		q.SetBoost(boost)
		return []query.Query{q}
	case r.han:
		// All the run's bigrams, without positions: a text that has
		// every bigram of 集成电路 (集成, 成电, 电路) has the word, in
		// practice, and this is cheaper than a phrase query.
		rs := []rune(r.text)
		var grams []query.Query
		for i := 0; i+1 < len(rs); i++ {
			q := bleve.NewTermQuery(string(rs[i : i+2]))
			q.SetField(field + "_bi")
			grams = append(grams, q)
		}
		if len(grams) == 1 {
			grams[0].(*query.TermQuery).SetBoost(boost)
			return grams
		}
		c := bleve.NewConjunctionQuery(grams...)
		c.SetBoost(boost)
		return []query.Query{c}
	case !typed:
		m := bleve.NewMatchQuery(r.text)
		m.SetField(field)
		m.Analyzer = analyzerStd
		m.SetBoost(boost)
		return []query.Query{m}
	default:
		m := bleve.NewMatchQuery(r.text)
		m.SetField(field)
		m.Analyzer = analyzerStd
		m.SetFuzziness(fuzziness(r.text))
		// The first letter must be right: it cuts the terms a fuzzy
		// match has to visit by an order of magnitude.
		m.Prefix = 1
		m.SetBoost(boost)
		p := bleve.NewPrefixQuery(r.text)
		p.SetField(field)
		p.SetBoost(boost * 0.8)
		return []query.Query{m, p}
	}
}
