package app

import (
	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// phrases holds every reason that depends only on taxonomy codes, encoded
// once and indexed by the fit, so explaining a match allocates nothing.
// They are kept by the codes' places in the taxonomy (places), which the
// read model notes on each card, so that a deal-flow page looks up no map.
type phrases struct {
	sector   []*[matching.SectorOpen + 1]domain.Reason
	stage    []*[matching.StageOpen + 1]domain.Reason
	district []*[matching.DistrictMatch + 1]domain.Reason
	tax      *domain.Taxonomy
}

// places are the places in the taxonomy of a startup's sector, stage and
// district; -1 for a code the taxonomy does not hold.
type places struct{ sector, stage, district int16 }

// placesOf returns the places of the codes in t.
func placesOf(t *domain.Taxonomy, sector, stage, district string) places {
	p := places{sector: -1, stage: int16(domain.StageIndex(stage)), district: -1}
	for i, s := range t.Sectors {
		if s.Code == sector {
			p.sector = int16(i)
		}
	}
	for i, d := range t.Districts {
		if d.Code == district {
			p.district = int16(i)
		}
	}
	return p
}

func newPhrases(t *domain.Taxonomy) *phrases {
	p := &phrases{tax: t}
	for _, sec := range t.Sectors {
		r := func(code string, ok bool, family string) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Sector: sec.Code, Family: family}.Encoded()
		}
		a := &[matching.SectorOpen + 1]domain.Reason{}
		a[matching.SectorExact] = r("sector", true, "")
		a[matching.SectorFamily] = r("sector_related", true, sec.Family)
		a[matching.SectorOpen] = r("sector_open", true, "")
		a[matching.SectorNone] = r("sector", false, "")
		p.sector = append(p.sector, a)
	}
	for _, st := range domain.StageCodes() {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Stage: st}.Encoded()
		}
		a := &[matching.StageOpen + 1]domain.Reason{}
		a[matching.StageExact] = r("stage", true)
		a[matching.StageNear] = r("stage_near", true)
		a[matching.StageFar] = r("stage_far", false)
		a[matching.StageOpen] = r("stage_open", true)
		a[matching.StageNone] = r("stage", false)
		p.stage = append(p.stage, a)
	}
	for _, d := range t.Districts {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, District: d.Code}.Encoded()
		}
		a := &[matching.DistrictMatch + 1]domain.Reason{}
		a[matching.DistrictMatch] = r("district", true)
		a[matching.DistrictOpen] = r("district_open", true)
		a[matching.DistrictOther] = r("district", false)
		p.district = append(p.district, a)
	}
	return p
}

var (
	reasonSpace    = domain.Reason{Code: "shared_space", OK: true}.Encoded()
	reasonLiked    = domain.Reason{Code: "feedback", OK: true}.Encoded()
	reasonDisliked = domain.Reason{Code: "feedback", OK: false}.Encoded()
	reasonFresh    = domain.Reason{Code: "fresh", OK: true}.Encoded()
	reasonComplete = domain.Reason{Code: "complete", OK: true}.Encoded()
)

// reasons explains a match in codes, in the order an investor reads them:
// sector, stage, money, place, the rest. The same reasons read from the
// founder's side. inv's cheque range bounds the money reason. The reasons
// are appended to dst, so that a page's items can share one array.
func (m *Matcher) reasons(dst []domain.Reason, p matching.Parts, inv *domain.Investor, sector, stage, district string, askWan float64) []domain.Reason {
	return m.pageReasons(dst, p, inv, placesOf(m.phrases.tax, sector, stage, district), askWan, nil)
}

// pageReasons are reasons for the startup whose codes are at pl; with mo,
// the money reason carries its JSON, written from what mo made once for
// the page.
func (m *Matcher) pageReasons(dst []domain.Reason, p matching.Parts, inv *domain.Investor, pl places, askWan float64, mo *money) []domain.Reason {
	out := dst
	if pl.sector >= 0 && int(pl.sector) < len(m.phrases.sector) && int(p.Sector) < len(m.phrases.sector[pl.sector]) {
		out = append(out, m.phrases.sector[pl.sector][p.Sector])
	}
	if pl.stage >= 0 && int(pl.stage) < len(m.phrases.stage) && int(p.Stage) < len(m.phrases.stage[pl.stage]) {
		out = append(out, m.phrases.stage[pl.stage][p.Stage])
	}
	cheque := domain.Reason{AskWan: askWan}
	if inv != nil {
		cheque.MinWan, cheque.MaxWan = inv.CheckMinWan, inv.CheckMaxWan
	}
	switch p.Cheque {
	case matching.ChequeIn:
		cheque.Code, cheque.OK = "cheque", true
		out = append(out, mo.encode(cheque, `{"code":"cheque","ok":true`))
	case matching.ChequeNear:
		cheque.Code, cheque.OK = "cheque_near", true
		out = append(out, mo.encode(cheque, `{"code":"cheque_near","ok":true`))
	case matching.ChequeOut:
		cheque.Code = "cheque"
		out = append(out, mo.encode(cheque, `{"code":"cheque","ok":false`))
	}
	if pl.district >= 0 && int(pl.district) < len(m.phrases.district) && int(p.District) < len(m.phrases.district[pl.district]) {
		out = append(out, m.phrases.district[pl.district][p.District])
	}
	if p.SharedSpace {
		out = append(out, reasonSpace)
	}
	switch {
	case p.Affinity > 0.1:
		out = append(out, reasonLiked)
	case p.Affinity < -0.1:
		out = append(out, reasonDisliked)
	}
	if p.Freshness >= 0.99 {
		out = append(out, reasonFresh)
	}
	if p.Completeness >= 0.8 {
		out = append(out, reasonComplete)
	}
	return out
}

// money is what a page's money reasons share: the investor's range,
// encoded once, and the memory their JSON is written to, reused from one
// page to the next.
type money struct {
	tail  []byte // the range and the closing brace
	arena []byte
}

// reset starts a page for inv.
func (mo *money) reset(inv *domain.Investor) {
	mo.arena = mo.arena[:0]
	mo.tail = mo.tail[:0]
	if inv != nil && inv.CheckMinWan != 0 {
		mo.tail = append(mo.tail, `,"minWan":`...)
		mo.tail = domain.AppendJSONFloat(mo.tail, inv.CheckMinWan)
	}
	if inv != nil && inv.CheckMaxWan != 0 {
		mo.tail = append(mo.tail, `,"maxWan":`...)
		mo.tail = domain.AppendJSONFloat(mo.tail, inv.CheckMaxWan)
	}
	mo.tail = append(mo.tail, '}')
}

// encode returns r, a money reason of the page's investor, carrying its
// JSON: head (its code and ok), its ask, the page's tail. Without mo it
// returns r as it is.
func (mo *money) encode(r domain.Reason, head string) domain.Reason {
	if mo == nil {
		return r
	}
	n := len(mo.arena)
	mo.arena = append(mo.arena, head...)
	if r.AskWan != 0 {
		mo.arena = append(mo.arena, `,"askWan":`...)
		mo.arena = domain.AppendJSONFloat(mo.arena, r.AskWan)
	}
	mo.arena = append(mo.arena, mo.tail...)
	// capped: the next reason's bytes go after it, never into it
	return r.WithJSON(mo.arena[n:len(mo.arena):len(mo.arena)])
}
