package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// feedRoute serves a person's calendar feed; its path is a secret, which
// the access log leaves out.
const feedRoute = "/api/v1/calendar/feeds/:token.ics"

// allianceRoutes mounts the alliance's city calendar, its events and
// feeds, and the contests (contests.go).
func (s *Server) allianceRoutes(v1 fiber.Router) {
	v1.Get("/calendar", s.calendar)
	v1.Get("/calendar/feed", s.calendarFeed(false))
	v1.Post("/calendar/feed", s.calendarFeed(true))
	v1.Get(strings.TrimPrefix(feedRoute, "/api/v1"), s.userFeed)
	v1.Get("/calendar/spaces/:id.ics", s.spaceFeed)
	v1.Post("/events", s.createEvent)
	v1.Get("/events/:id", s.getEvent)
	v1.Patch("/events/:id", s.updateEvent)
	v1.Post("/events/:id/cancel", s.cancelEvent)
	v1.Post("/events/:id/registration", s.registerEvent(true))
	v1.Delete("/events/:id/registration", s.registerEvent(false))
	s.contestRoutes(v1)
}

// timeQuery reads an RFC 3339 time or a date (2026-11-28, as UTC) from ?name=.
func timeQuery(c *fiber.Ctx, v *domain.Validator, name string) time.Time {
	s := c.Query(name)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	v.CheckCode(false, name, "date_format", "an RFC 3339 time or a date such as 2026-03-01")
	return time.Time{}
}

func (s *Server) calendar(c *fiber.Ctx) error {
	var v domain.Validator
	q := app.CalendarQuery{From: timeQuery(c, &v, "from"), To: timeQuery(c, &v, "to"), District: queryCode(c, &v, "district"),
		SpaceID: queryCode(c, &v, "spaceId"), Kind: queryCode(c, &v, "kind")}
	if err := v.Err(); err != nil {
		return err
	}
	items, err := s.svc.Alliance.Calendar(c.UserContext(), actor(c), q)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) calendarFeed(renew bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, err := s.svc.Alliance.Feed(c.UserContext(), actor(c), renew)
		if err != nil {
			return err
		}
		return c.JSON(a)
	}
}

func sendICS(c *fiber.Ctx, b []byte, private bool) error {
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	if private {
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	return c.Send(b)
}

func (s *Server) userFeed(c *fiber.Ctx) error {
	tok := c.Params("token")
	if len(tok) > 64 {
		return domain.ErrNotFound
	}
	b, err := s.svc.Alliance.UserFeed(c.UserContext(), tok)
	if err != nil {
		return err
	}
	return sendICS(c, b, true)
}

func (s *Server) spaceFeed(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Alliance.SpaceFeed(c.UserContext(), id)
	if err != nil {
		return err
	}
	return sendICS(c, b, false)
}

func (s *Server) createEvent(c *fiber.Ctx) error {
	var in app.EventInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.svc.Alliance.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (s *Server) getEvent(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.svc.Alliance.Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) updateEvent(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.EventInput
	if err := decode(c, &in); err != nil {
		return err
	}
	e, err := s.svc.Alliance.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) cancelEvent(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	e, err := s.svc.Alliance.Cancel(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (s *Server) registerEvent(register bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		fn := s.svc.Alliance.Unregister
		if register {
			fn = s.svc.Alliance.Register
		}
		e, err := fn(c.UserContext(), actor(c), id)
		if err != nil {
			return err
		}
		return c.JSON(e)
	}
}
