package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// providerRoutes mounts the service providers' directory, service requests
// and IP help.
func (s *Server) providerRoutes(v1 fiber.Router) {
	v1.Post("/providers", s.createProvider)
	v1.Get("/providers", s.listProviders)
	v1.Get("/providers/me", s.myProvider)
	v1.Get("/providers/:id", s.getProvider)
	v1.Patch("/providers/:id", s.updateProvider)
	v1.Post("/providers/:id/requests", s.sendRequest)
	v1.Get("/ip-help", s.ipHelp)
	v1.Post("/ip-help", s.sendIPHelp)
	v1.Get("/service-requests", s.myRequests)
	v1.Post("/service-requests/:id/answer", s.answerRequest)
	v1.Post("/service-requests/:id/close", s.closeRequest)
}

func (s *Server) createProvider(c *fiber.Ctx) error {
	var in app.ProviderInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.svc.Providers.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) listProviders(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	verified, err := boolQuery(c, "verified")
	if err != nil {
		return err
	}
	var v domain.Validator
	f := app.ProviderFilter{Kind: queryCode(c, &v, "kind"), SpaceID: queryCode(c, &v, "spaceId"), Verified: verified}
	if err := v.Err(); err != nil {
		return err
	}
	l, err := s.svc.Providers.List(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) myProvider(c *fiber.Ctx) error {
	p, err := s.svc.Providers.Mine(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) getProvider(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := s.svc.Providers.Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) updateProvider(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.ProviderInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := s.svc.Providers.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) sendRequest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.RequestInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Providers.Send(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) ipHelp(c *fiber.Ctx) error {
	return c.JSON(s.svc.Providers.IPHelpInfo(c.UserContext()))
}

func (s *Server) sendIPHelp(c *fiber.Ctx) error {
	var in app.RequestInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Providers.Send(c.UserContext(), actor(c), "", in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) myRequests(c *fiber.Ctx) error {
	items, err := s.svc.Providers.Requests(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) answerRequest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in AnswerInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Providers.Answer(c.UserContext(), actor(c), id, in.Answer)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) closeRequest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Providers.Close(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
