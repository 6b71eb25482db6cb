package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
)

func (s *Server) register(c *fiber.Ctx) error {
	var in app.Registration
	if err := decode(c, &in); err != nil {
		return err
	}
	sess, err := s.svc.Accounts.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sess)
}

func (s *Server) login(c *fiber.Ctx) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	sess, err := s.svc.Accounts.Login(c.UserContext(), in.Email, in.Password)
	if err != nil {
		return err
	}
	return c.JSON(sess)
}

type refreshBody struct {
	RefreshToken string `json:"refreshToken"`
}

func (s *Server) refresh(c *fiber.Ctx) error {
	var in refreshBody
	if err := decode(c, &in); err != nil {
		return err
	}
	t, err := s.svc.Accounts.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) logout(c *fiber.Ctx) error {
	var in refreshBody
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.svc.Accounts.Logout(c.UserContext(), in.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	u, err := s.svc.Accounts.Me(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	unread, err := s.svc.Notifier.Unread(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u, "unread": unread})
}
