package app

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// DealItem is one startup in an investor's deal flow.
type DealItem struct {
	Startup  *domain.StartupCard `json:"startup"`
	Score    float64             `json:"score"`
	Reasons  []domain.Reason     `json:"reasons"`
	Feedback string              `json:"feedback,omitempty"`
	// card is Startup as JSON when the read model has it made; Startup
	// is then the read model's own card, not to be changed. reasons is
	// the JSON of the item's reasons when the page was ranked to be
	// written (DealFlowJSON), and Reasons is then nil.
	card, reasons []byte
}

// DealQuery narrows a deal flow. Saved lists only the startups the investor
// saved or marked interested.
type DealQuery struct {
	Sector, Stage, District string
	Saved                   bool
	Page                    domain.Page
}

// DealFlow ranks the published startups for the calling investor.
func (m *Matcher) DealFlow(ctx context.Context, actor domain.Actor, q DealQuery) (*domain.List[DealItem], error) {
	return m.dealFlow(ctx, actor, q, new(dealScratch), false)
}

// DealFlowJSON ranks the caller's deal flow as DealFlow does and appends
// its JSON to b. The page's items, reasons and results live in working
// memory reused from one answer to the next, so that an answer allocates
// little beyond its bytes: nothing is carried over but the arrays.
func (m *Matcher) DealFlowJSON(ctx context.Context, actor domain.Actor, q DealQuery, b []byte) ([]byte, error) {
	sc, _ := m.scratch.Get().(*dealScratch)
	if sc == nil {
		sc = new(dealScratch)
	}
	defer m.scratch.Put(sc)
	defer sc.reset()
	l, err := m.dealFlow(ctx, actor, q, sc, true)
	if err != nil {
		return b, err
	}
	return AppendDealFlowJSON(b, l), nil
}

// dealScratch is a deal-flow page's working memory.
type dealScratch struct {
	list    domain.List[DealItem]
	reasons reasonOut
	signals []matching.Signal
	results []matching.Result
	cards   []madeCard
}

// reset drops what the last page pointed at, keeping the arrays.
func (sc *dealScratch) reset() {
	clear(sc.list.Items)
	clear(sc.reasons.list)
	clear(sc.signals)
	clear(sc.results)
	clear(sc.cards)
	sc.list = domain.List[DealItem]{Items: sc.list.Items[:0]}
}

// dealFlow ranks a page into sc's memory; asJSON, its items carry their
// reasons as JSON only (DealItem.reasons), for AppendDealFlowJSON.
func (m *Matcher) dealFlow(ctx context.Context, actor domain.Actor, q DealQuery, sc *dealScratch, asJSON bool) (*domain.List[DealItem], error) {
	inv, fb, err := m.investorOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	var v domain.Validator
	v.CheckCode(q.Sector == "" || m.tax.HasSector(q.Sector), "sector", "invalid_choice", "unknown sector")
	v.CheckCode(q.Stage == "" || m.tax.HasStage(q.Stage), "stage", "invalid_choice", "unknown stage")
	v.CheckCode(q.District == "" || m.tax.HasDistrict(q.District), "district", "invalid_choice", "unknown district")
	if err := v.Err(); err != nil {
		return nil, err
	}
	th := thesis(inv)
	now := m.now()
	if q.Saved {
		return m.saved(ctx, inv, th, fb, q, now)
	}
	signals := sc.signals[:0]
	for id, a := range fb {
		signals = append(signals, matching.Signal{StartupID: id, Action: actionOf[a]})
	}
	sc.signals = signals
	r := m.idx.Rank(matching.Query{Thesis: th, Feedback: signals, Sector: q.Sector, District: q.District,
		OnlyStage: domain.StageIndex(q.Stage) + 1, Offset: q.Page.Skip(), Limit: q.Page.PageSize, Now: now, Buf: sc.results})
	if cap(r.Results) > cap(sc.results) {
		sc.results = r.Results
	}
	out := &sc.list
	*out = domain.List[DealItem]{Items: slices.Grow(out.Items[:0], len(r.Results)), Total: r.Total, Page: q.Page.Page, PageSize: q.Page.PageSize}
	if out.Items == nil {
		out.Items = []DealItem{} // an empty page is [], not null
	}
	sc.cards = m.rm.publishedCards(sc.cards[:0], r.Results)
	ro := &sc.reasons
	if asJSON {
		ro.pageMoney(inv)
	} else {
		// one array for the page's reasons, at most eight to an item
		*ro = reasonOut{list: slices.Grow(ro.list[:0], 8*len(r.Results))}
	}
	for i, res := range r.Results {
		card := sc.cards[i]
		if card.card == nil {
			continue // withdrawn between ranking and fetching
		}
		s := card.card
		item := DealItem{Startup: card.card, card: card.json, Score: round1(res.Score), Feedback: fb[s.ID]}
		at, n := len(ro.json), len(ro.list)
		if asJSON {
			ro.open()
		}
		m.pageReasons(ro, res.Parts, inv, card.places, s.AskWan, card.ask)
		if m.awards != nil {
			aw := m.awards(s.ID)
			for i := range aw {
				ro.add(&aw[i])
			}
		}
		if asJSON {
			item.reasons = ro.close(at)
		} else {
			// capped, so that appending to one item's reasons cannot overwrite the next's
			item.Reasons = ro.list[n:len(ro.list):len(ro.list)]
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// saved lists the startups the investor saved or is interested in, best first.
func (m *Matcher) saved(ctx context.Context, inv *domain.Investor, th matching.Thesis, fb map[string]string, q DealQuery, now time.Time) (*domain.List[DealItem], error) {
	var ids []string
	for id, a := range fb {
		if a == domain.FeedbackSave || a == domain.FeedbackInterested {
			ids = append(ids, id)
		}
	}
	startups, err := m.fetch(ctx, ids)
	if err != nil {
		return nil, err
	}
	items := []DealItem{}
	for _, s := range startups {
		if s.Status != domain.StatusPublished || (q.Sector != "" && s.Sector != q.Sector) ||
			(q.Stage != "" && s.Stage != q.Stage) || (q.District != "" && s.District != q.District) {
			continue
		}
		mt := m.idx.Score(th, features(s), now)
		reasons := m.reasons(nil, mt.Parts, inv, s.Sector, s.Stage, s.District, s.AskWan)
		if m.awards != nil {
			reasons = append(reasons, m.awards(s.ID)...)
		}
		items = append(items, DealItem{Startup: s.Card(), Score: round1(mt.Score), Reasons: reasons, Feedback: fb[s.ID]})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Score != items[j].Score {
			return items[i].Score > items[j].Score
		}
		return items[i].Startup.ID < items[j].Startup.ID
	})
	return page(items, q.Page), nil
}
