package app

import "github.com/yuechuang/yuechuang/server/domain"

// RegistryColumn is one column the registry import reads.
type RegistryColumn struct {
	Field string `json:"field"`
	// Header is the template's heading; Names are the other headings read
	// as this column (a heading containing one of them matches).
	Header   string   `json:"header"`
	Names    []string `json:"names"`
	Required bool     `json:"required"`
	Example  string   `json:"example"`
	// Values lists the accepted values of a coded column (sector, stage,
	// district): each code's names and aliases, from the taxonomy file.
	Values []RegistryValue `json:"values,omitempty"`
}

// RegistryValue is one code of a coded column and the words that name it.
type RegistryValue struct {
	Code  string   `json:"code"`
	Names []string `json:"names"`
}

// templateHeaders are the template's headings, each read back by
// headerNames (TestRegistryTemplateRoundTrip).
var templateHeaders = map[string]string{
	"name": "企业名称", "oneLiner": "一句话介绍", "sector": "所属行业", "stage": "融资阶段", "district": "所在区县",
	"teamSize": "团队人数", "askWan": "融资需求（万元）", "highTech": "高新技术企业", "incubatedSince": "入驻时间", "graduated": "是否毕业",
}

// templateOrder is the order of the template's columns.
var templateOrder = []string{"name", "sector", "stage", "district", "teamSize", "askWan", "highTech", "incubatedSince", "graduated", "oneLiner"}

func namedValues(list []domain.Named) []RegistryValue {
	out := make([]RegistryValue, 0, len(list))
	for _, n := range list {
		names := []string{n.Zh, n.En}
		for _, set := range n.Synonyms {
			names = append(names, set...)
		}
		out = append(out, RegistryValue{Code: n.Code, Names: append(names, n.Aliases...)})
	}
	return out
}

// Columns describes the columns the import reads, in the template's order,
// with the values the coded ones accept.
func (r *Registry) Columns() []RegistryColumn {
	names := map[string][]string{}
	for _, hn := range headerNames {
		names[hn.field] = hn.names
	}
	example := r.templateExample()
	out := make([]RegistryColumn, 0, len(templateOrder))
	for i, f := range templateOrder {
		c := RegistryColumn{Field: f, Header: templateHeaders[f], Names: names[f], Required: f == "name", Example: example[i]}
		switch f {
		case "stage":
			c.Values = namedValues(r.tax.Stages)
		case "district":
			c.Values = namedValues(r.tax.Districts)
		case "sector":
			sectors := make([]domain.Named, len(r.tax.Sectors))
			for i, s := range r.tax.Sectors {
				sectors[i] = domain.Named{Code: s.Code, Zh: s.Zh, En: s.En, Synonyms: s.Synonyms}
			}
			c.Values = namedValues(sectors)
		}
		out = append(out, c)
	}
	return out
}

func (r *Registry) templateExample() []string {
	sector, district := "", ""
	if len(r.tax.Sectors) > 0 {
		sector = r.tax.Sectors[0].Zh
	}
	if len(r.tax.Districts) > 0 {
		district = r.tax.Districts[0].Zh
	}
	stage := "angel"
	for _, s := range r.tax.Stages {
		if s.Code == "angel" {
			stage = s.Zh
		}
	}
	return []string{"示例科技有限公司", sector, stage, district, "8", "300", "否", "2026-03-01", "否", "一句话说明做什么"}
}

// Template is the registry sheet to fill in: the headings the import reads
// and one example row.
func (r *Registry) Template() [][]string {
	head := make([]string, len(templateOrder))
	for i, f := range templateOrder {
		head[i] = templateHeaders[f]
	}
	return [][]string{head, r.templateExample()}
}
