package taxonomy

import (
	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/domain"
)

// SearchVocabulary returns the taxonomy's sector and district names and
// synonyms for the search engines: they index every profile with its
// sector's and district's terms and expand a query term to its synonyms.
func SearchVocabulary(t *domain.Taxonomy) search.Vocabulary {
	var v search.Vocabulary
	for _, s := range t.Sectors {
		v.Sectors = append(v.Sectors, search.VocabEntry{Code: s.Code, Zh: s.Zh, En: s.En, Synonyms: s.Synonyms})
	}
	for _, d := range t.Districts {
		v.Districts = append(v.Districts, search.VocabEntry{Code: d.Code, Zh: d.Zh, En: d.En, Synonyms: d.Synonyms})
	}
	return v
}
