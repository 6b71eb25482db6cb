package sheet

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// Limits bound what the readers accept. Each is enforced while reading, so
// a hostile file (a zip bomb, a million empty rows, one huge cell) is
// refused after reading no more than the limits allow.
type Limits struct {
	Rows      int   // last row number (blank rows count: they are lines)
	Cols      int   // last column number
	CellBytes int   // bytes of text in one cell
	Unpacked  int64 // bytes decompressed from an XLSX archive, all parts read
}

// DefaultLimits fit a registry of 5,000 startups with room for title rows
// and notes: its worksheet and shared strings unpack to a few MB.
var DefaultLimits = Limits{Rows: 5100, Cols: 200, CellBytes: 32 << 10, Unpacked: 32 << 20}

// LimitError reports the limit a sheet broke: "rows", "columns", "cell" or
// "unpacked".
type LimitError struct {
	Limit string
	Max   int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("sheet: more than %d %s", e.Max, map[string]string{"rows": "rows", "columns": "columns",
		"cell": "bytes in a cell", "unpacked": "bytes unpacked"}[e.Limit])
}

// ErrFormat reports a file that is not a readable sheet.
var ErrFormat = errors.New("sheet: not a readable spreadsheet")

// ReadCSV returns the records of CSV text, within lim.
func ReadCSV(r io.Reader, lim Limits) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if len(rows) >= lim.Rows {
			return nil, &LimitError{"rows", int64(lim.Rows)}
		}
		if len(rec) > lim.Cols {
			return nil, &LimitError{"columns", int64(lim.Cols)}
		}
		for _, v := range rec {
			if len(v) > lim.CellBytes {
				return nil, &LimitError{"cell", int64(lim.CellBytes)}
			}
		}
		rows = append(rows, rec)
	}
}
