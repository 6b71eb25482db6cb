package httpapi

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/domain"
)

// errStarting is the answer to every call the process cannot serve yet:
// it is opening and migrating its database and loading what it serves from
// (server/starting.go), and no service exists to call.
var errStarting = domain.CodedError(domain.KindUnavailable, "starting", "the server is starting; retry shortly")

// startingRetry is the Retry-After of a starting answer, in seconds.
const startingRetry = "5"

// Starting returns the app that answers on the listen address while the
// process starts, before the services New needs exist: /healthz says the
// process lives (a liveness probe must not kill a start that migrates for
// minutes), /readyz and every other path answer 503 starting, in the one
// problem shape. The caller hands its connections over to New's app when
// the start is done.
func Starting(log *slog.Logger) *fiber.App {
	s := &Server{log: log}
	app := fiber.New(fiber.Config{
		AppName:               "yuechuang",
		DisableStartupMessage: true,
		ReadTimeout:           readTimeout,
		WriteTimeout:          writeTimeout,
		// One call per connection ("Connection: close"): a client never
		// sends its next call on a connection that the handover closes.
		DisableKeepalive: true,
		ErrorHandler:     s.errorHandler,
	})
	app.Use(s.recoverer, s.securityHeaders)
	app.Get("/healthz", s.healthz)
	app.Use(s.starting)
	return app
}

// starting answers 503 starting. It writes the problem itself rather than
// return the error: the error handler logs every 5xx as a failed request,
// and orchestrators' probes ask many times during a start.
func (s *Server) starting(c *fiber.Ctx) error {
	status := statusOf[errStarting.Kind]
	// Clients and load balancers that honour it wait before they ask
	// again; a start takes seconds, a migration minutes.
	c.Set(fiber.HeaderRetryAfter, startingRetry)
	return c.Status(status).JSON(problem(errStarting, status), "application/problem+json; charset=utf-8")
}
