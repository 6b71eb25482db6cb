package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

// contentSecurityPolicy is the one policy of every answer. Scripts, workers
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
const contentSecurityPolicy = "default-src 'self'; " +
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

// setSecurityHeaders puts the hardening headers on c's answer. It runs for
// every request, and again in the error handler, which also answers
// requests refused before any middleware ran.
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	h.Set(fiber.HeaderXFrameOptions, "DENY")
	h.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// Links out (a stream URL, a startup's website) carry no path of ours.
	h.Set(fiber.HeaderReferrerPolicy, "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.Protocol() == "https" {
		h.Set(fiber.HeaderStrictTransportSecurity, "max-age=31536000")
	}
}

// securityHeaders is the middleware form of setSecurityHeaders.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	return c.Next()
}
