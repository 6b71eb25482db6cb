package httpapi

import (
	"errors"
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Problem is the one error body of the API: RFC 9457 problem details with
// the contract's code and per-field errors.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Code   string              `json:"code"`
	Detail string              `json:"detail"`
	Errors []domain.FieldError `json:"errors,omitempty"`
}

// statusOf is the one table that maps error kinds to HTTP statuses.
var statusOf = map[domain.Kind]int{
	domain.KindInvalid:      fiber.StatusBadRequest,
	domain.KindUnauthorized: fiber.StatusUnauthorized,
	domain.KindForbidden:    fiber.StatusForbidden,
	domain.KindNotFound:     fiber.StatusNotFound,
	domain.KindConflict:     fiber.StatusConflict,
	domain.KindRateLimited:  fiber.StatusTooManyRequests,
	domain.KindTooLarge:     fiber.StatusRequestEntityTooLarge,
	domain.KindUnavailable:  fiber.StatusServiceUnavailable,
	domain.KindInternal:     fiber.StatusInternalServerError,
}

// fiberCodes names the errors Fiber itself raises before a handler runs.
var fiberCodes = map[int]*domain.Error{
	fiber.StatusNotFound:              {Kind: domain.KindNotFound, Code: "route_not_found", Detail: "no such endpoint"},
	fiber.StatusMethodNotAllowed:      {Kind: domain.KindInvalid, Code: "method_not_allowed", Detail: "method not allowed"},
	fiber.StatusRequestEntityTooLarge: {Kind: domain.KindTooLarge, Code: "payload_too_large", Detail: "request body too large"},
	fiber.StatusRequestTimeout:        {Kind: domain.KindInvalid, Code: "request_timeout", Detail: "request timed out"},
	fiber.StatusBadRequest:            {Kind: domain.KindInvalid, Code: "bad_request", Detail: "malformed request"},
}

// toProblem turns any error into the body a client may see; internal errors
// are logged with their cause and shown only as a generic message.
func toProblem(err error, log *slog.Logger, c *fiber.Ctx) Problem {
	var e *domain.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		if known, ok := fiberCodes[fe.Code]; ok {
			e = known
			if fe.Code == fiber.StatusMethodNotAllowed {
				return problem(e, fe.Code)
			}
		} else {
			e = &domain.Error{Kind: domain.KindInvalid, Code: "bad_request", Detail: fe.Message}
		}
	default:
		e = &domain.Error{Kind: domain.KindInternal, Code: "internal", Detail: "internal error, please retry later"}
	}
	status, ok := statusOf[e.Kind]
	if !ok {
		status = fiber.StatusInternalServerError
	}
	if status >= 500 {
		log.ErrorContext(c.UserContext(), "request failed", "method", c.Method(), "path", c.Path(), "status", status, "err", err)
	}
	return problem(e, status)
}

func problem(e *domain.Error, status int) Problem {
	return Problem{
		Type:   "https://yuechuang.dev/problems/" + e.Code,
		Title:  e.Code,
		Status: status,
		Code:   e.Code,
		Detail: e.Detail,
		Errors: e.Fields,
	}
}

func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	p := toProblem(err, s.log, c)
	c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
	setSecurityHeaders(c) // after the type: it picks the policy
	if p.Status == fiber.StatusTooManyRequests {
		c.Set(fiber.HeaderRetryAfter, "60")
	}
	return c.Status(p.Status).JSON(p, "application/problem+json; charset=utf-8")
}
