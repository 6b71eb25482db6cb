package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
)

// resetRoutes mounts password resets: a link by mail, the reset itself,
// and the admin's one-time link when there is no mail.
func (s *Server) resetRoutes(v1 fiber.Router, limit fiber.Handler) {
	v1.Post("/auth/password-reset", limit, s.requestReset)
	v1.Post("/auth/password-reset/confirm", limit, s.confirmReset)
	v1.Post("/admin/password-reset-links", s.issueResetLink)
}

func (s *Server) requestReset(c *fiber.Ctx) error {
	var in EmailInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Resets.Request(c.UserContext(), in.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(r)
}

func (s *Server) confirmReset(c *fiber.Ctx) error {
	var in app.ResetInput
	if err := decode(c, &in); err != nil {
		return err
	}
	sess, err := s.svc.Resets.Reset(c.UserContext(), in)
	if err != nil {
		return err
	}
	setRefreshCookie(c, sess.RefreshToken)
	return c.JSON(sess)
}

func (s *Server) issueResetLink(c *fiber.Ctx) error {
	var in EmailInput
	if err := decode(c, &in); err != nil {
		return err
	}
	l, err := s.svc.Resets.IssueLink(c.UserContext(), actor(c), in.Email)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}
