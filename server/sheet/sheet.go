// Package sheet reads and writes spreadsheets: CSV, and XLSX through
// excelize, which no other package imports. Rows are plain [][]string.
package sheet

import (
	"bytes"
	"encoding/csv"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// MaxFileBytes is the largest spreadsheet file the platform accepts.
const MaxFileBytes = 5 << 20

// IsXLSX reports whether data looks like an XLSX file (a zip archive).
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// ReadXLSX returns the rows of the first worksheet.
func ReadXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("sheet: open xlsx: %w", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return nil, fmt.Errorf("sheet: read xlsx: %w", err)
	}
	return rows, nil
}

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
// spreadsheet software reads Chinese correctly.
func WriteCSV(rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		return nil, fmt.Errorf("sheet: write csv: %w", err)
	}
	return buf.Bytes(), nil
}
