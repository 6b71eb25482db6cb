package httpapi

import "github.com/gofiber/fiber/v2"

// spaceResidents lists a space's residents, requests and invitations.
func (s *Server) spaceResidents(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	items, err := s.svc.Registry.Residents(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

// answerResident is the space's side: confirm a request (or invite), or
// decline a request, withdraw an invitation, end a residency.
func (s *Server) answerResident(confirm bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		startupID, err := idParam(c, "startupId")
		if err != nil {
			return err
		}
		r, err := s.svc.Registry.AnswerResident(c.UserContext(), actor(c), id, startupID, confirm)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

// answerResidency is the founder's answer to a space's invitation.
func (s *Server) answerResidency(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		st, err := s.svc.Registry.AnswerSpace(c.UserContext(), actor(c), id, accept)
		if err != nil {
			return err
		}
		return c.JSON(st)
	}
}
