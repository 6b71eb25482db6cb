package app

import (
	"github.com/yuechuang/yuechuang/server/domain"
)

// AppendJSON appends d's JSON encoding to b (see domain.StartupCard.AppendJSON).
func (d *DealItem) AppendJSON(b []byte) []byte {
	b = append(b, `{"startup":`...)
	if d.card != nil {
		b = append(b, d.card...)
	} else {
		b = d.Startup.AppendJSON(b)
	}
	b = append(b, `,"score":`...)
	b = domain.AppendJSONFloat(b, d.Score)
	b = append(b, `,"reasons":`...)
	if d.reasons != nil {
		b = append(b, d.reasons...)
	} else {
		b = domain.AppendJSONArray(b, d.Reasons, (*domain.Reason).AppendJSON)
	}
	if d.Feedback != "" {
		b = append(b, `,"feedback":`...)
		b = domain.AppendJSONString(b, d.Feedback)
	}
	return append(b, '}')
}

// AppendDealFlowJSON appends the JSON encoding of a deal-flow page to b.
func AppendDealFlowJSON(b []byte, l *domain.List[DealItem]) []byte {
	b = append(b, `{"items":`...)
	b = domain.AppendJSONArray(b, l.Items, (*DealItem).AppendJSON)
	b = domain.AppendPageFields(b, l.Total, l.Page, l.PageSize)
	return append(b, '}')
}
