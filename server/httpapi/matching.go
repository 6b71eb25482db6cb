package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

func (s *Server) dealflow(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	saved, err := boolQuery(c, "saved")
	if err != nil {
		return err
	}
	var v domain.Validator
	q := app.DealQuery{Page: p, Saved: saved != nil && *saved}
	q.Sector, q.Stage, q.District = taxonomyQuery(c, &v)
	if err := v.Err(); err != nil {
		return err
	}
	// Ranked from the read model on every call: nothing to go stale.
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer s.bufs.Put(buf)
	*buf, err = s.svc.Matcher.DealFlowJSON(c.UserContext(), actor(c), q, (*buf)[:0])
	if err != nil {
		return err
	}
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON) // as c.JSON
	// The answer becomes the response's body without a copy; the body
	// buffer it replaces comes back to the pool for the next answer.
	*buf = c.Response().SwapBody(*buf)[:0]
	return nil
}

func (s *Server) feedback(c *fiber.Ctx) error {
	id, err := idParam(c, "startupId")
	if err != nil {
		return err
	}
	var in FeedbackInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if in.Action == "" {
		return domain.FieldInvalid("action", "required", "required")
	}
	f, err := s.svc.Matcher.Feedback(c.UserContext(), actor(c), id, in.Action)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

func (s *Server) getFeedback(c *fiber.Ctx) error {
	id, err := idParam(c, "startupId")
	if err != nil {
		return err
	}
	a, err := s.svc.Matcher.FeedbackOf(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(FeedbackState{Action: a})
}

func (s *Server) clearFeedback(c *fiber.Ctx) error {
	id, err := idParam(c, "startupId")
	if err != nil {
		return err
	}
	if _, err := s.svc.Matcher.Feedback(c.UserContext(), actor(c), id, ""); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) investorMatches(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	verified, err := boolQuery(c, "verified")
	if err != nil {
		return err
	}
	startupID := c.Query("startupId")
	if startupID != "" && !domain.ValidID(startupID) {
		return domain.ErrInvalidID
	}
	list, err := s.svc.Matcher.InvestorMatches(c.UserContext(), actor(c), startupID, verified != nil && *verified, p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) startupInterest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	items, err := s.svc.Matcher.Interested(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}
