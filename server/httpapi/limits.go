package httpapi

import (
	"bytes"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/sheet"
)

// Request body limits, per route. The server streams request bodies
// (fasthttp prefetches at most 8 KiB before a handler runs), so each
// route's limit is checked against Content-Length before anything more is
// read, and a chunked body is read only up to its route's limit.
const (
	// maxJSONBody bounds JSON bodies: a full startup profile is ~20 KB.
	maxJSONBody = 64 << 10
	// maxAuthBody bounds the anonymous sign-in routes.
	maxAuthBody = 4 << 10
	// maxDeckBody is a deck upload, maxImportBody a registry sheet.
	maxDeckBody   = app.MaxDeckBytes
	maxImportBody = sheet.MaxFileBytes
	// serverBodyLimit is what fasthttp itself lets through: the largest
	// route's need. It only matters for bodies small enough to prefetch.
	serverBodyLimit = maxDeckBody + 1<<20
)

// bodyLimit is one route's limit: the size, whether the caller must be
// signed in before its body is read (the large uploads), and the error
// that refuses a larger body (the same as the service's own check).
type bodyLimit struct {
	max      int
	signedIn bool
	err      error
}

var (
	errTooLarge = fiberCodes[fiber.StatusRequestEntityTooLarge]
	deckLimit   = bodyLimit{maxDeckBody, true, domain.CodedError(domain.KindTooLarge, "deck_too_large", "a deck may be at most 20 MB")}
	importLimit = bodyLimit{maxImportBody, true, domain.CodedError(domain.KindTooLarge, "file_too_large", "at most 5 MB")}
	authLimit   = bodyLimit{maxAuthBody, false, errTooLarge}
	jsonLimit   = bodyLimit{maxJSONBody, false, errTooLarge}
)

// bodyLimitOf returns the body limit of a request.
func bodyLimitOf(method, path string) bodyLimit {
	const v1 = "/api/v1/"
	switch {
	case method == fiber.MethodPut && strings.HasPrefix(path, v1+"startups/") && strings.HasSuffix(path, "/deck"):
		return deckLimit
	case method == fiber.MethodPost && strings.HasPrefix(path, v1+"spaces/") && strings.HasSuffix(path, "/registry/import"),
		method == fiber.MethodPost && path == v1+"ledger/import":
		return importLimit
	case strings.HasPrefix(path, v1+"auth/") && path != v1+"auth/password":
		return authLimit
	}
	return jsonLimit
}

// limitBody refuses a body over its route's limit before reading it. The
// connection is closed after such an answer, since the unread rest of the
// body would otherwise be taken for the next request.
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	n := req.Header.ContentLength()
	if n == 0 || n == -2 { // no body
		return c.Next()
	}
	lim := bodyLimitOf(c.Method(), c.Path())
	if lim.signedIn && len(c.Request().Header.Peek(fiber.HeaderAuthorization)) == 0 {
		c.Context().SetConnectionClose()
		return domain.ErrUnauthorized
	}
	if n > lim.max {
		c.Context().SetConnectionClose()
		return lim.err
	}
	if n == -1 { // chunked: read no more than the limit allows
		body, err := io.ReadAll(io.LimitReader(c.Context().RequestBodyStream(), int64(lim.max)+1))
		if err != nil {
			c.Context().SetConnectionClose()
			return fiberCodes[fiber.StatusBadRequest]
		}
		if len(body) > lim.max {
			c.Context().SetConnectionClose()
			return lim.err
		}
		req.SetBody(bytes.Clone(body))
	}
	return c.Next()
}
