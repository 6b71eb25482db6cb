package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// ReadXLSX returns the rows of the first worksheet of an XLSX file, within
// lim. It reads the archive's parts as streams: the shared strings, then
// the worksheet row by row, and stops at the first limit broken.
func ReadXLSX(data []byte, lim Limits) ([][]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	x := &xlsx{files: map[string]*zip.File{}, budget: lim.Unpacked, lim: lim}
	for _, f := range zr.File {
		x.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	sheetPath, stringsPath, err := x.parts()
	if err != nil {
		return nil, err
	}
	// A bomb that declares its size is refused before anything is unpacked;
	// one that lies is stopped by the budget (and by archive/zip, which
	// refuses to unpack more than a part declares).
	var declared uint64
	for _, p := range []string{sheetPath, stringsPath} {
		if f := x.files[p]; f != nil {
			declared += f.UncompressedSize64
		}
	}
	if declared > uint64(lim.Unpacked) {
		return nil, &LimitError{"unpacked", lim.Unpacked}
	}
	if err := x.readStrings(stringsPath); err != nil {
		return nil, err
	}
	return x.readSheet(sheetPath)
}

type xlsx struct {
	files  map[string]*zip.File
	budget int64 // bytes left to unpack
	lim    Limits
	sst    []string
}

// open returns a part as a stream that counts against the budget.
func (x *xlsx) open(name string) (io.ReadCloser, error) {
	f := x.files[name]
	if f == nil {
		return nil, fmt.Errorf("%w: no part %s", ErrFormat, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	return &budgeted{rc: rc, x: x}, nil
}

type budgeted struct {
	rc io.ReadCloser
	x  *xlsx
}

func (b *budgeted) Read(p []byte) (int, error) {
	if b.x.budget <= 0 {
		return 0, &LimitError{"unpacked", b.x.lim.Unpacked}
	}
	if int64(len(p)) > b.x.budget {
		p = p[:b.x.budget]
	}
	n, err := b.rc.Read(p)
	b.x.budget -= int64(n)
	return n, err
}

func (b *budgeted) Close() error { return b.rc.Close() }

// parts finds the first worksheet and the shared strings through the
// workbook and its relationships.
func (x *xlsx) parts() (sheetPath, stringsPath string, err error) {
	const relNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	firstID := ""
	if err := x.scan("xl/workbook.xml", func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "sheet" && firstID == "" {
			for _, a := range se.Attr {
				if a.Name.Local == "id" && (a.Name.Space == relNS || a.Name.Space == "r") {
					firstID = a.Value
				}
			}
		}
		return nil
	}); err != nil {
		return "", "", err
	}
	rels := map[string]string{}
	stringsPath = "xl/sharedStrings.xml"
	if x.files["xl/_rels/workbook.xml.rels"] != nil {
		if err := x.scan("xl/_rels/workbook.xml.rels", func(d *xml.Decoder, se xml.StartElement) error {
			if se.Name.Local != "Relationship" {
				return nil
			}
			var id, target, typ string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					id = a.Value
				case "Target":
					target = a.Value
				case "Type":
					typ = a.Value
				}
			}
			if strings.HasPrefix(target, "/") {
				target = strings.TrimPrefix(target, "/")
			} else {
				target = path.Join("xl", target)
			}
			rels[id] = target
			if strings.HasSuffix(typ, "/sharedStrings") {
				stringsPath = target
			}
			return nil
		}); err != nil {
			return "", "", err
		}
	}
	sheetPath = rels[firstID]
	if sheetPath == "" || x.files[sheetPath] == nil {
		sheetPath = "xl/worksheets/sheet1.xml"
	}
	if x.files[sheetPath] == nil {
		return "", "", fmt.Errorf("%w: no worksheet", ErrFormat)
	}
	return sheetPath, stringsPath, nil
}

// scan calls fn for each start element of a part.
func (x *xlsx) scan(name string, fn func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := x.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return x.readErr(err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}

// readErr keeps a LimitError from the budget and calls anything else a
// format error.
func (x *xlsx) readErr(err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return fmt.Errorf("%w: %v", ErrFormat, err)
}

// text accumulates the text of a cell or shared string within CellBytes.
type text struct {
	b   []byte
	max int
}

func (t *text) add(p []byte) error {
	if len(t.b)+len(p) > t.max {
		return &LimitError{"cell", int64(t.max)}
	}
	t.b = append(t.b, p...)
	return nil
}

// readStrings reads the shared strings table: the text of each <si>, its
// runs joined, phonetic guides (<rPh>) left out.
func (x *xlsx) readStrings(name string) error {
	if x.files[name] == nil {
		return nil // a sheet of numbers and inline strings has none
	}
	rc, err := x.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var cur *text
	inT, inPh := false, 0
	maxStrings := x.lim.Rows * x.lim.Cols
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return x.readErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				if len(x.sst) >= maxStrings {
					return &LimitError{"rows", int64(x.lim.Rows)}
				}
				cur = &text{max: x.lim.CellBytes}
			case "rPh":
				inPh++
			case "t":
				inT = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if cur != nil {
					x.sst = append(x.sst, string(cur.b))
				}
				cur = nil
			case "rPh":
				inPh--
			case "t":
				inT = false
			}
		case xml.CharData:
			if cur != nil && inT && inPh == 0 {
				if err := cur.add(t); err != nil {
					return err
				}
			}
		}
	}
}

// readSheet streams the worksheet into rows, checking the limits as each
// row and cell arrives. Missing rows (blank lines) become empty rows, so a
// row's index is its line number less one.
func (x *xlsx) readSheet(name string) ([][]string, error) {
	rc, err := x.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		rows     [][]string
		row      []string
		rowNum   int
		col      int
		typ      string
		val      *text
		inValue  bool
		inInline bool
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, x.readErr(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				n := rowNum + 1
				if r := attr(t, "r"); r != "" {
					if n, err = strconv.Atoi(r); err != nil || n <= rowNum {
						return nil, fmt.Errorf("%w: bad row number %q", ErrFormat, r)
					}
				}
				if n > x.lim.Rows {
					return nil, &LimitError{"rows", int64(x.lim.Rows)}
				}
				for len(rows) < n-1 {
					rows = append(rows, nil)
				}
				rowNum, row, col = n, nil, 0
			case "c":
				c := col + 1
				if ref := attr(t, "r"); ref != "" {
					if c = colNumber(ref); c <= 0 {
						return nil, fmt.Errorf("%w: bad cell reference %q", ErrFormat, ref)
					}
				}
				if c > x.lim.Cols {
					return nil, &LimitError{"columns", int64(x.lim.Cols)}
				}
				col, typ, val = c, attr(t, "t"), &text{max: x.lim.CellBytes}
			case "v":
				inValue = true
			case "is":
				inInline = true
			}
		case xml.CharData:
			if val != nil && (inValue || inInline) {
				if err := val.add(t); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inValue = false
			case "is":
				inInline = false
			case "c":
				v, err := x.cellValue(typ, string(val.b))
				if err != nil {
					return nil, err
				}
				for len(row) < col-1 {
					row = append(row, "")
				}
				row = append(row, v)
				val = nil
			case "row":
				for len(row) > 0 && row[len(row)-1] == "" {
					row = row[:len(row)-1]
				}
				rows = append(rows, row)
			}
		}
	}
}

func (x *xlsx) cellValue(typ, raw string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil || i < 0 || i >= len(x.sst) {
			return "", fmt.Errorf("%w: bad shared string %q", ErrFormat, raw)
		}
		return x.sst[i], nil
	case "b":
		if strings.TrimSpace(raw) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return raw, nil
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// colNumber returns the column of a cell reference such as "AB12" (28), or
// 0 if it has no letters. It stops counting past any sane column.
func colNumber(ref string) int {
	n := 0
	for _, r := range ref {
		switch {
		case 'A' <= r && r <= 'Z':
			n = n*26 + int(r-'A') + 1
		case 'a' <= r && r <= 'z':
			n = n*26 + int(r-'a') + 1
		default:
			return n
		}
		if n > 1<<20 {
			return 1 << 20
		}
	}
	return n
}
