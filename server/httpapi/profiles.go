package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// taxonomyQuery reads the sector, stage and district filters most lists take.
func taxonomyQuery(c *fiber.Ctx, v *domain.Validator) (sector, stage, district string) {
	return queryCode(c, v, "sector"), queryCode(c, v, "stage"), queryCode(c, v, "district")
}

// queryCode reads an optional short code from the query string.
func queryCode(c *fiber.Ctx, v *domain.Validator, name string) string {
	s := c.Query(name)
	v.CheckCode(len(s) <= 64, name, "too_long", "too long")
	return s
}

func (s *Server) createStartup(c *fiber.Ctx) error {
	var in app.StartupInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := s.svc.Startups.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(st)
}

func (s *Server) getStartup(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.svc.Startups.Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) updateStartup(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.StartupInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := s.svc.Startups.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) deleteStartup(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.svc.Startups.Delete(c.UserContext(), actor(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) publishStartup(c *fiber.Ctx) error   { return s.setPublished(c, true) }
func (s *Server) unpublishStartup(c *fiber.Ctx) error { return s.setPublished(c, false) }

func (s *Server) setPublished(c *fiber.Ctx, publish bool) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.svc.Startups.SetPublished(c.UserContext(), actor(c), id, publish)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) listStartups(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	mine, err := boolQuery(c, "mine")
	if err != nil {
		return err
	}
	var v domain.Validator
	q := app.StartupQuery{Page: p, Mine: mine != nil && *mine}
	q.Sector, q.Stage, q.District = taxonomyQuery(c, &v)
	q.SpaceID = queryCode(c, &v, "spaceId")
	if q.Mine {
		q.Status = queryCode(c, &v, "status")
	}
	if err := v.Err(); err != nil {
		return err
	}
	// The page is written from the read model's kept JSON of each startup
	// (app.Startups.ListJSON), into a pooled buffer as the deal flow is.
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer s.bufs.Put(buf)
	*buf, err = s.svc.Startups.ListJSON(c.UserContext(), actor(c), q, (*buf)[:0])
	if err != nil {
		return err
	}
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON) // as c.JSON
	*buf = c.Response().SwapBody(*buf)[:0]
	return nil
}

func (s *Server) createInvestor(c *fiber.Ctx) error {
	var in app.InvestorInput
	if err := decode(c, &in); err != nil {
		return err
	}
	inv, err := s.svc.Investors.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(inv)
}

func (s *Server) getInvestor(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.svc.Investors.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

func (s *Server) onboarding(c *fiber.Ctx) error {
	startupID := c.Query("startupId")
	if startupID != "" && !domain.ValidID(startupID) {
		return domain.ErrInvalidID
	}
	cl, err := s.svc.Onboarding.For(c.UserContext(), actor(c), startupID)
	if err != nil {
		return err
	}
	return c.JSON(cl)
}

func (s *Server) investorActivity(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.svc.Matcher.Activity(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) myInvestor(c *fiber.Ctx) error {
	inv, err := s.svc.Investors.Mine(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

func (s *Server) updateInvestor(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.InvestorInput
	if err := decode(c, &in); err != nil {
		return err
	}
	inv, err := s.svc.Investors.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(inv)
}

func (s *Server) listInvestors(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	verified, err := boolQuery(c, "verified")
	if err != nil {
		return err
	}
	var v domain.Validator
	f := domain.InvestorFilter{Verified: verified}
	f.Sector, f.Stage, f.District = taxonomyQuery(c, &v)
	f.Kind = queryCode(c, &v, "kind")
	if err := v.Err(); err != nil {
		return err
	}
	list, err := s.svc.Investors.List(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) createSpace(c *fiber.Ctx) error {
	var in app.SpaceInput
	if err := decode(c, &in); err != nil {
		return err
	}
	sp, err := s.svc.Spaces.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sp)
}

func (s *Server) getSpace(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	sp, err := s.svc.Spaces.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(sp)
}

func (s *Server) updateSpace(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.SpaceInput
	if err := decode(c, &in); err != nil {
		return err
	}
	sp, err := s.svc.Spaces.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(sp)
}

func (s *Server) listSpaces(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	mine, err := boolQuery(c, "mine")
	if err != nil {
		return err
	}
	var v domain.Validator
	f := domain.SpaceFilter{}
	if mine != nil && *mine {
		if actor(c).Anonymous() {
			return domain.ErrUnauthorized
		}
		f.OwnerID = actor(c).UserID
	}
	f.Level = queryCode(c, &v, "level")
	f.Model = queryCode(c, &v, "model")
	f.District = queryCode(c, &v, "district")
	if err := v.Err(); err != nil {
		return err
	}
	list, err := s.svc.Spaces.List(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}
