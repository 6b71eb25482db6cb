package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// documentPolicy is the Content-Security-Policy of every answer a browser
// may render as a document: the web app's pages, files, decks. Scripts, workers
// (pdf.js) and connections (the API, websockets) come from this origin only;
// no inline or eval'd script runs, so an injected tag does nothing.
//   - style-src allows inline styles: Vue's static templates and ECharts'
//     tooltips write style attributes into HTML; styles cannot run code.
//   - img-src allows data: and blob: (ECharts and pdf.js draw through them),
//     font-src data: (pdf.js may embed a deck's fonts that way).
//   - media-src allows any https: video, since a roadshow's stream URL is a
//     video served elsewhere; script-src's 'wasm-unsafe-eval' lets pdf.js
//     compile its WebAssembly image decoders, not JavaScript.
//   - frame-ancestors 'none': no other site can frame any page (clickjacking
//     the admin screens); object-src, base-uri and form-action close the
//     remaining injection routes.
const documentPolicy = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; " +
	"font-src 'self' data:; " +
	"media-src 'self' https: blob:; " +
	"connect-src 'self'; " +
	"worker-src 'self' blob:; " +
	"frame-src 'none'; " +
	"frame-ancestors 'none'; " +
	"object-src 'none'; " +
	"base-uri 'self'; " +
	"form-action 'self'"

// dataPolicy is the Content-Security-Policy of JSON answers (the API's
// results and problems), as OWASP advises for APIs: a JSON answer loads
// nothing and runs nothing, so it allows nothing, and no site may frame
// it. It is stricter than documentPolicy for these answers, and a twentieth
// of its size, which every API answer carries (docs/SECURITY.md).
const dataPolicy = "default-src 'none'; frame-ancestors 'none'"

// setSecurityHeaders puts the hardening headers on c's answer, the policy
// by the answer's content type, so it runs once the answer's type is
// set: after the handlers (securityHeaders), and again in the error
// handler, which also answers requests refused before any middleware ran.
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	if isJSON(h.ContentType()) {
		h.Set(fiber.HeaderContentSecurityPolicy, dataPolicy)
	} else {
		h.Set(fiber.HeaderContentSecurityPolicy, documentPolicy)
	}
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// Links out (a stream URL, a startup's website) carry no path of ours.
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.Protocol() == "https" {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
}

// isJSON reports whether a content type is JSON (application/json or a
// +json type such as application/problem+json), parameters aside.
func isJSON(ct []byte) bool {
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = bytes.TrimSpace(ct)
	return bytes.EqualFold(ct, []byte(fiber.MIMEApplicationJSON)) || len(ct) > len("application/+json") &&
		bytes.EqualFold(ct[:len("application/")], []byte("application/")) && bytes.EqualFold(ct[len(ct)-len("+json"):], []byte("+json"))
}

// securityHeaders is the middleware form of setSecurityHeaders: the rest
// of the chain renders the answer (observe renders errors too), then its
// headers are set. A panic skips this, and the error handler sets them.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	err := c.Next()
	setSecurityHeaders(c)
	return err
}
