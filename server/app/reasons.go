package app

import (
	"fmt"
	"strconv"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// reasons explains a match in plain words, Chinese and English, in the
// order an investor reads them: sector, stage, money, place, the rest.
// The wording reads the same from the founder's side.
func (m *Matcher) reasons(p matching.Parts, inv *domain.Investor, s *domain.Startup) []domain.Reason {
	sec, _ := m.tax.Sector(s.Sector)
	fam := familyName(m.tax, sec.Family)
	st := stageName(m.tax, s.Stage)
	var out []domain.Reason
	add := func(code string, ok bool, zh, en string) {
		out = append(out, domain.Reason{Code: code, OK: ok, Zh: zh, En: en})
	}
	switch p.Sector {
	case matching.SectorExact:
		add("sector", true, sec.Zh+" ✓ 在关注行业内", sec.En+" ✓ in the thesis sectors")
	case matching.SectorFamily:
		add("sector_related", true, sec.Zh+" ≈ 属于关注的"+fam.Zh+"领域", sec.En+" ≈ related ("+fam.En+")")
	case matching.SectorOpen:
		add("sector_open", true, sec.Zh+"（不限行业）", sec.En+" (any sector)")
	default:
		add("sector", false, sec.Zh+" 不在关注行业内", sec.En+" is outside the thesis sectors")
	}
	switch p.Stage {
	case matching.StageExact:
		add("stage", true, st.Zh+" ✓", st.En+" ✓")
	case matching.StageNear:
		add("stage_near", true, st.Zh+"，与关注阶段相邻", st.En+", next to a thesis stage")
	case matching.StageFar:
		add("stage_far", false, st.Zh+"，与关注阶段相差两轮", st.En+", two rounds from the thesis stages")
	case matching.StageOpen:
		add("stage_open", true, st.Zh+"（不限阶段）", st.En+" (any stage)")
	default:
		add("stage", false, st.Zh+" 不在关注阶段内", st.En+" is outside the thesis stages")
	}
	ask := wan(s.AskWan)
	rng := chequeRange(inv)
	switch p.Cheque {
	case matching.ChequeIn:
		add("cheque", true, "融资 "+ask+"万元，在 "+rng+"万元 单笔范围内", "asks "+ask+"万, inside the "+rng+"万 cheque range")
	case matching.ChequeNear:
		add("cheque_near", true, "融资 "+ask+"万元，接近 "+rng+"万元 单笔范围", "asks "+ask+"万, near the "+rng+"万 cheque range")
	case matching.ChequeOut:
		add("cheque", false, "融资 "+ask+"万元，超出 "+rng+"万元 单笔范围", "asks "+ask+"万, outside the "+rng+"万 cheque range")
	}
	d := districtName(m.tax, s.District)
	switch p.District {
	case matching.DistrictMatch:
		add("district", true, d.Zh+" ✓", d.En+" ✓")
	case matching.DistrictOpen:
		add("district_open", true, d.Zh, d.En)
	default:
		add("district", false, d.Zh+"（不在关注区县）", d.En+" (outside the thesis districts)")
	}
	if p.SharedSpace {
		add("shared_space", true, "同一众创空间", "same maker space")
	}
	switch {
	case p.Affinity > 0.1:
		add("feedback", true, "与你感兴趣的项目相似", "like startups you were interested in")
	case p.Affinity < -0.1:
		add("feedback", false, "与你跳过的项目相似", "like startups you passed on")
	}
	if p.Freshness >= 0.99 {
		add("fresh", true, "近期更新", "recently updated")
	}
	if p.Completeness >= 0.8 {
		add("complete", true, "资料完整", "complete profile")
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

func familyName(t *domain.Taxonomy, code string) domain.Named {
	for _, f := range t.Families {
		if f.Code == code {
			return f
		}
	}
	return domain.Named{Code: code, Zh: code, En: code}
}

func stageName(t *domain.Taxonomy, code string) domain.Named {
	for _, s := range t.Stages {
		if s.Code == code {
			return s
		}
	}
	return domain.Named{Code: code, Zh: code, En: code}
}

func districtName(t *domain.Taxonomy, code string) domain.Named {
	for _, d := range t.Districts {
		if d.Code == code {
			return d
		}
	}
	return domain.Named{Code: code, Zh: code, En: code}
}
