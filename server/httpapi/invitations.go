package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

// myInvitations lists the calling founder's invitations to present.
func (s *Server) myInvitations(c *fiber.Ctx) error {
	items, err := s.svc.Roadshows.Invitations(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

// answerInvitation accepts or declines an invitation to present.
func (s *Server) answerInvitation(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		startupID, err := idParam(c, "startupId")
		if err != nil {
			return err
		}
		inv, err := s.svc.Roadshows.Answer(c.UserContext(), actor(c), id, startupID, accept)
		if err != nil {
			return err
		}
		return c.JSON(inv)
	}
}
