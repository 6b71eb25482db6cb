package httpapi

import (
	json "github.com/goccy/go-json"
	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

func (s *Server) createRoadshow(c *fiber.Ctx) error {
	var in app.RoadshowInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Roadshows.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Server) getRoadshow(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Roadshows.Get(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) updateRoadshow(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in app.RoadshowInput
	if err := decode(c, &in); err != nil {
		return err
	}
	r, err := s.svc.Roadshows.Update(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) listRoadshows(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	var v domain.Validator
	space, status := queryCode(c, &v, "spaceId"), queryCode(c, &v, "status")
	if err := v.Err(); err != nil {
		return err
	}
	list, err := s.svc.Roadshows.List(c.UserContext(), actor(c), space, status, p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) registerRoadshow(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	r, err := s.svc.Roadshows.Register(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (s *Server) transition(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		r, err := s.svc.Roadshows.Transition(c.UserContext(), actor(c), id, action)
		if err != nil {
			return err
		}
		return c.JSON(r)
	}
}

func (s *Server) roadshowRecord(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer s.bufs.Put(buf)
	*buf, err = s.svc.Roadshows.RecordJSON(c.UserContext(), actor(c), id, (*buf)[:0])
	if err != nil {
		return err
	}
	recs, err := s.recordings(id) // the stage's recordings, to the record's readers (stage.go)
	if err != nil {
		return err
	}
	// recordWithStage's JSON: the record's fields, then its recordings.
	b := append((*buf)[:len(*buf)-1], `,"recordings":`...)
	more, err := json.Marshal(recs)
	if err != nil {
		return err
	}
	b = append(append(b, more...), '}')
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON) // as c.JSON
	*buf = c.Response().SwapBody(b)[:0]
	return nil
}
