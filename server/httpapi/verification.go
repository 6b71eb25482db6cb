package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// verificationRoutes mounts the verification of investors and spaces: the
// owner's request with evidence, the admin's queue and decisions.
func (s *Server) verificationRoutes(v1 fiber.Router) {
	v1.Get("/verifications", s.verificationQueue)
	v1.Get("/verifications/:kind/:id", s.verificationStatus)
	v1.Post("/verifications/:kind/:id", s.submitVerification)
	v1.Post("/verifications/:kind/:id/approve", s.decideVerification(true))
	v1.Post("/verifications/:kind/:id/reject", s.decideVerification(false))
}

// verificationParams reads :kind and :id; an unknown kind is not found.
func verificationParams(c *fiber.Ctx) (kind, id string, err error) {
	kind = c.Params("kind")
	if kind != domain.VerifyInvestor && kind != domain.VerifySpace {
		return "", "", domain.ErrNotFound
	}
	id, err = idParam(c, "id")
	return kind, id, err
}

func (s *Server) verificationQueue(c *fiber.Ctx) error {
	items, err := s.svc.Verifications.Queue(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) verificationStatus(c *fiber.Ctx) error {
	kind, id, err := verificationParams(c)
	if err != nil {
		return err
	}
	r, err := s.svc.Verifications.Status(c.UserContext(), actor(c), kind, id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) submitVerification(c *fiber.Ctx) error {
	kind, id, err := verificationParams(c)
	if err != nil {
		return err
	}
	var ev domain.Evidence
	if err := decode(c, &ev); err != nil {
		return err
	}
	r, err := s.svc.Verifications.Submit(c.UserContext(), actor(c), kind, id, ev)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) decideVerification(approve bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind, id, err := verificationParams(c)
		if err != nil {
			return err
		}
		var d app.Decision
		if len(c.Body()) > 0 {
			if err := decode(c, &d); err != nil {
				return err
			}
		}
		d.Approve = approve
		r, err := s.svc.Verifications.Decide(c.UserContext(), actor(c), kind, id, d)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}
