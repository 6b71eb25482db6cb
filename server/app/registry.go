package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/sheet"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// RegistryStore is what importing and exporting a space's registry needs.
type RegistryStore interface {
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
	CreateStartup(ctx context.Context, s *domain.Startup) error
	UpdateStartup(ctx context.Context, s *domain.Startup, prevVersion int) error
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
}

// Registry imports and exports a maker space's startup registry (创客企业库).
// It is safe for concurrent use.
type Registry struct {
	store RegistryStore
	tax   *domain.Taxonomy
	now   func() time.Time
}

// NewRegistry returns a Registry (the platform's store is the ReadModel).
func NewRegistry(store RegistryStore, tax *domain.Taxonomy) *Registry {
	return &Registry{store: store, tax: tax, now: time.Now}
}

// maxImportRows bounds the startups of one import; sheet.DefaultLimits
// bound the file as it is read.
const maxImportRows = 5000

// sheetError turns a refusal of the sheet reader into the error a manager
// sees.
func sheetError(err error, xlsx bool) error {
	var le *sheet.LimitError
	if errors.As(err, &le) {
		switch le.Limit {
		case "rows":
			return domain.CodedError(domain.KindTooLarge, "too_many_rows", "at most 5,000 rows")
		case "columns":
			return domain.CodedError(domain.KindTooLarge, "too_many_columns", "too many columns")
		case "cell":
			return domain.CodedError(domain.KindTooLarge, "cell_too_large", "a cell is too long")
		}
		return domain.CodedError(domain.KindTooLarge, "file_too_large", "the file unpacks to too much data")
	}
	if xlsx {
		return domain.CodedError(domain.KindInvalid, "bad_xlsx", "cannot read the XLSX file")
	}
	return domain.CodedError(domain.KindInvalid, "bad_csv", "malformed CSV: "+err.Error())
}

// headerNames maps the column names people really write to fields. A
// header matches a field when it contains one of the names, so "企业名称
// （全称）" and "所属行业/领域" work too. Longer names are tried first.
var headerNames = []sheetColumn{
	{"oneLiner", []string{"一句话介绍", "项目简介", "简介", "one-liner", "oneliner"}},
	{"teamSize", []string{"团队人数", "员工人数", "从业人数", "人数", "team size"}},
	{"highTech", []string{"高新技术企业", "是否高企", "高企", "high-tech"}},
	{"incubatedSince", []string{"入驻时间", "入孵时间", "入驻日期", "入孵日期", "incubated since"}},
	{"askWan", []string{"融资需求", "融资金额", "拟融资", "ask"}},
	{"graduated", []string{"是否毕业", "已毕业", "graduated"}},
	{"stage", []string{"融资阶段", "发展阶段", "阶段", "stage"}},
	{"sector", []string{"所属行业", "行业领域", "产业领域", "行业", "领域", "sector"}},
	{"district", []string{"所在区县", "区县", "所在地区", "区域", "district"}},
	{"name", []string{"企业名称", "公司名称", "项目名称", "单位名称", "名称", "name"}},
}

// ImportRow is one data row as understood, with its problems.
type ImportRow struct {
	Line     int      `json:"line"`
	Name     string   `json:"name"`
	Sector   string   `json:"sector"`
	Stage    string   `json:"stage"`
	District string   `json:"district"`
	TeamSize int      `json:"teamSize"`
	AskWan   float64  `json:"askWan"`
	HighTech bool     `json:"highTech"`
	Problems []string `json:"problems"`
	Action   string   `json:"action"` // create, update, skip
}

// ImportResult is a preview, or what a commit did.
type ImportResult struct {
	Columns   map[string]string `json:"columns"` // header → field
	Rows      []ImportRow       `json:"rows"`
	Good      int               `json:"good"`
	Bad       int               `json:"bad"`
	Created   int               `json:"created"`
	Updated   int               `json:"updated"`
	Committed bool              `json:"committed"`
}

// decodeText returns data as UTF-8: UTF-8 (with or without BOM) as is,
// anything else read as GBK, which Chinese spreadsheet software writes.
func decodeText(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data, nil
	}
	out, err := simplifiedchinese.GBK.NewDecoder().Bytes(data)
	if err != nil {
		return nil, domain.CodedError(domain.KindInvalid, "bad_encoding", "unreadable encoding (UTF-8 and GBK are supported)")
	}
	return out, nil
}

// lookup finds the code value names in list: its code, names, synonyms
// or the aliases the taxonomy file gives (柯桥 for 柯桥区, 天使 for 天使轮).
func (r *Registry) lookup(list []domain.Named, value string) string {
	return domain.MatchNamed(list, value)
}

func (r *Registry) sectorCode(value string) string {
	v := strings.TrimSpace(value)
	named := make([]domain.Named, len(r.tax.Sectors))
	for i, s := range r.tax.Sectors {
		named[i] = domain.Named{Code: s.Code, Zh: s.Zh, En: s.En, Synonyms: s.Synonyms}
	}
	if c := domain.MatchNamed(named, v); c != "" {
		return c
	}
	for _, s := range r.tax.Sectors {
		if v != "" && strings.Contains(s.Zh, v) {
			return s.Code
		}
	}
	return ""
}

func yes(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "是", "y", "yes", "true", "1", "√":
		return true, true
	case "否", "n", "no", "false", "0", "":
		return false, true
	}
	return false, false
}

// parse reads a registry sheet: XLSX, or CSV in UTF-8 or GBK.
func (r *Registry) parse(data []byte) (*ImportResult, []map[string]string, error) {
	columns, rows, err := readSheet(data, headerNames, "name",
		domain.CodedError(domain.KindInvalid, "no_header", "no header row: a column of names is needed"))
	if err != nil {
		return nil, nil, err
	}
	return &ImportResult{Columns: columns, Rows: []ImportRow{}}, rows, nil
}

func matched(h string, names []string) bool {
	for _, n := range names {
		if strings.Contains(h, strings.ToLower(n)) {
			return true
		}
	}
	return false
}

func hasField(m map[int]string, f string) bool {
	for _, v := range m {
		if v == f {
			return true
		}
	}
	return false
}

// Import reads a CSV registry for space id. Without commit it only
// previews: every row with its problems. With commit it saves the good
// rows as draft profiles the space owns, matching earlier imports by name
// so that importing the same file twice creates nothing new. A row naming a
// founder's startup changes only the space's facts of a confirmed,
// published resident (domain.RegistryMayChange), never a founder's profile
// or draft.
func (r *Registry) Import(ctx context.Context, actor domain.Actor, spaceID string, data []byte, commit bool) (*ImportResult, error) {
	sp, err := managedSpace(ctx, r.store, actor, spaceID)
	if err != nil {
		return nil, err
	}
	res, rows, err := r.parse(data)
	if err != nil {
		return nil, err
	}
	existing := map[string]*domain.Startup{}
	err = r.eachInSpace(ctx, spaceID, func(s *domain.Startup) error {
		name := strings.TrimSpace(s.Name)
		if prev := existing[name]; prev == nil || prev.OwnerID != sp.OwnerID {
			existing[name] = s // the space's own row wins a tie of names
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for _, row := range rows {
		line, _ := strconv.Atoi(row["_line"])
		ir := ImportRow{Line: line, Name: row["name"], Problems: []string{}}
		if ir.Name == "" {
			ir.Problems = append(ir.Problems, "缺少企业名称 / no name")
		} else if runes(ir.Name) > maxName {
			ir.Problems = append(ir.Problems, "名称过长 / name too long")
		} else if prev, dup := seen[ir.Name]; dup {
			ir.Problems = append(ir.Problems, fmt.Sprintf("与第 %d 行重复 / same name as line %d", prev, prev))
		}
		seen[ir.Name] = line
		if ir.Sector = r.sectorCode(row["sector"]); ir.Sector == "" {
			ir.Problems = append(ir.Problems, "行业无法识别 / unknown sector: "+clip(row["sector"]))
		}
		ir.Stage = r.lookup(r.tax.Stages, row["stage"])
		if row["stage"] == "" {
			ir.Stage = "seed"
		} else if ir.Stage == "" {
			ir.Problems = append(ir.Problems, "融资阶段无法识别 / unknown stage: "+clip(row["stage"]))
		}
		ir.District = r.lookup(r.tax.Districts, row["district"])
		if row["district"] == "" {
			ir.District = sp.District
		} else if ir.District == "" {
			ir.Problems = append(ir.Problems, "区县无法识别 / unknown district: "+clip(row["district"]))
		}
		if v := row["teamSize"]; v != "" {
			n, err := strconv.Atoi(strings.TrimSuffix(v, "人"))
			if err != nil || n < 0 || n > 100000 {
				ir.Problems = append(ir.Problems, "团队人数须为整数 / team size must be a whole number")
			}
			ir.TeamSize = n
		}
		if v := row["askWan"]; v != "" {
			f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSuffix(v, "万元"), "万"), 64)
			if err != nil || f < 0 || f > maxAskWan {
				ir.Problems = append(ir.Problems, "融资需求须为万元数 / ask must be an amount in 万元")
			}
			ir.AskWan = f
		}
		ok := true
		if ir.HighTech, ok = yes(row["highTech"]); !ok {
			ir.Problems = append(ir.Problems, "高新技术企业须为是或否 / high-tech must be 是 or 否")
		}
		may := domain.RegistryChangeNone
		if ex := existing[ir.Name]; ex != nil {
			if may = domain.RegistryMayChange(ex, sp); may == domain.RegistryChangeNone {
				ir.Problems = append(ir.Problems, "该项目由创始人维护，且不是已确认入驻的已发布项目 / the startup is its founder's and not a confirmed, published resident")
			}
		}
		switch {
		case len(ir.Problems) > 0:
			ir.Action = "skip"
			res.Bad++
		case may == domain.RegistryChangeFacts:
			ir.Action = "facts"
			res.Good++
		case existing[ir.Name] != nil:
			ir.Action = "update"
			res.Good++
		default:
			ir.Action = "create"
			res.Good++
		}
		res.Rows = append(res.Rows, ir)
	}
	if !commit {
		return res, nil
	}
	now := r.now().UTC()
	for _, ir := range res.Rows {
		switch ir.Action {
		case "create":
			s := &domain.Startup{OwnerID: sp.OwnerID, Name: ir.Name, OneLiner: "", Sector: ir.Sector, Stage: ir.Stage, District: ir.District,
				SpaceID: spaceID, Residency: domain.ResidencyConfirmed, TeamSize: ir.TeamSize, AskWan: ir.AskWan, HighTech: ir.HighTech, Status: domain.StatusDraft,
				IncubatedSince: &now, Team: []domain.TeamMember{}, Tags: []string{}, Links: []domain.Link{}, CreatedAt: now, UpdatedAt: now}
			if err := r.store.CreateStartup(ctx, s); err != nil {
				return nil, err
			}
			res.Created++
		case "update":
			s := existing[ir.Name]
			s.Sector, s.Stage, s.District, s.TeamSize, s.HighTech = ir.Sector, ir.Stage, ir.District, ir.TeamSize, ir.HighTech
			if ir.AskWan > 0 {
				s.AskWan = ir.AskWan
			}
			s.UpdatedAt = now
			if err := r.store.UpdateStartup(ctx, s, s.Version); err != nil {
				return nil, err
			}
			res.Updated++
		case "facts":
			// A founder's confirmed resident: the space states its facts, the founder keeps the profile.
			s := existing[ir.Name]
			s.TeamSize, s.HighTech = ir.TeamSize, ir.HighTech
			s.UpdatedAt = now
			if err := r.store.UpdateStartup(ctx, s, s.Version); err != nil {
				return nil, err
			}
			res.Updated++
		}
	}
	res.Committed = true
	return res, nil
}

// Rows returns space id's registry as a header row and one row per startup,
// for export as CSV or XLSX; its manager and admins only.
func (r *Registry) Rows(ctx context.Context, actor domain.Actor, spaceID string) ([][]string, error) {
	sp, err := managedSpace(ctx, r.store, actor, spaceID)
	if err != nil {
		return nil, err
	}
	rows := [][]string{{"企业名称", "所属行业", "融资阶段", "所在区县", "团队人数", "融资需求（万元）", "高新技术企业", "是否毕业", "状态"}}
	zh := func(list []domain.Named, code string) string {
		for _, n := range list {
			if n.Code == code {
				return n.Zh
			}
		}
		return code
	}
	yn := map[bool]string{true: "是", false: "否"}
	err = r.eachListed(ctx, sp, func(s *domain.Startup) error {
		sec, _ := r.tax.Sector(s.Sector)
		rows = append(rows, []string{s.Name, sec.Zh, zh(r.tax.Stages, s.Stage), zh(r.tax.Districts, s.District), strconv.Itoa(s.TeamSize),
			strconv.FormatFloat(s.AskWan, 'f', -1, 64), yn[s.HighTech], yn[s.Graduated], s.Status})
		return nil
	})
	return rows, err
}
