package pdf

import (
	"bytes"
	"errors"
	"testing"

	"github.com/yuechuang/yuechuang/server/pdf/pdftest"
)

func TestCheck(t *testing.T) {
	if n, err := Check(pdftest.Deck(4)); err != nil || n != 4 {
		t.Fatalf("a 4-page deck: %d %v", n, err)
	}
	for name, data := range map[string][]byte{
		"only a header":      []byte("%PDF-1.7\nhello, this is not a PDF at all"),
		"a header and junk":  append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xde, 0xad}, 4096)...),
		"truncated":          pdftest.Deck(3)[:200],
		"cut in half":        pdftest.Deck(3)[:len(pdftest.Deck(3))/2],
		"no header":          []byte("<html></html>"),
		"a catalog, no xref": []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"),
	} {
		if _, err := Check(data); !errors.Is(err, ErrNotPDF) {
			t.Errorf("%s: %v, want ErrNotPDF", name, err)
		}
	}
}

func TestFirstPages(t *testing.T) {
	for _, n := range []int{1, 2, 5, 9} {
		out, err := FirstPages(pdftest.Deck(5), n)
		if err != nil {
			t.Fatalf("first %d: %v", n, err)
		}
		got, err := Check(out)
		if want := min(n, 5); err != nil || got != want {
			t.Fatalf("first %d: %d pages (%v), want %d", n, got, err, want)
		}
	}
}
