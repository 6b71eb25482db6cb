package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ledgerColumns are the headers a district's payment sheet uses. Tried in
// order: a header takes the first field whose names it contains ("政策
// 名称" is a policy before it could be a recipient's 名称).
var ledgerColumns = []sheetColumn{
	{"corrects", []string{"更正条目", "更正编号", "更正", "corrects"}},
	{"recipientId", []string{"对象编号", "对象id", "recipient id", "recipientid"}},
	{"recipientKind", []string{"对象类型", "受助类型", "类型", "recipient kind", "kind"}},
	{"docNumber", []string{"文号", "发文字号", "文件编号", "document", "doc"}},
	{"date", []string{"兑现日期", "拨付日期", "发放日期", "日期", "date"}},
	{"amountWan", []string{"金额", "万元", "amount"}},
	{"policy", []string{"政策名称", "政策", "扶持项目", "资金类别", "policy"}},
	{"district", []string{"所在区县", "区县", "地区", "district"}},
	{"status", []string{"状态", "status"}},
	{"note", []string{"备注", "说明", "note"}},
	{"recipient", []string{"受助对象", "兑现对象", "受益单位", "单位名称", "企业名称", "空间名称", "名称", "recipient"}},
}

// LedgerProblem is one thing wrong with an imported row: the field and a
// stable code the web app words.
type LedgerProblem struct {
	Field string `json:"field"`
	Code  string `json:"code"`
}

// LedgerImportRow is one data row as understood, with its problems.
type LedgerImportRow struct {
	Line          int             `json:"line"`
	RecipientName string          `json:"recipientName"`
	RecipientKind string          `json:"recipientKind"`
	RecipientID   string          `json:"recipientId"`
	AmountWan     float64         `json:"amountWan"`
	Policy        string          `json:"policy"`
	DocNumber     string          `json:"docNumber"`
	District      string          `json:"district"`
	Date          string          `json:"date"`
	Status        string          `json:"status"`
	Corrects      string          `json:"corrects,omitempty"`
	Problems      []LedgerProblem `json:"problems"`
	Action        string          `json:"action"` // record, correct, skip
	input         PaymentInput
}

// LedgerImport is a preview, or what a commit did.
type LedgerImport struct {
	Columns   map[string]string `json:"columns"` // header → field
	Rows      []LedgerImportRow `json:"rows"`
	Good      int               `json:"good"`
	Bad       int               `json:"bad"`
	Recorded  int               `json:"recorded"`
	Corrected int               `json:"corrected"`
	Committed bool              `json:"committed"`
}

// Import reads a payment sheet (CSV in UTF-8 or GBK, or XLSX) with the same
// preview-and-commit flow as a space's registry: without commit it only
// says what each row would do; with commit it records the good rows. Entry
// ids come from the file's content and line, so a commit repeated (after a
// crash, or twice by mistake) records nothing twice; a row equal to a
// current entry is refused as a duplicate.
func (l *Ledger) Import(ctx context.Context, actor domain.Actor, data []byte, commit bool) (*LedgerImport, error) {
	u, err := l.recorder(ctx, actor)
	if err != nil {
		return nil, err
	}
	columns, rows, err := readSheet(data, ledgerColumns, "recipient",
		domain.CodedError(domain.KindInvalid, "no_header", "no header row: a recipient column is needed"))
	if err != nil {
		return nil, err
	}
	res := &LedgerImport{Columns: columns, Rows: []LedgerImportRow{}}
	names := l.book.rm.recipientsByName()
	seen := l.currentKeys()
	claimed := map[string]bool{}
	for _, row := range rows {
		ir := l.importRow(row, names, u)
		if len(ir.Problems) == 0 {
			key := paymentKey(ir.RecipientKind, ir.RecipientID, ir.Policy, ir.DocNumber, ir.Date, ir.AmountWan)
			if seen[key] {
				ir.Problems = append(ir.Problems, LedgerProblem{"recipient", "duplicate_entry"})
			}
			seen[key] = true
		}
		if ir.Corrects != "" && len(ir.Problems) == 0 {
			if claimed[ir.Corrects] {
				ir.Problems = append(ir.Problems, LedgerProblem{"corrects", "already_corrected"})
			}
			claimed[ir.Corrects] = true
		}
		switch {
		case len(ir.Problems) > 0:
			ir.Action = "skip"
			res.Bad++
		case ir.Corrects != "":
			ir.Action = "correct"
			res.Good++
		default:
			ir.Action = "record"
			res.Good++
		}
		res.Rows = append(res.Rows, ir)
	}
	if !commit {
		return res, nil
	}
	sum := sha256.Sum256(data)
	batch := hex.EncodeToString(sum[:12])
	now := l.now().UTC()
	var fresh []*domain.Payment
	for _, ir := range res.Rows {
		if ir.Action == "skip" {
			continue
		}
		p, _ := l.check(ir.input, ir.Corrects != "")
		id := sha256.Sum256([]byte(batch + ":" + strconv.Itoa(ir.Line)))
		p.ID, p.RecordedBy, p.RecordedAt, p.Import, p.Corrects = hex.EncodeToString(id[:12]), u.ID, now, batch, ir.Corrects
		if ir.Corrects == "" {
			fresh = append(fresh, p)
			continue
		}
		if err := l.book.db.ClaimCorrection(ctx, domain.PaymentCorrection{ID: p.Corrects, By: p.ID, At: now}); err != nil {
			return nil, err
		}
		if err := l.book.db.InsertPayments(ctx, []*domain.Payment{p}); err != nil {
			_ = l.book.db.ReleaseCorrection(context.WithoutCancel(ctx), p.Corrects, p.ID)
			return nil, err
		}
		l.book.storedPayments([]*domain.Payment{p})
		res.Corrected++
	}
	if len(fresh) > 0 {
		if err := l.book.db.InsertPayments(ctx, fresh); err != nil {
			return nil, err
		}
		l.book.storedPayments(fresh)
		res.Recorded = len(fresh)
	}
	res.Committed = true
	return res, nil
}

// importRow reads one row and lists its problems.
func (l *Ledger) importRow(row map[string]string, names map[string][]recipient, u *domain.User) LedgerImportRow {
	line, _ := strconv.Atoi(row["_line"])
	ir := LedgerImportRow{Line: line, RecipientName: row["recipient"], Policy: row["policy"], DocNumber: row["docNumber"], Problems: []LedgerProblem{}}
	problem := func(field, code string) { ir.Problems = append(ir.Problems, LedgerProblem{field, code}) }
	kind := ""
	switch strings.ToLower(strings.TrimSpace(row["recipientKind"])) {
	case "":
	case "众创空间", "空间", "创客基地", "space":
		kind = domain.RecipientSpace
	case "企业", "项目", "创业企业", "startup":
		kind = domain.RecipientStartup
	default:
		problem("recipientKind", "recipient_kind")
	}
	// An id names the recipient outright (a sheet exported from here has
	// them); otherwise the name must name exactly one of the kind.
	var found []recipient
	for _, r := range names[strings.TrimSpace(ir.RecipientName)] {
		if (kind == "" || r.Kind == kind) && (row["recipientId"] == "" || r.ID == row["recipientId"]) {
			found = append(found, r)
		}
	}
	switch {
	case ir.RecipientName == "":
		problem("recipient", "required")
	case len(found) == 0:
		problem("recipient", "recipient_unknown")
	case len(found) > 1:
		problem("recipient", "recipient_ambiguous")
	default:
		ir.RecipientKind, ir.RecipientID = found[0].Kind, found[0].ID
	}
	amount := strings.NewReplacer("万元", "", "万", "", ",", "", "，", "", "¥", "", "￥", "").Replace(row["amountWan"])
	a, err := strconv.ParseFloat(strings.TrimSpace(amount), 64)
	if err != nil && row["amountWan"] != "" {
		problem("amountWan", "amount_range")
	}
	ir.AmountWan = a
	ir.District = codeOf(l.tax.Districts, row["district"])
	if row["district"] != "" && ir.District == "" {
		problem("district", "district_unknown")
	}
	if ir.Date = sheetDate(row["date"]); ir.Date == "" && row["date"] != "" {
		problem("date", "date_format")
	}
	switch strings.ToLower(strings.TrimSpace(row["status"])) {
	case "", "已兑现", "已拨付", "已发放", "paid":
		ir.Status = domain.PaymentPaid
	case "已批准", "公示", "公示中", "待兑现", "待拨付", "approved":
		ir.Status = domain.PaymentApproved
	case "已撤销", "撤销", "revoked":
		ir.Status = domain.PaymentRevoked
	default:
		problem("status", "payment_status")
	}
	ir.Corrects = strings.TrimSpace(row["corrects"])
	if ir.Corrects != "" {
		old, err := l.Entry(context.Background(), ir.Corrects)
		switch {
		case err != nil:
			problem("corrects", "correction_unknown")
		case old.CorrectedBy != "":
			problem("corrects", "already_corrected")
		case !domain.MayRecordIn(u, old.District):
			problem("corrects", "district_out_of_scope")
		case ir.Status == domain.PaymentRevoked && ir.AmountWan == 0:
			ir.AmountWan = old.AmountWan
		}
	}
	ir.input = PaymentInput{RecipientKind: ir.RecipientKind, RecipientID: ir.RecipientID, AmountWan: ir.AmountWan, Policy: ir.Policy,
		DocNumber: ir.DocNumber, District: ir.District, Date: ir.Date, Status: ir.Status, Note: row["note"]}
	if len(ir.Problems) > 0 {
		return ir
	}
	p, fields := l.check(ir.input, ir.Corrects != "")
	for _, f := range fields {
		problem(f.Field, f.Code)
	}
	ir.District = p.District
	if len(fields) == 0 && !domain.MayRecordIn(u, p.District) {
		problem("district", "district_out_of_scope")
	}
	return ir
}

// currentKeys are the keys of the ledger's current entries (paymentKey).
func (l *Ledger) currentKeys() map[string]bool {
	b := l.book
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make(map[string]bool, len(b.payments))
	for _, p := range b.payments {
		if b.correctedBy[p.ID] == "" && p.Status != domain.PaymentRevoked {
			out[paymentKey(p.RecipientKind, p.RecipientID, p.Policy, p.DocNumber, p.Date, p.AmountWan)] = true
		}
	}
	return out
}

func paymentKey(kind, id, policy, doc, date string, amount float64) string {
	return strings.Join([]string{kind, id, strings.TrimSpace(policy), strings.TrimSpace(doc), date, formatWan(round4(amount))}, "\x00")
}

// codeOf returns the code of the item value names: its code, Chinese or
// English name, or the Chinese name without its 区/市/县.
func codeOf(list []domain.Named, value string) string {
	v := strings.TrimSpace(value)
	if v == "" {
		return ""
	}
	for _, n := range list {
		short := strings.TrimRight(n.Zh, "区市县")
		if strings.EqualFold(v, n.Code) || v == n.Zh || strings.EqualFold(v, n.En) || short != "" && v == short {
			return n.Code
		}
	}
	return ""
}

// sheetDate reads the ways a sheet writes a day (2026-03-01, 2026/3/1,
// 2026.3.1, 2026年3月1日, or a spreadsheet's day number) as YYYY-MM-DD.
func sheetDate(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	if n, err := strconv.Atoi(v); err == nil && n > 20000 && n < 80000 {
		return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n).Format(time.DateOnly)
	}
	v = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(v)
	if i := strings.IndexAny(v, " T"); i > 0 {
		v = v[:i]
	}
	t, err := time.Parse("2006-1-2", v)
	if err != nil {
		return ""
	}
	return t.Format(time.DateOnly)
}
