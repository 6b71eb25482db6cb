package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
)

// guestRoutes mounts a roadshow's guest list (the host invites people by
// search or email) and the guests' answers.
func (s *Server) guestRoutes(v1 fiber.Router) {
	v1.Get("/me/guest-invitations", s.myGuestInvitations)
	v1.Get("/roadshows/:id/guests", s.roadshowGuests)
	v1.Post("/roadshows/:id/guests", s.inviteGuests)
	v1.Get("/roadshows/:id/guests/search", s.findGuests)
	v1.Post("/roadshows/:id/guests/me/accept", s.answerGuest(true))
	v1.Post("/roadshows/:id/guests/me/decline", s.answerGuest(false))
	v1.Delete("/roadshows/:id/guests/:userId", s.removeGuest)
	v1.Get("/agenda-cards", s.agendaCards)
}

// agendaCards describes startups for the agenda picker (?ids=a,b,c).
func (s *Server) agendaCards(c *fiber.Ctx) error {
	var ids []string
	if q := strings.TrimSpace(c.Query("ids")); q != "" {
		ids = strings.Split(q, ",")
	}
	items, err := s.svc.Roadshows.AgendaCards(c.UserContext(), actor(c), ids)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) myGuestInvitations(c *fiber.Ctx) error {
	items, err := s.svc.Roadshows.GuestInvitations(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) roadshowGuests(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	l, err := s.svc.Roadshows.Guests(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) inviteGuests(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.GuestInput
	if err := decode(c, &in); err != nil {
		return err
	}
	l, err := s.svc.Roadshows.InviteGuests(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) findGuests(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	l, err := s.svc.Roadshows.FindGuests(c.UserContext(), actor(c), id, c.Query("q"))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) removeGuest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	user, err := idParam(c, "userId")
	if err != nil {
		return err
	}
	l, err := s.svc.Roadshows.RemoveGuest(c.UserContext(), actor(c), id, user)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) answerGuest(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		v, err := s.svc.Roadshows.AnswerGuest(c.UserContext(), actor(c), id, accept)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}
