// Package pdftest makes PDF files for tests.
package pdftest

import (
	"bytes"
	"fmt"
)

// Deck writes a minimal but complete PDF of n pages, each saying "Page i".
func Deck(n int) []byte {
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
