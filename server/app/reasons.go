package app

import (
	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// phrases holds every reason that depends only on taxonomy codes, encoded
// once and indexed by the fit, so explaining a match allocates nothing and
// looks up one map per dimension.
type phrases struct {
	sector   map[string]*[matching.SectorOpen + 1]domain.Reason
	stage    map[string]*[matching.StageOpen + 1]domain.Reason
	district map[string]*[matching.DistrictMatch + 1]domain.Reason
}

func newPhrases(t *domain.Taxonomy) *phrases {
	p := &phrases{sector: map[string]*[matching.SectorOpen + 1]domain.Reason{},
		stage: map[string]*[matching.StageOpen + 1]domain.Reason{}, district: map[string]*[matching.DistrictMatch + 1]domain.Reason{}}
	for _, sec := range t.Sectors {
		r := func(code string, ok bool, family string) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Sector: sec.Code, Family: family}.Encoded()
		}
		a := &[matching.SectorOpen + 1]domain.Reason{}
		a[matching.SectorExact] = r("sector", true, "")
		a[matching.SectorFamily] = r("sector_related", true, sec.Family)
		a[matching.SectorOpen] = r("sector_open", true, "")
		a[matching.SectorNone] = r("sector", false, "")
		p.sector[sec.Code] = a
	}
	for _, st := range t.Stages {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Stage: st.Code}.Encoded()
		}
		a := &[matching.StageOpen + 1]domain.Reason{}
		a[matching.StageExact] = r("stage", true)
		a[matching.StageNear] = r("stage_near", true)
		a[matching.StageFar] = r("stage_far", false)
		a[matching.StageOpen] = r("stage_open", true)
		a[matching.StageNone] = r("stage", false)
		p.stage[st.Code] = a
	}
	for _, d := range t.Districts {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, District: d.Code}.Encoded()
		}
		a := &[matching.DistrictMatch + 1]domain.Reason{}
		a[matching.DistrictMatch] = r("district", true)
		a[matching.DistrictOpen] = r("district_open", true)
		a[matching.DistrictOther] = r("district", false)
		p.district[d.Code] = a
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
	out := dst
	if a := m.phrases.sector[sector]; a != nil && int(p.Sector) < len(a) {
		out = append(out, a[p.Sector])
	}
	if a := m.phrases.stage[stage]; a != nil && int(p.Stage) < len(a) {
		out = append(out, a[p.Stage])
	}
	cheque := domain.Reason{AskWan: askWan}
	if inv != nil {
		cheque.MinWan, cheque.MaxWan = inv.CheckMinWan, inv.CheckMaxWan
	}
	switch p.Cheque {
	case matching.ChequeIn:
		cheque.Code, cheque.OK = "cheque", true
		out = append(out, cheque)
	case matching.ChequeNear:
		cheque.Code, cheque.OK = "cheque_near", true
		out = append(out, cheque)
	case matching.ChequeOut:
		cheque.Code = "cheque"
		out = append(out, cheque)
	}
	if a := m.phrases.district[district]; a != nil && int(p.District) < len(a) {
		out = append(out, a[p.District])
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
