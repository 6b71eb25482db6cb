package httpapi

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
)

func (s *Server) uploadDeck(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if ct := strings.ToLower(c.Get(fiber.HeaderContentType)); !strings.HasPrefix(ct, "application/pdf") {
		return domain.CodedError(domain.KindInvalid, "not_pdf", "upload the PDF with Content-Type application/pdf")
	}
	dk, err := s.svc.Decks.Upload(c.UserContext(), actor(c), id, c.Body())
	if err != nil {
		return err
	}
	return c.JSON(dk)
}

func (s *Server) readDeck(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	pdf, view, err := s.svc.Decks.Read(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	if view != nil {
		c.Set("X-Deck-View-Id", view.ID)
		c.Set("X-Deck-View-Key", view.Key)
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="deck.pdf"`)
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

// reportDeckPages takes a reader's running reading time per page. It is
// also the target of the beacon a page sends as it is hidden or closed:
// navigator.sendBeacon sends no Authorization and posts text/plain, so the
// view's key (X-Deck-View-Key, given with the deck) may stand for the
// sign-in, and a text/plain body is read as the JSON it is.
func (s *Server) reportDeckPages(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	viewID, err := idParam(c, "viewId")
	if err != nil {
		return err
	}
	var in DeckPages
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMETextPlain) {
		c.Request().Header.SetContentType(fiber.MIMEApplicationJSON)
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if len(in.Key) > 64 {
		return domain.ErrNotFound
	}
	if err := s.svc.Decks.ReportPages(c.UserContext(), actor(c), id, viewID, in.Key, in.Pages); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) deckViews(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	views, err := s.svc.Decks.Views(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(itemsOf(views))
}

func (s *Server) deckAccess(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.svc.Decks.Access(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

func (s *Server) requestDeck(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	a, err := s.svc.Decks.Request(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(a)
}

func (s *Server) grantDeck(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in DeckGrant
	if err := decode(c, &in); err != nil {
		return err
	}
	dk, err := s.svc.Decks.Grant(c.UserContext(), actor(c), id, in.InvestorUserID)
	if err != nil {
		return err
	}
	return c.JSON(dk)
}

// declineDeck answers POST /startups/:id/deck/requests/:userId/decline.
func (s *Server) declineDeck(c *fiber.Ctx) error { return s.answerDeck(c, s.svc.Decks.Decline) }

// revokeDeck answers DELETE /startups/:id/deck/grants/:userId.
func (s *Server) revokeDeck(c *fiber.Ctx) error { return s.answerDeck(c, s.svc.Decks.Revoke) }

func (s *Server) answerDeck(c *fiber.Ctx, decide func(context.Context, domain.Actor, string, string) (*domain.Deck, error)) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	userID, err := idParam(c, "userId")
	if err != nil {
		return err
	}
	dk, err := decide(c.UserContext(), actor(c), id, userID)
	if err != nil {
		return err
	}
	return c.JSON(dk)
}

// roadshowDeck answers the part of a presenting startup's deck that the
// room has been shown (pages 1..n while it is on stage at page n), to those
// the room admits.
func (s *Server) roadshowDeck(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	startupID, err := idParam(c, "startupId")
	if err != nil {
		return err
	}
	pdf, err := s.svc.Decks.Presented(c.UserContext(), actor(c), s.svc.Hub, id, startupID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}
