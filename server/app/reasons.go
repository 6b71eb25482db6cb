package app

import (
	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// phrases holds every reason that depends only on taxonomy codes, encoded
// once, so explaining a match allocates almost nothing.
type phrases struct {
	sector   map[string]map[matching.SectorFit]domain.Reason
	stage    map[string]map[matching.StageFit]domain.Reason
	district map[string]map[matching.DistrictFit]domain.Reason
}

func newPhrases(t *domain.Taxonomy) *phrases {
	p := &phrases{sector: map[string]map[matching.SectorFit]domain.Reason{},
		stage: map[string]map[matching.StageFit]domain.Reason{}, district: map[string]map[matching.DistrictFit]domain.Reason{}}
	for _, sec := range t.Sectors {
		r := func(code string, ok bool, family string) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Sector: sec.Code, Family: family}.Encoded()
		}
		p.sector[sec.Code] = map[matching.SectorFit]domain.Reason{
			matching.SectorExact:  r("sector", true, ""),
			matching.SectorFamily: r("sector_related", true, sec.Family),
			matching.SectorOpen:   r("sector_open", true, ""),
			matching.SectorNone:   r("sector", false, ""),
		}
	}
	for _, st := range t.Stages {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, Stage: st.Code}.Encoded()
		}
		p.stage[st.Code] = map[matching.StageFit]domain.Reason{
			matching.StageExact: r("stage", true),
			matching.StageNear:  r("stage_near", true),
			matching.StageFar:   r("stage_far", false),
			matching.StageOpen:  r("stage_open", true),
			matching.StageNone:  r("stage", false),
		}
	}
	for _, d := range t.Districts {
		r := func(code string, ok bool) domain.Reason {
			return domain.Reason{Code: code, OK: ok, District: d.Code}.Encoded()
		}
		p.district[d.Code] = map[matching.DistrictFit]domain.Reason{
			matching.DistrictMatch: r("district", true),
			matching.DistrictOpen:  r("district_open", true),
			matching.DistrictOther: r("district", false),
		}
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
	if r, ok := m.phrases.sector[sector][p.Sector]; ok {
		out = append(out, r)
	}
	if r, ok := m.phrases.stage[stage][p.Stage]; ok {
		out = append(out, r)
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
	if r, ok := m.phrases.district[district][p.District]; ok {
		out = append(out, r)
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
