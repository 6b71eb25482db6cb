package httpapi

import (
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
)

// mentorRoutes mounts mentors (培训辅导) and their bookings.
func (s *Server) mentorRoutes(v1 fiber.Router) {
	v1.Post("/mentors", s.createMentor)
	v1.Get("/mentors", s.listMentors)
	v1.Get("/mentors/me", s.myMentor)
	v1.Get("/mentors/:id", s.getMentor)
	v1.Patch("/mentors/:id", s.updateMentor)
	v1.Post("/mentors/:id/bookings", s.bookMentor)
	v1.Get("/startups/:id/mentors", s.startupMentors)
	v1.Get("/bookings", s.myBookings)
	v1.Post("/bookings/:id/confirm", s.decideBooking(true))
	v1.Post("/bookings/:id/decline", s.decideBooking(false))
	v1.Post("/bookings/:id/cancel", s.cancelBooking)
	v1.Post("/bookings/:id/record", s.recordBooking)
	v1.Get("/spaces/:id/mentoring", s.spaceMentoring)
}

func (s *Server) createMentor(c *fiber.Ctx) error {
	var in app.MentorInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Mentors.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (s *Server) listMentors(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	verified, err := boolQuery(c, "verified")
	if err != nil {
		return err
	}
	l, err := s.svc.Mentors.List(c.UserContext(), actor(c), verified, p)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) myMentor(c *fiber.Ctx) error {
	m, err := s.svc.Mentors.Mine(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) getMentor(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	m, err := s.svc.Mentors.Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) updateMentor(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.MentorInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.svc.Mentors.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

func (s *Server) bookMentor(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.BookingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.svc.Mentors.Book(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (s *Server) startupMentors(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	l, err := s.svc.Mentors.ForStartup(c.UserContext(), actor(c), id, p)
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (s *Server) myBookings(c *fiber.Ctx) error {
	items, err := s.svc.Mentors.Bookings(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) decideBooking(confirm bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		b, err := s.svc.Mentors.Decide(c.UserContext(), actor(c), id, confirm)
		if err != nil {
			return err
		}
		return c.JSON(b)
	}
}

func (s *Server) cancelBooking(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	b, err := s.svc.Mentors.Cancel(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) recordBooking(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.RecordInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.svc.Mentors.Record(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (s *Server) spaceMentoring(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	h, err := s.svc.Mentors.SpaceMentoring(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(h)
}
