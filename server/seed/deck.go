package seed

import (
	"bytes"
	"fmt"
)

// demoDeck writes a small landscape PDF of pages slides so that the demo's
// roadshows and startup pages have a deck to show. The text is ASCII: the
// standard PDF fonts carry no Chinese.
func demoDeck(title string, pages int) []byte {
	type obj struct {
		n    int
		body string
	}
	font := 3 + 2*pages
	objs := []obj{{1, "<< /Type /Catalog /Pages 2 0 R >>"}}
	kids := ""
	for i := 0; i < pages; i++ {
		p := 3 + 2*i
		text := fmt.Sprintf("BT /F1 40 Tf 60 230 Td (%s) Tj ET BT /F1 24 Tf 60 150 Td (Slide %d of %d) Tj ET", title, i+1, pages)
		kids += fmt.Sprintf("%d 0 R ", p)
		objs = append(objs,
			obj{p, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 640 360] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", font, p+1)},
			obj{p + 1, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text)})
	}
	objs = append(objs, obj{2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, pages)},
		obj{font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"})
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	at := make([]int, len(objs)+1)
	for n := 1; n <= len(objs); n++ { // objects in number order, as the table below lists them
		for _, o := range objs {
			if o.n == n {
				at[n] = b.Len()
				fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", o.n, o.body)
			}
		}
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for n := 1; n <= len(objs); n++ {
		fmt.Fprintf(&b, "%010d 00000 n \n", at[n])
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}
