package httpapi

import (
	"context"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// contestRoutes mounts the contests' entries, panel, score sheets and
// ranking, and a startup's awards.
// EntryInput names the startup a founder enters.
type EntryInput struct {
	StartupID string `json:"startupId"`
}

// JudgesInput is a contest's whole panel: user ids of verified investors
// and mentors.
type JudgesInput struct {
	Judges []string `json:"judges"`
}

func (s *Server) contestRoutes(v1 fiber.Router) {
	v1.Get("/events/:id/contest", s.getContest)
	v1.Post("/events/:id/entries", s.enterContest)
	v1.Delete("/events/:id/entries/:startupId", s.withdrawEntry)
	v1.Put("/events/:id/judges", s.setJudges)
	v1.Post("/events/:id/judging", s.contestStep(s.svc.Alliance.CloseEntries))
	v1.Post("/events/:id/publish", s.contestStep(s.svc.Alliance.Publish))
	v1.Put("/events/:id/scores/:startupId", s.scoreEntry)
	v1.Post("/events/:id/conflicts/:startupId", s.declareConflict)
	v1.Get("/startups/:id/awards", s.startupAwards)
}

func (s *Server) getContest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.svc.Alliance.Contest(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) enterContest(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in EntryInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if !domain.ValidID(in.StartupID) {
		return &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "validation failed",
			Fields: []domain.FieldError{{Field: "startupId", Code: "invalid_id", Message: "malformed id"}}}
	}
	v, err := s.svc.Alliance.Enter(c.UserContext(), actor(c), id, in.StartupID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// eventAndStartup reads the :id and :startupId of a route.
func eventAndStartup(c *fiber.Ctx) (string, string, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return "", "", err
	}
	st, err := idParam(c, "startupId")
	return id, st, err
}

func (s *Server) withdrawEntry(c *fiber.Ctx) error {
	id, st, err := eventAndStartup(c)
	if err != nil {
		return err
	}
	v, err := s.svc.Alliance.Withdraw(c.UserContext(), actor(c), id, st)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) setJudges(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in JudgesInput
	if err := decode(c, &in); err != nil {
		return err
	}
	v, err := s.svc.Alliance.SetJudges(c.UserContext(), actor(c), id, in.Judges)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) contestStep(step func(ctx context.Context, a domain.Actor, id string) (*app.ContestView, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		v, err := step(c.UserContext(), actor(c), id)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

func (s *Server) scoreEntry(c *fiber.Ctx) error {
	id, st, err := eventAndStartup(c)
	if err != nil {
		return err
	}
	var in app.ScoreInput
	if err := decode(c, &in); err != nil {
		return err
	}
	sheet, err := s.svc.Alliance.Score(c.UserContext(), actor(c), id, st, in)
	if err != nil {
		return err
	}
	return c.JSON(sheet)
}

func (s *Server) declareConflict(c *fiber.Ctx) error {
	id, st, err := eventAndStartup(c)
	if err != nil {
		return err
	}
	v, err := s.svc.Alliance.DeclareConflict(c.UserContext(), actor(c), id, st)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) startupAwards(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	items, err := s.svc.Alliance.Awards(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}
