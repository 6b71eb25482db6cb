// Package sheet reads and writes spreadsheets: CSV, and XLSX. Reading is
// its own streaming reader with limits (read.go; XLSX in readxlsx.go);
// writing goes through excelize, which no other package imports. Rows are
// plain [][]string.
package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MaxFileBytes is the largest spreadsheet file the platform accepts.
const MaxFileBytes = 5 << 20

// IsXLSX reports whether data looks like an XLSX file (a zip archive).
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// WriteXLSX returns an XLSX file with rows on one worksheet named name.
func WriteXLSX(name string, rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, fmt.Errorf("sheet: %w", err)
	}
	for i, row := range rows {
		vals := make([]any, len(row))
		for j, v := range row {
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &vals); err != nil {
			return nil, fmt.Errorf("sheet: write row %d: %w", i+1, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("sheet: write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteCSV returns rows as CSV, UTF-8 with a byte-order mark so that
// spreadsheet software reads Chinese correctly. Cells that a spreadsheet
// would run as a formula are escaped (EscapeFormula).
func WriteCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	safe := make([][]string, len(rows))
	for i, row := range rows {
		safe[i] = make([]string, len(row))
		for j, v := range row {
			safe[i][j] = EscapeFormula(v)
		}
	}
	if err := w.WriteAll(safe); err != nil {
		return nil, fmt.Errorf("sheet: write csv: %w", err)
	}
	return buf.Bytes(), nil
}

// EscapeFormula returns v so that no spreadsheet takes it for a formula:
// text beginning with = + - @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheets show as text and do not display. Numbers
// ("-3", "+1.5") are left as they are.
func EscapeFormula(v string) string {
	if v == "" || !strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return v
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return v
	}
	return "'" + v
}
