package app

import (
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// serviceTally is what the plan's other services add to the figures.
type serviceTally struct {
	paidWan    float64
	recipients map[string]bool
}

// WithServices makes the figures count the plan's other services' records
// (the support ledger) from book.
func (svc *Stats) WithServices(book *ServiceBook) *Stats {
	svc.book = book
	return svc
}

// countServices adds the services' records to the tallies: the support
// paid (current, paid entries of the ledger, dated by asOf when set) to
// the program and to each entry's district; for one space, the support
// paid to it and to its residents (startupSpace).
func (svc *Stats) countServices(all *tally, at func(string) *tally, space string, startupSpace map[string]bool, asOf time.Time) {
	if svc.book == nil {
		return
	}
	day := ""
	if !asOf.IsZero() {
		day = asOf.Format(time.DateOnly)
	}
	b := svc.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, p := range b.payments {
		if p.Status != domain.PaymentPaid || b.correctedBy[p.ID] != "" || day != "" && p.Date > day {
			continue
		}
		if space != "" && !(p.RecipientKind == domain.RecipientSpace && p.RecipientID == space || p.RecipientKind == domain.RecipientStartup && startupSpace[p.RecipientID]) {
			continue
		}
		for _, t := range []*tally{all, at(p.District)} {
			t.services.paidWan = round4(t.services.paidWan + p.AmountWan)
			if t.services.recipients == nil {
				t.services.recipients = map[string]bool{}
			}
			t.services.recipients[p.RecipientKind+":"+p.RecipientID] = true
		}
	}
}

// coverage is, per space service counted from records rather than from
// the spaces' own flags, the spaces that gave it.
type coverage map[string]map[string]bool

func (c coverage) has(service string) bool { _, ok := c[service]; return ok }

func (c coverage) count(service, space string) int {
	if c[service][space] {
		return 1
	}
	return 0
}

// coverage says which spaces gave the services the records show, as of
// asOf (zero: now), in the twelve months before: mentoring (辅导与培训) is
// a session held there, technical services (技术服务) a request of one of
// its startups answered.
func (svc *Stats) coverage(asOf time.Time) coverage {
	if svc.book == nil {
		return coverage{}
	}
	from := asOf
	if from.IsZero() {
		from = time.Now()
	}
	from = from.AddDate(-1, 0, 0)
	return coverage{"mentoring": svc.book.mentoringSpaces(from, asOf), "techServices": svc.book.techServiceSpaces(from, asOf)}
}
