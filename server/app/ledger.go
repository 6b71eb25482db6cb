package app

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// LedgerStore stores the support ledger (server/mongo/ledger.go).
type LedgerStore interface {
	InsertPayments(ctx context.Context, ps []*domain.Payment) error
	EachPayment(ctx context.Context, fn func(domain.Payment) error) error
	ClaimCorrection(ctx context.Context, c domain.PaymentCorrection) error
	ReleaseCorrection(ctx context.Context, id, by string) error
}

// Users looks accounts up by id (an officer's districts).
type Users interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
}

// Ledger is the open support ledger (兑现公开): admins, and officers in
// their districts, record the support money paid to spaces and startups;
// anyone reads it. Entries are never changed: a correction is a new entry
// that names the one it replaces. It is safe for concurrent use.
type Ledger struct {
	book  *ServiceBook
	users Users
	tax   *domain.Taxonomy
	now   func() time.Time
	newID func() string
}

// NewLedger returns the ledger over book; newID gives entry ids.
func NewLedger(book *ServiceBook, users Users, tax *domain.Taxonomy, newID func() string) *Ledger {
	return &Ledger{book: book, users: users, tax: tax, now: time.Now, newID: newID}
}

// PaymentInput is an entry as an admin or officer records it.
type PaymentInput struct {
	RecipientKind string  `json:"recipientKind"`
	RecipientID   string  `json:"recipientId"`
	AmountWan     float64 `json:"amountWan"`
	Policy        string  `json:"policy"`
	DocNumber     string  `json:"docNumber"`
	District      string  `json:"district"` // empty: the recipient's
	Date          string  `json:"date"`     // YYYY-MM-DD
	Status        string  `json:"status"`   // approved, paid; revoked only in a correction
	Note          string  `json:"note"`
}

// LedgerEntry is an entry as the public reads it.
type LedgerEntry struct {
	domain.Payment
	// CorrectedBy names the entry that replaced this one; such an entry
	// is history and counts in no total.
	CorrectedBy string `json:"correctedBy,omitempty"`
	// RecipientPublic says the recipient has a public page to link to.
	RecipientPublic bool `json:"recipientPublic"`
}

// ledgerDate bounds: support paid before the platform's programmes, or
// dated later than tomorrow, is a typo.
var ledgerFirstDay = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// recorder returns the account of actor if it may record payments at all.
func (l *Ledger) recorder(ctx context.Context, actor domain.Actor) (*domain.User, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleAdmin && actor.Role != domain.RoleOfficer {
		return nil, domain.ErrForbidden
	}
	return l.users.UserByID(ctx, actor.UserID)
}

func outOfDistrict() error {
	return domain.CodedError(domain.KindForbidden, "district_out_of_scope", "the district is not in your scope")
}

// check validates in and returns the entry it makes (without id), with
// the field errors of every problem. revoke allows the revoked status.
func (l *Ledger) check(in PaymentInput, revoke bool) (*domain.Payment, []domain.FieldError) {
	var v domain.Validator
	p := &domain.Payment{RecipientKind: in.RecipientKind, RecipientID: in.RecipientID, AmountWan: in.AmountWan,
		Policy: strings.TrimSpace(in.Policy), DocNumber: strings.TrimSpace(in.DocNumber), District: in.District,
		Date: strings.TrimSpace(in.Date), Status: in.Status, Note: strings.TrimSpace(in.Note)}
	r, ok := l.book.rm.recipientByID(in.RecipientKind, in.RecipientID)
	v.CheckCode(in.RecipientKind == domain.RecipientSpace || in.RecipientKind == domain.RecipientStartup, "recipientKind", "recipient_kind", "must be space or startup")
	v.CheckCode(ok, "recipientId", "recipient_unknown", "no such space or startup")
	p.RecipientName = r.Name
	if p.District == "" {
		p.District = r.District
	}
	v.CheckCode(l.tax.HasDistrict(p.District), "district", "district_unknown", "unknown district")
	v.CheckCode(!math.IsNaN(p.AmountWan) && p.AmountWan > 0 && p.AmountWan <= maxAskWan, "amountWan", "amount_range", "must be more than 0 and at most 1,000,000 (wan)")
	p.AmountWan = math.Round(p.AmountWan*10000) / 10000 // to the yuan
	checkText(&v, "policy", p.Policy, maxName, true)
	checkText(&v, "docNumber", p.DocNumber, maxName, true)
	checkText(&v, "note", p.Note, maxShortText, false)
	d, err := time.Parse(time.DateOnly, p.Date)
	v.CheckCode(err == nil && !d.Before(ledgerFirstDay) && !d.After(l.now().AddDate(0, 0, 1)), "date", "date_out_of_range", "a date YYYY-MM-DD from 2000 to today")
	v.CheckCode(p.Status == domain.PaymentApproved || p.Status == domain.PaymentPaid || revoke && p.Status == domain.PaymentRevoked,
		"status", "payment_status", "must be approved or paid (or revoked, in a correction)")
	if e, ok := domain.AsError(v.Err()); ok {
		return p, e.Fields
	}
	return p, nil
}

// Record stores a new entry.
func (l *Ledger) Record(ctx context.Context, actor domain.Actor, in PaymentInput) (*LedgerEntry, error) {
	u, err := l.recorder(ctx, actor)
	if err != nil {
		return nil, err
	}
	p, fields := l.check(in, false)
	if fields != nil {
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "validation failed", Fields: fields}
	}
	if !domain.MayRecordIn(u, p.District) {
		return nil, outOfDistrict()
	}
	p.ID, p.RecordedBy, p.RecordedAt = l.newID(), u.ID, l.now().UTC()
	if err := l.book.db.InsertPayments(ctx, []*domain.Payment{p}); err != nil {
		return nil, err
	}
	l.book.storedPayments([]*domain.Payment{p})
	return l.Entry(ctx, p.ID)
}

// Correct stores a new entry that replaces entry id; the old entry stays,
// marked as corrected. A correction with status revoked cancels the entry
// (its amount is the old one's). Only the current entry of a history may
// be corrected, by someone who may record in both districts.
func (l *Ledger) Correct(ctx context.Context, actor domain.Actor, id string, in PaymentInput) (*LedgerEntry, error) {
	u, err := l.recorder(ctx, actor)
	if err != nil {
		return nil, err
	}
	old, err := l.Entry(ctx, id)
	if err != nil {
		return nil, err
	}
	if old.CorrectedBy != "" {
		return nil, domain.CodedError(domain.KindConflict, "already_corrected", "the entry has been corrected already")
	}
	if old.Status == domain.PaymentRevoked {
		return nil, domain.CodedError(domain.KindConflict, "payment_revoked", "a revoked entry cannot be corrected")
	}
	if in.Status == domain.PaymentRevoked && in.AmountWan == 0 {
		in.AmountWan = old.AmountWan
	}
	p, fields := l.check(in, true)
	if fields != nil {
		return nil, &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "validation failed", Fields: fields}
	}
	if !domain.MayRecordIn(u, old.District) || !domain.MayRecordIn(u, p.District) {
		return nil, outOfDistrict()
	}
	p.ID, p.RecordedBy, p.RecordedAt, p.Corrects = l.newID(), u.ID, l.now().UTC(), id
	// The claim first: two corrections of one entry cannot both land, and
	// a crash before the entry's write leaves a claim that the next
	// correction takes over (mongo.ClaimCorrection).
	if err := l.book.db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: id, By: p.ID, At: p.RecordedAt}); err != nil {
		return nil, err
	}
	if err := l.book.db.InsertPayments(ctx, []*domain.Payment{p}); err != nil {
		_ = l.book.db.ReleaseCorrection(context.WithoutCancel(ctx), id, p.ID)
		return nil, err
	}
	l.book.storedPayments([]*domain.Payment{p})
	return l.Entry(ctx, p.ID)
}

// Entry returns one entry, current or history.
func (l *Ledger) Entry(_ context.Context, id string) (*LedgerEntry, error) {
	b := l.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	p := b.payments[id]
	if p == nil {
		return nil, domain.ErrNotFound
	}
	return b.entry(p), nil
}

// History returns the entry id with every entry before and after it in
// its chain of corrections, oldest first.
func (l *Ledger) History(_ context.Context, id string) ([]LedgerEntry, error) {
	b := l.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	p := b.payments[id]
	if p == nil {
		return nil, domain.ErrNotFound
	}
	for p.Corrects != "" && b.payments[p.Corrects] != nil {
		p = b.payments[p.Corrects]
	}
	out := []LedgerEntry{}
	for p != nil {
		out = append(out, *b.entry(p))
		p = b.payments[b.correctedBy[p.ID]]
	}
	return out, nil
}

// entry is p as the public reads it; callers hold mu.
func (b *ServiceBook) entry(p *domain.Payment) *LedgerEntry {
	r, _ := b.rm.recipientByID(p.RecipientKind, p.RecipientID)
	return &LedgerEntry{Payment: *p, CorrectedBy: b.correctedBy[p.ID], RecipientPublic: r.Public}
}

// LedgerFilter narrows the public list; empty fields do not.
type LedgerFilter struct {
	District, Policy, Status, RecipientKind, RecipientID string
	From, To                                             string // YYYY-MM-DD, inclusive
	Query                                                string // in the recipient, policy or document number
	History                                              bool   // corrected entries too
}

// LedgerTotal is the current entries' sum for one district or policy.
type LedgerTotal struct {
	Key       string  `json:"key"`
	Count     int     `json:"count"`
	AmountWan float64 `json:"amountWan"`
	PaidWan   float64 `json:"paidWan"`
}

// LedgerTotals sum the current, not revoked entries that match a filter.
type LedgerTotals struct {
	Count      int           `json:"count"`
	AmountWan  float64       `json:"amountWan"`
	PaidWan    float64       `json:"paidWan"`
	ByDistrict []LedgerTotal `json:"byDistrict"`
	ByPolicy   []LedgerTotal `json:"byPolicy"`
}

// LedgerPage is one page of the public ledger with the filter's totals.
type LedgerPage struct {
	Items    []LedgerEntry `json:"items"`
	Total    int           `json:"total"`
	Page     int           `json:"page"`
	PageSize int           `json:"pageSize"`
	Totals   LedgerTotals  `json:"totals"`
	// Policies are every policy named in the ledger, for the filter.
	Policies []string `json:"policies"`
}

func (f LedgerFilter) matches(p *domain.Payment, corrected bool) bool {
	eq := func(want, have string) bool { return want == "" || want == have }
	if corrected && !f.History {
		return false
	}
	if !eq(f.District, p.District) || !eq(f.Policy, p.Policy) || !eq(f.Status, p.Status) || !eq(f.RecipientKind, p.RecipientKind) || !eq(f.RecipientID, p.RecipientID) {
		return false
	}
	if f.From != "" && p.Date < f.From || f.To != "" && p.Date > f.To {
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		return strings.Contains(strings.ToLower(p.RecipientName), q) || strings.Contains(strings.ToLower(p.Policy), q) || strings.Contains(strings.ToLower(p.DocNumber), q)
	}
	return true
}

func (l *Ledger) checkFilter(f LedgerFilter) error {
	var v domain.Validator
	v.CheckCode(f.District == "" || l.tax.HasDistrict(f.District), "district", "district_unknown", "unknown district")
	v.CheckCode(f.Status == "" || contains([]string{domain.PaymentApproved, domain.PaymentPaid, domain.PaymentRevoked}, f.Status), "status", "payment_status", "must be approved, paid or revoked")
	v.CheckCode(f.RecipientKind == "" || f.RecipientKind == domain.RecipientSpace || f.RecipientKind == domain.RecipientStartup, "recipientKind", "recipient_kind", "must be space or startup")
	for _, d := range []struct{ field, v string }{{"from", f.From}, {"to", f.To}} {
		_, err := time.Parse(time.DateOnly, d.v)
		v.CheckCode(d.v == "" || err == nil, d.field, "date_format", "a date YYYY-MM-DD")
	}
	v.CheckCode(runes(f.Query) <= 100 && runes(f.Policy) <= maxName, "q", "too_long", "too long")
	return v.Err()
}

// matching returns the entries f selects, newest first (by date, then
// recorded time), and their totals.
func (l *Ledger) matching(f LedgerFilter) ([]LedgerEntry, LedgerTotals, []string) {
	b := l.book
	b.mu.RLock()
	items := []LedgerEntry{}
	policies := map[string]bool{}
	byDistrict, byPolicy := map[string]*LedgerTotal{}, map[string]*LedgerTotal{}
	var tot LedgerTotals
	for _, p := range b.payments {
		policies[p.Policy] = true
		corrected := b.correctedBy[p.ID] != ""
		if !f.matches(p, corrected) {
			continue
		}
		items = append(items, *b.entry(p))
		if corrected || p.Status == domain.PaymentRevoked {
			continue
		}
		for _, t := range []*LedgerTotal{at(byDistrict, p.District), at(byPolicy, p.Policy)} {
			t.Count++
			t.AmountWan += p.AmountWan
			if p.Status == domain.PaymentPaid {
				t.PaidWan += p.AmountWan
			}
		}
		tot.Count++
		tot.AmountWan += p.AmountWan
		if p.Status == domain.PaymentPaid {
			tot.PaidWan += p.AmountWan
		}
	}
	b.mu.RUnlock()
	slices.SortFunc(items, func(a, b LedgerEntry) int {
		return cmp.Or(cmp.Compare(b.Date, a.Date), b.RecordedAt.Compare(a.RecordedAt), cmp.Compare(b.ID, a.ID))
	})
	tot.AmountWan, tot.PaidWan = round4(tot.AmountWan), round4(tot.PaidWan)
	tot.ByDistrict = []LedgerTotal{}
	for _, d := range l.tax.Districts {
		if t := byDistrict[d.Code]; t != nil {
			tot.ByDistrict = append(tot.ByDistrict, rounded(t))
		}
	}
	tot.ByPolicy = []LedgerTotal{}
	for _, t := range byPolicy {
		tot.ByPolicy = append(tot.ByPolicy, rounded(t))
	}
	slices.SortFunc(tot.ByPolicy, func(a, b LedgerTotal) int {
		return cmp.Or(cmp.Compare(b.AmountWan, a.AmountWan), cmp.Compare(a.Key, b.Key))
	})
	names := make([]string, 0, len(policies))
	for p := range policies {
		names = append(names, p)
	}
	slices.Sort(names)
	return items, tot, names
}

func at(m map[string]*LedgerTotal, key string) *LedgerTotal {
	if m[key] == nil {
		m[key] = &LedgerTotal{Key: key}
	}
	return m[key]
}

func round4(f float64) float64 { return math.Round(f*10000) / 10000 }

func rounded(t *LedgerTotal) LedgerTotal {
	cp := *t
	cp.AmountWan, cp.PaidWan = round4(cp.AmountWan), round4(cp.PaidWan)
	return cp
}

// List returns one page of the public ledger and the totals of the
// filter's current entries. Anyone may read it.
func (l *Ledger) List(_ context.Context, f LedgerFilter, p domain.Page) (*LedgerPage, error) {
	if err := l.checkFilter(f); err != nil {
		return nil, err
	}
	items, tot, policies := l.matching(f)
	page := &LedgerPage{Total: len(items), Page: p.Page, PageSize: p.PageSize, Totals: tot, Policies: policies}
	from := min(p.Skip(), len(items))
	page.Items = items[from:min(from+p.PageSize, len(items))]
	return page, nil
}

// Rows returns the entries f selects as a sheet: a header row and a row
// per entry, history included when f asks.
func (l *Ledger) Rows(_ context.Context, f LedgerFilter) ([][]string, error) {
	if err := l.checkFilter(f); err != nil {
		return nil, err
	}
	items, _, _ := l.matching(f)
	rows := [][]string{{"编号", "受助对象", "类型", "金额（万元）", "政策", "文号", "区县", "日期", "状态", "更正条目", "被更正为", "备注", "记录时间"}}
	district := func(code string) string {
		for _, d := range l.tax.Districts {
			if d.Code == code {
				return d.Zh
			}
		}
		return code
	}
	kinds := map[string]string{domain.RecipientSpace: "众创空间", domain.RecipientStartup: "企业"}
	statuses := map[string]string{domain.PaymentApproved: "已批准", domain.PaymentPaid: "已兑现", domain.PaymentRevoked: "已撤销"}
	for _, e := range items {
		rows = append(rows, []string{e.ID, e.RecipientName, kinds[e.RecipientKind], formatWan(e.AmountWan), e.Policy, e.DocNumber,
			district(e.District), e.Date, statuses[e.Status], e.Corrects, e.CorrectedBy, e.Note, e.RecordedAt.UTC().Format(time.RFC3339)})
	}
	return rows, nil
}

func formatWan(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
