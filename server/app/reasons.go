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
	out := reasonOut{list: dst}
	m.pageReasons(&out, p, inv, placesOf(m.phrases.tax, sector, stage, district), askWan, nil)
	return out.list
}

// reasonOut receives an item's reasons: as values, or for a page written
// as JSON straight as the JSON of the item's array (see DealFlowJSON), so
// that the page neither copies nor encodes a Reason it has ready.
type reasonOut struct {
	list []domain.Reason
	// with asJSON, the page's reasons: each item's array after the last
	json    []byte
	asJSON  bool
	started bool   // the current item's array has a reason
	money   []byte // the page investor's range and the closing brace
}

// pageMoney starts a page written as JSON for inv: its money reasons
// share the investor's range, encoded once here.
func (o *reasonOut) pageMoney(inv *domain.Investor) {
	o.json, o.asJSON, o.money = o.json[:0], true, o.money[:0]
	if inv != nil && inv.CheckMinWan != 0 {
		o.money = append(o.money, `,"minWan":`...)
		o.money = domain.AppendJSONFloat(o.money, inv.CheckMinWan)
	}
	if inv != nil && inv.CheckMaxWan != 0 {
		o.money = append(o.money, `,"maxWan":`...)
		o.money = domain.AppendJSONFloat(o.money, inv.CheckMaxWan)
	}
	o.money = append(o.money, '}')
}

// open starts an item's array.
func (o *reasonOut) open() {
	o.json, o.started = append(o.json, '['), false
}

// close ends the item's array that starts at n and returns it.
func (o *reasonOut) close(n int) []byte {
	o.json = append(o.json, ']')
	return o.json[n:len(o.json):len(o.json)]
}

func (o *reasonOut) add(r *domain.Reason) {
	if !o.asJSON {
		o.list = append(o.list, *r)
		return
	}
	if o.started {
		o.json = append(o.json, ',')
	}
	o.json, o.started = r.AppendJSON(o.json), true
}

// addMoney adds the money reason: code and ok written as head, the ask
// (JSON in ask, when the caller has it made) and the investor's range.
func (o *reasonOut) addMoney(code string, ok bool, head string, askWan float64, ask []byte, inv *domain.Investor) {
	if !o.asJSON {
		r := domain.Reason{Code: code, OK: ok, AskWan: askWan}
		if inv != nil {
			r.MinWan, r.MaxWan = inv.CheckMinWan, inv.CheckMaxWan
		}
		o.list = append(o.list, r)
		return
	}
	if o.started {
		o.json = append(o.json, ',')
	}
	o.json, o.started = append(o.json, head...), true
	if askWan != 0 {
		o.json = append(o.json, `,"askWan":`...)
		if ask != nil {
			o.json = append(o.json, ask...)
		} else {
			o.json = domain.AppendJSONFloat(o.json, askWan)
		}
	}
	o.json = append(o.json, o.money...)
}

// pageReasons gives out the reasons of a startup whose codes are at pl and
// whose ask is askWan (ask: its JSON, or nil).
func (m *Matcher) pageReasons(out *reasonOut, p matching.Parts, inv *domain.Investor, pl places, askWan float64, ask []byte) {
	if pl.sector >= 0 && int(pl.sector) < len(m.phrases.sector) && int(p.Sector) < len(m.phrases.sector[pl.sector]) {
		out.add(&m.phrases.sector[pl.sector][p.Sector])
	}
	if pl.stage >= 0 && int(pl.stage) < len(m.phrases.stage) && int(p.Stage) < len(m.phrases.stage[pl.stage]) {
		out.add(&m.phrases.stage[pl.stage][p.Stage])
	}
	switch p.Cheque {
	case matching.ChequeIn:
		out.addMoney("cheque", true, `{"code":"cheque","ok":true`, askWan, ask, inv)
	case matching.ChequeNear:
		out.addMoney("cheque_near", true, `{"code":"cheque_near","ok":true`, askWan, ask, inv)
	case matching.ChequeOut:
		out.addMoney("cheque", false, `{"code":"cheque","ok":false`, askWan, ask, inv)
	}
	if pl.district >= 0 && int(pl.district) < len(m.phrases.district) && int(p.District) < len(m.phrases.district[pl.district]) {
		out.add(&m.phrases.district[pl.district][p.District])
	}
	if p.SharedSpace {
		out.add(&reasonSpace)
	}
	switch {
	case p.Affinity > 0.1:
		out.add(&reasonLiked)
	case p.Affinity < -0.1:
		out.add(&reasonDisliked)
	}
	if p.Freshness >= 0.99 {
		out.add(&reasonFresh)
	}
	if p.Completeness >= 0.8 {
		out.add(&reasonComplete)
	}
}
