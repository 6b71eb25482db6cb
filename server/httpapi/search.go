package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// floatQuery reads an optional number from the query string.
func floatQuery(c *fiber.Ctx, v *domain.Validator, name string) *float64 {
	s := c.Query(name)
	if s == "" {
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	v.CheckCode(err == nil, name, "not_number", "must be a number")
	if err != nil {
		return nil
	}
	return &f
}

func (s *Server) search(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	var v domain.Validator
	q := app.SearchQuery{Text: c.Query("q"), Page: p}
	q.Type = queryCode(c, &v, "type")
	q.Sector, q.Stage, q.District = taxonomyQuery(c, &v)
	q.Sort = queryCode(c, &v, "sort")
	q.AskMin = floatQuery(c, &v, "askMin")
	q.AskMax = floatQuery(c, &v, "askMax")
	if err := v.Err(); err != nil {
		return err
	}
	res, err := s.svc.Search.Search(c.UserContext(), q)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) suggest(c *fiber.Ctx) error {
	var v domain.Validator
	typ := queryCode(c, &v, "type")
	limit := 0
	if l := c.Query("limit"); l != "" {
		n, err := strconv.Atoi(l)
		v.CheckCode(err == nil, "limit", "not_integer", "must be an integer")
		limit = n
	}
	if err := v.Err(); err != nil {
		return err
	}
	res, err := s.svc.Search.Suggest(c.UserContext(), c.Query("q"), typ, limit)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
