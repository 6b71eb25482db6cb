package httpapi

import (
	"net/http"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

func (s *Server) listNotifications(c *fiber.Ctx) error {
	p, err := pageQuery(c)
	if err != nil {
		return err
	}
	unread, err := boolQuery(c, "unread")
	if err != nil {
		return err
	}
	list, err := s.svc.Notifier.List(c.UserContext(), actor(c), unread != nil && *unread, p)
	if err != nil {
		return err
	}
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer s.bufs.Put(buf)
	if *buf, err = list.AppendJSON((*buf)[:0]); err != nil {
		return err
	}
	c.Response().Header.SetContentType(fiber.MIMEApplicationJSON) // as c.JSON
	*buf = c.Response().SwapBody(*buf)[:0]                        // as the deal flow's answer
	return nil
}

func (s *Server) readNotifications(c *fiber.Ctx) error {
	var in ReadInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.svc.Notifier.MarkRead(c.UserContext(), actor(c), in.IDs, in.All); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) notificationSettings(c *fiber.Ctx) error {
	st, err := s.svc.Notifier.Settings(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (s *Server) saveNotificationSettings(c *fiber.Ctx) error {
	var in SettingsInput
	if err := decode(c, &in); err != nil {
		return err
	}
	st, err := s.svc.Notifier.SaveSettings(c.UserContext(), actor(c), in.Types)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// notificationSocket upgrades GET /ws/notifications like roadshowSocket.
func (s *Server) notificationSocket(c *fiber.Ctx) error {
	if err := requireWebsocket(c); err != nil {
		return err
	}
	since := c.Query("since")
	if since != "" && !domain.ValidID(since) {
		return domain.FieldInvalid("since", "invalid_id", "must be a notification id")
	}
	peer, ok := s.svc.Tickets.Redeem(c.Query("ticket"))
	if !ok || peer.UserID == "" {
		return domain.CodedError(domain.KindUnauthorized, "invalid_ticket", "ticket invalid or expired; sign in and get a new one")
	}
	return s.hijack(c, func(w http.ResponseWriter, r *http.Request) { s.svc.Notifications.Accept(w, r, peer, since) })
}

func (s *Server) createIntro(c *fiber.Ctx) error {
	var in app.IntroInput
	if err := decode(c, &in); err != nil {
		return err
	}
	i, err := s.svc.Intros.Create(c.UserContext(), actor(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(i)
}

func (s *Server) listIntros(c *fiber.Ctx) error {
	list, err := s.svc.Intros.List(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(list))
}

func (s *Server) decideIntro(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		i, err := s.svc.Intros.Decide(c.UserContext(), actor(c), id, accept)
		if err != nil {
			return err
		}
		return c.JSON(i)
	}
}

func (s *Server) pipeline(c *fiber.Ctx) error {
	items, err := s.svc.Intros.Pipeline(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(items))
}

func (s *Server) setPipeline(c *fiber.Ctx) error {
	id, err := idParam(c, "startupId")
	if err != nil {
		return err
	}
	var in app.PipelineInput
	if err := decode(c, &in); err != nil {
		return err
	}
	it, err := s.svc.Intros.SetPipeline(c.UserContext(), actor(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(it)
}
