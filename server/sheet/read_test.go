package sheet_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/sheet"
)

// makeXLSX builds an XLSX file whose first worksheet's XML is written by
// body between the sheetData tags.
func makeXLSX(t testing.TB, sst []string, body func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	part := func(name, s string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, s)
	}
	part("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`)
	part("xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId7"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	if sst != nil {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		for _, s := range sst {
			fmt.Fprintf(&b, "<si><t>%s</t></si>", s)
		}
		b.WriteString("</sst>")
		part("xl/sharedStrings.xml", b.String())
	}
	w, err := zw.Create("xl/worksheets/data.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	body(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	data := makeXLSX(t, []string{"企业名称", "越创芯片", "A&amp;B &lt;科技&gt;"}, func(w io.Writer) {
		io.WriteString(w, `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>行业</t></is></c></row>`)
		io.WriteString(w, `<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>12</v></c><c r="C3" t="b"><v>1</v></c></row>`)
		io.WriteString(w, `<row r="5"><c r="A5" t="s"><v>2</v></c></row>`)
	})
	rows, err := sheet.ReadXLSX(data, sheet.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{nil, {"企业名称", "", "行业"}, {"越创芯片", "12", "TRUE"}, nil, {"A&B <科技>"}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows = %q\nwant   %q", rows, want)
	}
	// What our own writer (excelize) writes reads back as written.
	in := [][]string{{"名称", "人数"}, {"=HYPERLINK(\"x\")", "6"}, {"越创", ""}}
	x, err := sheet.WriteXLSX("名册", in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sheet.ReadXLSX(x, sheet.DefaultLimits)
	if err != nil || !reflect.DeepEqual(got, [][]string{{"名称", "人数"}, {"=HYPERLINK(\"x\")", "6"}, {"越创"}}) {
		t.Fatalf("round trip: %q, %v", got, err)
	}
	if _, err := sheet.ReadXLSX([]byte("PK\x03\x04 not a zip"), sheet.DefaultLimits); !errors.Is(err, sheet.ErrFormat) {
		t.Fatalf("garbage: %v", err)
	}
}

// allocated returns the bytes allocated while fn ran.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestXLSXBombsRefusedWhileReading: a zip bomb, a sheet of a million rows
// and a sheet wider than the limit are each refused with the limit they
// broke, having allocated a small fraction of what they would unpack to.
func TestXLSXBombsRefusedWhileReading(t *testing.T) {
	row := `<row><c><v>1</v></c><c><v>2</v></c></row>`
	bomb := makeXLSX(t, nil, func(w io.Writer) { // 100 MB of rows
		chunk := strings.Repeat(row, 1000)
		for n := 0; n < 100<<20; n += len(chunk) {
			io.WriteString(w, chunk)
		}
	})
	tall := makeXLSX(t, nil, func(w io.Writer) { // a million rows, 20 MB
		chunk := strings.Repeat(`<row><c><v>1</v></c></row>`, 1000)
		for i := 0; i < 1000; i++ {
			io.WriteString(w, chunk)
		}
	})
	wide := makeXLSX(t, nil, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>`)
	})
	huge := makeXLSX(t, []string{strings.Repeat("长", 20000)}, func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
	})
	t.Logf("bomb %d KB, tall %d KB", len(bomb)>>10, len(tall)>>10)
	for _, tc := range []struct {
		name     string
		data     []byte
		limit    string
		maxAlloc uint64
	}{
		{"100 MB bomb", bomb, "unpacked", 1 << 20},
		{"a million rows", tall, "rows", 8 << 20},
		{"16,384 columns", wide, "columns", 1 << 20},
		{"a 60 KB cell", huge, "cell", 2 << 20},
	} {
		var err error
		n := allocated(func() { _, err = sheet.ReadXLSX(tc.data, sheet.DefaultLimits) })
		var le *sheet.LimitError
		if !errors.As(err, &le) || le.Limit != tc.limit {
			t.Errorf("%s: err %v, want the %s limit", tc.name, err, tc.limit)
		}
		if n > tc.maxAlloc {
			t.Errorf("%s: allocated %d KB before refusing, want under %d KB", tc.name, n>>10, tc.maxAlloc>>10)
		}
	}
}

func TestReadCSVLimits(t *testing.T) {
	lim := sheet.Limits{Rows: 3, Cols: 2, CellBytes: 5}
	if rows, err := sheet.ReadCSV(strings.NewReader("a,b\n\"x,y\",z\n"), lim); err != nil || len(rows) != 2 || rows[1][0] != "x,y" {
		t.Fatalf("%q %v", rows, err)
	}
	for in, limit := range map[string]string{"1\n2\n3\n4\n": "rows", "a,b,c\n": "columns", "abcdef\n": "cell"} {
		var le *sheet.LimitError
		if _, err := sheet.ReadCSV(strings.NewReader(in), lim); !errors.As(err, &le) || le.Limit != limit {
			t.Errorf("%q: %v, want the %s limit", in, err, limit)
		}
	}
}

func TestCSVEscapesFormulas(t *testing.T) {
	out, err := sheet.WriteCSV([][]string{{"=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2", "@SUM(A1)", "\tx", "\rx", "-3.5", "越创", ""}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(string(out), "\xef\xbb\xbf")
	want := "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+1+1,-2,'@SUM(A1),'\tx,\"'\rx\",-3.5,越创,\n"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// TestUnpackBudgetCoversEveryPart: the declared-size check sums only the
// worksheet and the shared strings; a bomb in another part the reader
// opens (the workbook, honestly declared) is stopped by the unpack budget
// while it is read, not unpacked whole.
func TestUnpackBudgetCoversEveryPart(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	part := func(name string, write func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	part("xl/workbook.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="a" sheetId="1"/></sheets>`)
		pad := strings.Repeat(`<x/>`, 1024)
		for n := 0; n < 4<<20; n += len(pad) { // 4 MB of elements after the sheet list
			io.WriteString(w, pad)
		}
		io.WriteString(w, `</workbook>`)
	})
	part("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`)
	})
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	lim := sheet.DefaultLimits
	lim.Unpacked = 1 << 20
	_, err := sheet.ReadXLSX(buf.Bytes(), lim)
	var le *sheet.LimitError
	if !errors.As(err, &le) || le.Limit != "unpacked" {
		t.Fatalf("a 4 MB workbook part under a 1 MB budget: err %v, want the unpacked limit", err)
	}
}
