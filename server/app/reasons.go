package app

import (
	"fmt"
	"strconv"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// phrases holds every reason whose words depend only on taxonomy codes,
// built once, so explaining a match allocates almost nothing.
type phrases struct {
	sector   map[string]map[matching.SectorFit]domain.Reason
	stage    map[string]map[matching.StageFit]domain.Reason
	district map[string]map[matching.DistrictFit]domain.Reason
}

func newPhrases(t *domain.Taxonomy) *phrases {
	p := &phrases{sector: map[string]map[matching.SectorFit]domain.Reason{},
		stage: map[string]map[matching.StageFit]domain.Reason{}, district: map[string]map[matching.DistrictFit]domain.Reason{}}
	r := func(code string, ok bool, zh, en string) domain.Reason {
		return domain.Reason{Code: code, OK: ok, Zh: zh, En: en}.Encoded()
	}
	for _, sec := range t.Sectors {
		fam := named(t.Families, sec.Family)
		p.sector[sec.Code] = map[matching.SectorFit]domain.Reason{
			matching.SectorExact:  r("sector", true, sec.Zh+" ✓ 在关注行业内", sec.En+" ✓ in the thesis sectors"),
			matching.SectorFamily: r("sector_related", true, sec.Zh+" ≈ 属于关注的"+fam.Zh+"领域", sec.En+" ≈ related ("+fam.En+")"),
			matching.SectorOpen:   r("sector_open", true, sec.Zh+"（不限行业）", sec.En+" (any sector)"),
			matching.SectorNone:   r("sector", false, sec.Zh+" 不在关注行业内", sec.En+" is outside the thesis sectors"),
		}
	}
	for _, st := range t.Stages {
		p.stage[st.Code] = map[matching.StageFit]domain.Reason{
			matching.StageExact: r("stage", true, st.Zh+" ✓", st.En+" ✓"),
			matching.StageNear:  r("stage_near", true, st.Zh+"，与关注阶段相邻", st.En+", next to a thesis stage"),
			matching.StageFar:   r("stage_far", false, st.Zh+"，与关注阶段相差两轮", st.En+", two rounds from the thesis stages"),
			matching.StageOpen:  r("stage_open", true, st.Zh+"（不限阶段）", st.En+" (any stage)"),
			matching.StageNone:  r("stage", false, st.Zh+" 不在关注阶段内", st.En+" is outside the thesis stages"),
		}
	}
	for _, d := range t.Districts {
		p.district[d.Code] = map[matching.DistrictFit]domain.Reason{
			matching.DistrictMatch: r("district", true, d.Zh+" ✓", d.En+" ✓"),
			matching.DistrictOpen:  r("district_open", true, d.Zh, d.En),
			matching.DistrictOther: r("district", false, d.Zh+"（不在关注区县）", d.En+" (outside the thesis districts)"),
		}
	}
	return p
}

func named(list []domain.Named, code string) domain.Named {
	for _, n := range list {
		if n.Code == code {
			return n
		}
	}
	return domain.Named{Code: code, Zh: code, En: code}
}

var (
	reasonSpace    = domain.Reason{Code: "shared_space", OK: true, Zh: "同一众创空间", En: "same maker space"}.Encoded()
	reasonLiked    = domain.Reason{Code: "feedback", OK: true, Zh: "与你感兴趣的项目相似", En: "like startups you were interested in"}.Encoded()
	reasonDisliked = domain.Reason{Code: "feedback", OK: false, Zh: "与你跳过的项目相似", En: "like startups you passed on"}.Encoded()
	reasonFresh    = domain.Reason{Code: "fresh", OK: true, Zh: "近期更新", En: "recently updated"}.Encoded()
	reasonComplete = domain.Reason{Code: "complete", OK: true, Zh: "资料完整", En: "complete profile"}.Encoded()
)

// reasons explains a match in plain words, Chinese and English, in the
// order an investor reads them: sector, stage, money, place, the rest.
// The wording reads the same from the founder's side. rng is the
// investor's cheque range as chequeRange formats it. The reasons are
// appended to dst, so that a page's items can share one array.
func (m *Matcher) reasons(dst []domain.Reason, p matching.Parts, rng string, sector, stage, district string, askWan float64) []domain.Reason {
	out := dst
	if r, ok := m.phrases.sector[sector][p.Sector]; ok {
		out = append(out, r)
	}
	if r, ok := m.phrases.stage[stage][p.Stage]; ok {
		out = append(out, r)
	}
	ask := wan(askWan)
	switch p.Cheque {
	case matching.ChequeIn:
		out = append(out, domain.Reason{Code: "cheque", OK: true, Zh: "融资 " + ask + "万元，在 " + rng + "万元 单笔范围内", En: "asks " + ask + "万, inside the " + rng + "万 cheque range"})
	case matching.ChequeNear:
		out = append(out, domain.Reason{Code: "cheque_near", OK: true, Zh: "融资 " + ask + "万元，接近 " + rng + "万元 单笔范围", En: "asks " + ask + "万, near the " + rng + "万 cheque range"})
	case matching.ChequeOut:
		out = append(out, domain.Reason{Code: "cheque", OK: false, Zh: "融资 " + ask + "万元，超出 " + rng + "万元 单笔范围", En: "asks " + ask + "万, outside the " + rng + "万 cheque range"})
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

func wan(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func chequeRange(inv *domain.Investor) string {
	if inv == nil {
		return "?"
	}
	if inv.CheckMaxWan <= 0 {
		return fmt.Sprintf("%s+", wan(inv.CheckMinWan))
	}
	return wan(inv.CheckMinWan) + "–" + wan(inv.CheckMaxWan)
}
