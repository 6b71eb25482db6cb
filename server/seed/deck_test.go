package seed

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"
)

// TestDemoDeckIsWellFormed checks the cross-reference table: every offset
// points at the start of its object, as PDF readers (pdf.js) rely on.
func TestDemoDeckIsWellFormed(t *testing.T) {
	pdf := demoDeck("Demo", 3)
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("not a PDF: %q…", pdf[:20])
	}
	x := bytes.LastIndex(pdf, []byte("startxref\n"))
	end := bytes.IndexByte(pdf[x+10:], '\n')
	xref, err := strconv.Atoi(string(pdf[x+10 : x+10+end]))
	if err != nil || !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 10\n")) { // catalog, pages, 3×(page, content), font
		t.Fatalf("startxref %d does not point at a table of 10 entries", xref)
	}
	lines := bytes.Split(pdf[xref:], []byte("\n"))[3:12]
	for i, l := range lines {
		off, _ := strconv.Atoi(string(l[:10]))
		if want := fmt.Sprintf("%d 0 obj", i+1); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Errorf("entry %d points at %q, want %q", i+1, pdf[off:off+8], want)
		}
	}
	if got := bytes.Count(pdf, []byte("/Type /Page ")); got != 3 {
		t.Errorf("%d pages, want 3", got)
	}
}
