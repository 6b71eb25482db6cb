package httpapi

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/yuechuang/yuechuang/server/domain"
)

// recoverer turns a panic in a handler into a logged 500 problem instead of
// a dropped connection.
func (s *Server) recoverer(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// observe logs each request and records its metrics.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Render the error now so the status logged is the status sent.
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Path
	if status == fiber.StatusNotFound && route == "/" {
		route = "unmatched"
	}
	d := time.Since(start)
	s.metrics.observe(c.Method(), route, status, d)
	if ctx := c.UserContext(); s.log.Enabled(ctx, slog.LevelInfo) {
		// checked first: the arguments cost allocations even when the
		// level drops the line
		path := c.Path()
		if route == feedRoute {
			path = route // the path holds a person's secret calendar token
		}
		s.log.InfoContext(ctx, "http", "method", c.Method(), "path", path, "route", route,
			"status", status, "ms", float64(d.Microseconds())/1000, "ip", s.clientIP(c))
	}
	return nil
}

// authenticate sets the actor from a Bearer token. Without a header the
// caller is anonymous; a bad or expired token is refused outright so that
// clients know to refresh.
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" {
		return c.Next()
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return domain.CodedError(domain.KindUnauthorized, "invalid_token", "Authorization must be a Bearer token")
	}
	a, err := s.svc.Accounts.Authenticate(c.UserContext(), token)
	if err != nil {
		return err
	}
	c.SetUserContext(domain.WithActor(c.UserContext(), a))
	return c.Next()
}

// loginLimiter bounds login and registration attempts per client address
// (clientIP: behind a trusted proxy, the address it forwarded), against
// password guessing and account spraying. Failed sign-ins are also limited
// per account (accountLimiter).
func (s *Server) loginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:          s.cfg.LoginLimit,
		Expiration:   s.cfg.LoginWindow,
		KeyGenerator: s.clientIP,
		LimitReached: func(c *fiber.Ctx) error {
			return domain.CodedError(domain.KindRateLimited, "rate_limited", "too many attempts, try again later")
		},
	})
}
