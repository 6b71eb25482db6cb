package httpapi

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// openapiSpec documents every route; TestOpenAPIMatchesRoutes keeps the two
// in step.
//
//go:embed openapi.json
var openapiSpec []byte

func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(openapiSpec)
}
