// Package pdf reads founders' pitch decks: it checks that an upload is a
// PDF a reader can open and cuts a deck down to the pages a roadshow room
// has been shown. It is the only user of pdfcpu, a pure-Go PDF parser.
package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// ErrNotPDF reports a file that does not parse as a PDF document.
var ErrNotPDF = errors.New("not a parseable PDF document")

// ErrEncrypted reports a PDF that needs a password to open: the audience
// could not read it.
var ErrEncrypted = errors.New("the PDF is password-protected")

var once sync.Once

// config returns pdfcpu's built-in configuration. pdfcpu would otherwise
// write a configuration directory into the user's home on first use.
func config() *model.Configuration {
	once.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// Check parses data as a whole PDF document (header, cross-reference
// table or stream, trailer, page tree) and returns its page count.
func Check(data []byte) (pages int, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return 0, ErrNotPDF
	}
	conf := config()
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		if isEncrypted(err) {
			return 0, ErrEncrypted
		}
		return 0, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	// pdfcpu mends a damaged file by scanning it and, validating leniently,
	// may stand in for what is missing; a reader would not. So the page
	// tree is walked first, as it is in the file.
	leaves, err := pageLeaves(ctx.XRefTable)
	if err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if leaves < 1 || leaves != ctx.PageCount {
		return 0, fmt.Errorf("%w: the page tree holds %d pages of %d", ErrNotPDF, leaves, ctx.PageCount)
	}
	return ctx.PageCount, nil
}

// isEncrypted tells a document that needs a user password (one with only
// an owner password opens for everyone and passes).
func isEncrypted(err error) bool { return errors.Is(err, pdfcpu.ErrWrongPassword) }

// FirstPages returns a PDF of data's pages 1..n (all of them if it has no
// more than n).
func FirstPages(data []byte, n int) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("pdf: page %d", n)
	}
	var out bytes.Buffer
	if err := api.Trim(bytes.NewReader(data), &out, []string{fmt.Sprintf("1-%d", n)}, config()); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxPages bounds the page tree walk; a deck has far fewer.
const maxPages = 5000

// pageLeaves counts the pages of the document's page tree, each of which
// must be in the file.
func pageLeaves(x *model.XRefTable) (int, error) {
	root, err := x.Catalog()
	if err != nil {
		return 0, err
	}
	n, seen := 0, map[int]bool{}
	var walk func(o types.Object, depth int) error
	walk = func(o types.Object, depth int) error {
		ref, ok := o.(types.IndirectRef)
		if !ok {
			return errors.New("a page is not an indirect object")
		}
		if seen[ref.ObjectNumber.Value()] || depth > 64 || n > maxPages {
			return errors.New("the page tree loops or is too large")
		}
		seen[ref.ObjectNumber.Value()] = true
		d, err := x.DereferenceDict(ref)
		if err != nil || d == nil {
			return fmt.Errorf("page object %d is missing", ref.ObjectNumber)
		}
		kids := d.ArrayEntry("Kids")
		if d.Type() == nil || *d.Type() != "Pages" {
			n++
			return nil
		}
		for _, k := range kids {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	pages, ok := root.Find("Pages")
	if !ok {
		return 0, errors.New("no page tree")
	}
	return n, walk(pages, 0)
}
