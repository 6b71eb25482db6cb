package app

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/sheet"
)

// The one road in for uploaded sheets: a space's registry (registry.go)
// and the support ledger (ledger_import.go) both read their files here and
// answer with a preview of every row before anything is committed.

// sheetColumn is a field of an import and the header names people write
// for it. A header matches a field when it contains one of the names, so
// "企业名称（全称）" and "所属行业/领域" work too; the columns are tried in
// order, so longer or more specific names come first.
type sheetColumn struct {
	field string
	names []string
}

// readSheet reads an uploaded sheet (XLSX, or CSV in UTF-8 or GBK), finds
// its header (the first row naming the key column: sheets often start
// with a title row or blank lines), and returns the header → field map
// and every non-blank data row as field → text, "_line" its line number.
// noHeader is the error when no row names the key column.
func readSheet(data []byte, columns []sheetColumn, key string, noHeader error) (map[string]string, []map[string]string, error) {
	if len(data) > sheet.MaxFileBytes {
		return nil, nil, domain.CodedError(domain.KindTooLarge, "file_too_large", "at most 5 MB")
	}
	var records [][]string
	var err error
	xlsx := sheet.IsXLSX(data)
	if xlsx {
		records, err = sheet.ReadXLSX(data, sheet.DefaultLimits)
	} else {
		var text []byte
		if text, err = decodeText(data); err != nil {
			return nil, nil, err
		}
		records, err = sheet.ReadCSV(bytes.NewReader(text), sheet.DefaultLimits)
	}
	if err != nil {
		return nil, nil, sheetError(err, xlsx)
	}
	head := -1
	cols := map[int]string{}
	named := map[string]string{}
	for i, rec := range records {
		found := map[int]string{}
		for j, h := range rec {
			h = strings.ToLower(strings.TrimSpace(h))
			for _, hn := range columns {
				if matched(h, hn.names) && !hasField(found, hn.field) {
					found[j] = hn.field
					break
				}
			}
		}
		if hasField(found, key) {
			head, cols = i, found
			for j, f := range found {
				named[strings.TrimSpace(rec[j])] = f
			}
			break
		}
	}
	if head < 0 {
		return nil, nil, noHeader
	}
	var rows []map[string]string
	for i := head + 1; i < len(records); i++ {
		row := map[string]string{"_line": strconv.Itoa(i + 1)}
		blank := true
		for j, v := range records[i] {
			if f, ok := cols[j]; ok {
				row[f] = strings.TrimSpace(domain.CleanText(v))
				blank = blank && row[f] == ""
			}
		}
		if blank {
			continue
		}
		rows = append(rows, row)
	}
	if len(rows) > maxImportRows {
		return nil, nil, domain.CodedError(domain.KindTooLarge, "too_many_rows", "at most 5,000 rows")
	}
	return named, rows, nil
}
