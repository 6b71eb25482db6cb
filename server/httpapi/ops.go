package httpapi

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(Health{Status: "ok"})
}

// readyz answers 200 only when every dependency answers within readyTimeout.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
	defer cancel()
	checks := map[string]string{}
	ready := true
	for name, p := range s.cfg.Ready {
		if err := p.Ping(ctx); err != nil {
			s.log.WarnContext(ctx, "not ready", "dependency", name, "err", err)
			checks[name] = "unavailable"
			ready = false
		} else {
			checks[name] = "ok"
		}
	}
	if !ready {
		return c.Status(fiber.StatusServiceUnavailable).JSON(Problem{
			Type: "https://yuechuang.dev/problems/not_ready", Title: "not_ready", Status: fiber.StatusServiceUnavailable,
			Code: "not_ready", Detail: "a dependency is unavailable: " + fmtChecks(checks),
		}, "application/problem+json; charset=utf-8")
	}
	return c.JSON(Health{Status: "ready", Checks: checks})
}

func fmtChecks(m map[string]string) string {
	out := ""
	for k, v := range m {
		if v != "ok" {
			if out != "" {
				out += ", "
			}
			out += k
		}
	}
	return out
}

func (s *Server) taxonomy(c *fiber.Ctx) error {
	return c.JSON(s.svc.Taxonomy)
}
