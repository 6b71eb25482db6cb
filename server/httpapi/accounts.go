package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
)

// refreshCookie also carries the refresh token, for the web app: HttpOnly,
// so no script (an injected one included) can read it; SameSite=Strict and
// scoped to the auth routes, so no other site's request carries it. The
// token stays in the JSON answers as the public contract has it, for other
// clients, and refresh and logout take it from the body first.
const refreshCookie = "yc_refresh"

func setRefreshCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: refreshCookie, Value: token, Path: "/api/v1/auth", MaxAge: int(auth.RefreshTokenTTL.Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https"})
}

func clearRefreshCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: refreshCookie, Path: "/api/v1/auth", Expires: fasthttp.CookieExpireDelete,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode, Secure: c.Protocol() == "https"})
}

// refreshToken reads the token from the body, or else from the cookie; an
// empty body is fine when the cookie carries it.
func refreshToken(c *fiber.Ctx) (string, error) {
	var in refreshBody
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decode(c, &in); err != nil {
			return "", err
		}
	}
	if in.RefreshToken == "" {
		return c.Cookies(refreshCookie), nil
	}
	return in.RefreshToken, nil
}

func (s *Server) register(c *fiber.Ctx) error {
	var in app.Registration
	if err := decode(c, &in); err != nil {
		return err
	}
	sess, err := s.svc.Accounts.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	setRefreshCookie(c, sess.RefreshToken)
	return c.Status(fiber.StatusCreated).JSON(sess)
}

func (s *Server) login(c *fiber.Ctx) error {
	var in Login
	if err := decode(c, &in); err != nil {
		return err
	}
	key := accountKey(in.Email)
	if err := s.signins.allow(key); err != nil {
		return err
	}
	sess, err := s.svc.Accounts.Login(c.UserContext(), in.Email, in.Password)
	s.signins.record(key, domain.IsKind(err, domain.KindUnauthorized))
	if err != nil {
		return err
	}
	setRefreshCookie(c, sess.RefreshToken)
	return c.JSON(sess)
}

type refreshBody struct {
	RefreshToken string `json:"refreshToken"`
}

func (s *Server) refresh(c *fiber.Ctx) error {
	token, err := refreshToken(c)
	if err != nil {
		return err
	}
	t, err := s.svc.Accounts.Refresh(c.UserContext(), token)
	if err != nil {
		return err
	}
	setRefreshCookie(c, t.RefreshToken)
	return c.JSON(t)
}

func (s *Server) logout(c *fiber.Ctx) error {
	token, err := refreshToken(c)
	if err != nil {
		return err
	}
	if err := s.svc.Accounts.Logout(c.UserContext(), token); err != nil {
		return err
	}
	clearRefreshCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// changePassword sets a new password, ends every session of the user and
// answers with a new session for the caller, as a sign-in does.
func (s *Server) changePassword(c *fiber.Ctx) error {
	var in app.PasswordChange
	if err := decode(c, &in); err != nil {
		return err
	}
	// Guesses of the current password count against the account as
	// sign-ins do: a stolen access token must not become a password oracle.
	key := "user:" + actor(c).UserID
	if err := s.signins.allow(key); err != nil {
		return err
	}
	sess, err := s.svc.Accounts.ChangePassword(c.UserContext(), actor(c), in)
	s.signins.record(key, wrongPassword(err))
	if err != nil {
		return err
	}
	setRefreshCookie(c, sess.RefreshToken)
	return c.JSON(sess)
}

// wrongPassword reports whether err refused a wrong current password.
func wrongPassword(err error) bool {
	e, ok := domain.AsError(err)
	if !ok {
		return false
	}
	for _, f := range e.Fields {
		if f.Code == "password_wrong" {
			return true
		}
	}
	return false
}

// logoutAll ends every session of the caller on every device.
func (s *Server) logoutAll(c *fiber.Ctx) error {
	if err := s.svc.Accounts.LogoutAll(c.UserContext(), actor(c)); err != nil {
		return err
	}
	clearRefreshCookie(c)
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
	return c.JSON(Me{User: u, Unread: unread})
}
