package httpapi_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// bombXLSX returns a small XLSX file whose worksheet repeats row until it
// unpacks to size bytes.
func bombXLSX(t *testing.T, row string, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	w, _ := zw.Create("xl/workbook.xml")
	io.WriteString(w, `<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	w, _ = zw.Create("xl/_rels/workbook.xml.rels")
	io.WriteString(w, `<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, _ = zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<worksheet><sheetData><row><c t="inlineStr"><is><t>企业名称</t></is></c></row>`)
	chunk := strings.Repeat(row, 1000)
	for n := 0; n < size; n += len(chunk) {
		io.WriteString(w, chunk)
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRegistryBombsRefused: a registry import of a zip bomb or of a sheet
// with a million rows is refused with its own code (the reader stops at
// the limit; server/sheet's tests measure how early).
func TestRegistryBombsRefused(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "炸弹检测空间", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	const ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	for name, tc := range map[string]struct {
		file []byte
		code string
	}{
		"bomb":           {bombXLSX(t, `<row><c t="inlineStr"><is><t>越创</t></is></c></row>`, 200<<20), "file_too_large"},
		"a million rows": {bombXLSX(t, `<row><c><v>1</v></c></row>`, 26<<20), "too_many_rows"},
	} {
		code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import", mgr, ctype, tc.file)
		if code != 413 || !strings.Contains(string(body), tc.code) {
			t.Errorf("%s (%d KB): %d %s, want 413 %s", name, len(tc.file)>>10, code, body, tc.code)
		}
	}
}

// TestCSVExportEscapesFormulas: a name that a spreadsheet would run as a
// formula is exported as text.
func TestCSVExportEscapesFormulas(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	space := e.must(201, "POST", "/api/v1/spaces", mgr, map[string]any{"name": "公式空间", "level": "city", "model": "incubation",
		"services": []string{}, "district": "keqiao"}).str("id")
	in := "企业名称,行业,阶段\n\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",集成电路,天使轮\n@SUM(1+1),集成电路,天使轮\n"
	if code, body, _ := e.raw("POST", "/api/v1/spaces/"+space+"/registry/import?commit=true", mgr, "text/csv", []byte(in)); code != 200 || !strings.Contains(string(body), `"created":2`) {
		t.Fatalf("import: %d %s", code, body)
	}
	code, out, _ := e.raw("GET", "/api/v1/spaces/"+space+"/registry.csv", mgr, "", nil)
	if code != 200 {
		t.Fatalf("export: %d", code)
	}
	s := string(out)
	if !strings.Contains(s, "\n\"'=HYPERLINK(") || !strings.Contains(s, "\n'@SUM(1+1),") || strings.Contains(s, "\n\"=HYPERLINK") {
		t.Fatalf("formulas not escaped:\n%s", s)
	}
}
