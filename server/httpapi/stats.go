package httpapi

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/sheet"
)

func (s *Server) programStats(c *fiber.Ctx) error {
	st, err := s.svc.Stats.Program(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// programHistory answers the program's daily snapshots of the last
// ?days= days (default 400: a year of month-ends and then every day).
func (s *Server) programHistory(c *fiber.Ctx) error {
	days := 400
	if v := c.Query("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = 0 // refused by Trend, which names the field
		}
		days = n
	}
	tr, err := s.svc.History.Trend(c.UserContext(), time.Now(), days)
	if err != nil {
		return err
	}
	return c.JSON(tr)
}

// sendSheet answers with rows as CSV or XLSX, as the path asked.
func sendSheet(c *fiber.Ctx, format, name string, rows [][]string) error {
	var b []byte
	var err error
	if format == "xlsx" {
		b, err = sheet.WriteXLSX(name, rows)
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		b, err = sheet.WriteCSV(rows)
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+format+`"`)
	return c.Send(b)
}

// programReport is the progress report as CSV or XLSX.
func (s *Server) programReport(format string) fiber.Handler {
	return func(c *fiber.Ctx) error { return s.sendProgramReport(c, format) }
}

func (s *Server) sendProgramReport(c *fiber.Ctx, format string) error {
	st, err := s.svc.Stats.Program(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	rows := [][]string{{"区域 / area", "指标", "figure", "当前 / value", "目标 / target", "完成率 / percent"}}
	row := func(area string, f domain.Figure) {
		pct := ""
		if f.Percent != nil {
			pct = strconv.FormatFloat(*f.Percent, 'f', 1, 64) + "%"
		}
		target := ""
		if f.Target > 0 {
			target = strconv.FormatFloat(f.Target, 'f', -1, 64)
		}
		rows = append(rows, []string{area, f.Zh, f.En, strconv.FormatFloat(f.Value, 'f', -1, 64), target, pct})
	}
	for _, f := range st.Figures {
		row("全市 / city", f)
	}
	for _, d := range s.svc.Taxonomy.Districts {
		for _, f := range st.Districts[d.Code] {
			row(d.Zh, f)
		}
	}
	return sendSheet(c, format, "program-report", rows)
}

func (s *Server) getTargets(c *fiber.Ctx) error {
	t, err := s.svc.Stats.Targets(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(t)
}

func (s *Server) putTargets(c *fiber.Ctx) error {
	var t domain.Targets
	if err := decode(c, &t); err != nil {
		return err
	}
	saved, err := s.svc.Stats.SaveTargets(c.UserContext(), actor(c), &t)
	if err != nil {
		return err
	}
	return c.JSON(saved)
}

func (s *Server) spaceStats(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	st, err := s.svc.Stats.Space(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) importRegistry(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	commit, err := boolQuery(c, "commit")
	if err != nil {
		return err
	}
	res, err := s.svc.Registry.Import(c.UserContext(), actor(c), id, c.Body(), commit != nil && *commit)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) exportRegistry(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		rows, err := s.svc.Registry.Rows(c.UserContext(), actor(c), id)
		if err != nil {
			return err
		}
		return sendSheet(c, format, "registry", rows)
	}
}

// registryColumns says which columns the registry import reads and the
// values it accepts; registryTemplate is the sheet to fill in.
func (s *Server) registryColumns(c *fiber.Ctx) error {
	return c.JSON(RegistryColumns{Columns: s.svc.Registry.Columns()})
}

func (s *Server) registryTemplate(format string) fiber.Handler {
	return func(c *fiber.Ctx) error { return sendSheet(c, format, "registry-template", s.svc.Registry.Template()) }
}
