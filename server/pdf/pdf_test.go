package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// deck writes a minimal but complete PDF of n pages.
func deck(n int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	count := 3 + 2*n
	at := make([]int, count+1)
	obj := func(i int, body string) { at[i] = b.Len(); fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i, body) }
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	kids := ""
	for i := 0; i < n; i++ {
		kids += fmt.Sprintf("%d 0 R ", 4+2*i)
	}
	obj(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n))
	obj(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("BT /F1 24 Tf 60 150 Td (Page %d) Tj ET", i+1)
		obj(4+2*i, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", 5+2*i))
		obj(5+2*i, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", count)
	for i := 1; i < count; i++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", at[i])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", count, xref)
	return b.Bytes()
}

func TestCheck(t *testing.T) {
	if n, err := Check(deck(4)); err != nil || n != 4 {
		t.Fatalf("a 4-page deck: %d %v", n, err)
	}
	for name, data := range map[string][]byte{
		"only a header":      []byte("%PDF-1.7\nhello, this is not a PDF at all"),
		"a header and junk":  append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xde, 0xad}, 4096)...),
		"truncated":          deck(3)[:200],
		"cut in half":        deck(3)[:len(deck(3))/2],
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
		out, err := FirstPages(deck(5), n)
		if err != nil {
			t.Fatalf("first %d: %v", n, err)
		}
		got, err := Check(out)
		if want := min(n, 5); err != nil || got != want {
			t.Fatalf("first %d: %d pages (%v), want %d", n, got, err, want)
		}
	}
}
