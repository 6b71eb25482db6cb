package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// serviceRoutes mounts the plan's other services: the open support
// ledger and district officers (and, as they come, mentors, providers and
// the alliance's events).
func (s *Server) serviceRoutes(v1 fiber.Router) {
	v1.Get("/ledger", s.listLedger)
	v1.Get("/ledger.csv", s.exportLedger)
	v1.Post("/ledger", s.recordPayment)
	v1.Post("/ledger/import", s.importLedger)
	v1.Get("/ledger/:id", s.getPayment)
	v1.Post("/ledger/:id/corrections", s.correctPayment)
	v1.Post("/admin/officers", s.createOfficer)
	s.mentorRoutes(v1)
	s.providerRoutes(v1)
}

func ledgerFilter(c *fiber.Ctx) (app.LedgerFilter, error) {
	var v domain.Validator
	f := app.LedgerFilter{District: queryCode(c, &v, "district"), Status: queryCode(c, &v, "status"), RecipientKind: queryCode(c, &v, "recipientKind"),
		From: queryCode(c, &v, "from"), To: queryCode(c, &v, "to"), Policy: c.Query("policy"), Query: c.Query("q")}
	if id := c.Query("recipientId"); id != "" {
		v.CheckCode(domain.ValidID(id), "recipientId", "invalid_id", "malformed id")
		f.RecipientID = id
	}
	h, err := boolQuery(c, "history")
	if err != nil {
		return f, err
	}
	f.History = h != nil && *h
	return f, v.Err()
}

func (s *Server) listLedger(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	f, err := ledgerFilter(c)
	if err != nil {
		return err
	}
	page, err := s.svc.Ledger.List(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) exportLedger(c *fiber.Ctx) error {
	f, err := ledgerFilter(c)
	if err != nil {
		return err
	}
	rows, err := s.svc.Ledger.Rows(c.UserContext(), f)
	if err != nil {
		return err
	}
	return sendSheet(c, "csv", "ledger", rows)
}

func (s *Server) getPayment(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.svc.Ledger.Entry(c.UserContext(), id)
	if err != nil {
		return err
	}
	h, err := s.svc.Ledger.History(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(PaymentHistory{Entry: e, History: h})
}

func (s *Server) recordPayment(c *fiber.Ctx) error {
	var in app.PaymentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.svc.Ledger.Record(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (s *Server) correctPayment(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.PaymentInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.svc.Ledger.Correct(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (s *Server) importLedger(c *fiber.Ctx) error {
	commit, err := boolQuery(c, "commit")
	if err != nil {
		return err
	}
	res, err := s.svc.Ledger.Import(c.UserContext(), actor(c), c.Body(), commit != nil && *commit)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) createOfficer(c *fiber.Ctx) error {
	var in app.OfficerInput
	if err := decode(c, &in); err != nil {
		return err
	}
	u, err := s.svc.Accounts.CreateOfficer(c.UserContext(), actor(c), s.svc.Taxonomy, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(UserAnswer{User: u})
}
