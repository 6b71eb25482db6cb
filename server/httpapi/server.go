// Package httpapi serves the platform's JSON API over Fiber. It decodes and
// checks requests, calls the app services and maps their errors to the one
// problem body. It holds no business rules of its own.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	json "github.com/goccy/go-json"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/stage"
)

// Pinger reports whether a dependency is usable; /readyz asks each.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Services are the use cases the API exposes.
type Services struct {
	Accounts      *app.Accounts
	Startups      *app.Startups
	Investors     *app.Investors
	Spaces        *app.Spaces
	Matcher       *app.Matcher
	Search        *app.Indexer
	Roadshows     *app.Roadshows
	Hub           *realtime.Hub
	Stage         *stage.Stage // nil: no live video
	Tickets       Tickets
	Notifier      *app.Notifier
	Notifications *realtime.Notifications
	Intros        *app.Intros
	Decks         *app.Decks
	Onboarding    *app.Onboarding
	Stats         *app.Stats
	History       *app.History
	Registry      *app.Registry
	Taxonomy      *domain.Taxonomy
	Verifications *app.Verifications
	Resets        *app.PasswordResets
	// The plan's other services (services.go).
	Ledger    *app.Ledger
	Mentors   *app.Mentors
	Providers *app.Providers
	Alliance  *app.Alliance
}

// Config tunes the HTTP layer.
type Config struct {
	// LoginLimit is how many login or register attempts one client address
	// may make per LoginWindow.
	LoginLimit  int
	LoginWindow time.Duration
	// Ready lists what /readyz checks, by name.
	Ready map[string]Pinger
	// Web is the built web app served outside /api; nil serves a notice.
	Web fs.FS
	// SocketsPerAddress bounds the open websockets of one client address
	// and TicketsPerMinute the websocket tickets it gets (0: the default;
	// negative: no limit).
	SocketsPerAddress int
	TicketsPerMinute  int
	// Backups, if set, reports scheduled backups in /metrics and to admins.
	Backups Backups
	// AccountLimit is how many failed sign-ins one account may have per
	// AccountWindow, whatever addresses they come from.
	AccountLimit  int
	AccountWindow time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (clientIP); empty: the TCP peer is the client.
	TrustedProxies []netip.Prefix
}

// Request limits.
const (
	readTimeout  = 15 * time.Second
	writeTimeout = 30 * time.Second
	idleTimeout  = 2 * time.Minute
	readyTimeout = 2 * time.Second
)

// Server is the HTTP API. Build it with New; it is safe for concurrent use.
type Server struct {
	app     *fiber.App
	svc     Services
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	// signins limits failed sign-ins per account.
	signins *accountLimiter
	// sockets bounds the open websockets and tickets the tickets issued
	// per client address.
	sockets *socketGate
	tickets *addressRate
	// bufs holds response buffers for the answers written by hand (the
	// deal flow), so a busy page allocates nothing per call.
	bufs sync.Pool
}

// Tickets issues single-use websocket tickets and redeems them:
// realtime.Tickets in one process, natsbus.Bus across instances.
type Tickets interface {
	Issue(p realtime.Peer) (string, time.Time)
	Redeem(tok string) (realtime.Peer, bool)
}

// New returns a Server with every route mounted.
func New(svc Services, cfg Config, log *slog.Logger) *Server {
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 10
	}
	if cfg.LoginWindow == 0 {
		cfg.LoginWindow = time.Minute
	}
	if cfg.AccountLimit == 0 {
		cfg.AccountLimit = 10
	}
	if cfg.AccountWindow == 0 {
		cfg.AccountWindow = 15 * time.Minute
	}
	if cfg.SocketsPerAddress == 0 {
		cfg.SocketsPerAddress = DefaultSocketsPerAddress
	}
	if cfg.TicketsPerMinute == 0 {
		cfg.TicketsPerMinute = DefaultTicketsPerMinute
	}
	s := &Server{svc: svc, cfg: cfg, log: log, metrics: newMetrics(),
		signins: newAccountLimiter(cfg.AccountLimit, cfg.AccountWindow),
		sockets: &socketGate{max: cfg.SocketsPerAddress, n: map[string]int{}}, tickets: newAddressRate(cfg.TicketsPerMinute)}
	s.app = fiber.New(fiber.Config{
		AppName:               "yuechuang",
		DisableStartupMessage: true,
		BodyLimit:             serverBodyLimit,
		// Bodies are read by the handlers, after limitBody has checked the
		// route's own limit (limits.go).
		StreamRequestBody: true,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorHandler:      s.errorHandler,
		// Fiber's strings (params, query values) otherwise point into
		// buffers that the next request reuses; services keep some of them
		// (feedback keys), so every value must be a real copy.
		Immutable: true,
		// Return fasthttp's per-connection buffers to their pools between
		// requests. It matters for websockets: a hijacked connection would
		// otherwise keep its 4 KiB read buffer for the whole roadshow
		// (docs/BENCHMARKS.md, memory per idle connection).
		ReduceMemoryUsage: true,
		// A deal-flow page (about 14 KiB) and its headers leave in one
		// write instead of two; with ReduceMemoryUsage the buffer goes back
		// to the pool after each answer, so idle connections do not hold it.
		WriteBufferSize: 16 << 10,
		// goccy/go-json encodes the API's responses about twice as fast as
		// encoding/json (BenchmarkDealFlow), with the same output.
		JSONEncoder: json.Marshal,
		JSONDecoder: json.Unmarshal,
	})
	if cfg.Backups != nil {
		s.metrics.watchBackups(cfg.Backups)
	}
	s.routes()
	return s
}

// App returns the Fiber app, for tests (app.Test) and for listening.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until Shutdown.
func (s *Server) Listen(addr string) error { return s.app.Listen(addr) }

// Shutdown stops accepting connections and waits for requests in flight,
// up to timeout.
func (s *Server) Shutdown(timeout time.Duration) error { return s.app.ShutdownWithTimeout(timeout) }

func (s *Server) routes() {
	a := s.app
	a.Use(s.recoverer, s.securityHeaders, s.observe, s.limitBody)
	a.Get("/healthz", s.healthz)
	a.Get("/readyz", s.readyz)
	a.Get("/metrics", s.metrics.handler())
	a.Get("/api/openapi.json", s.openapi)

	v1 := a.Group("/api/v1", s.authenticate)
	limit := s.loginLimiter()
	v1.Post("/auth/register", limit, s.register)
	v1.Post("/auth/login", limit, s.login)
	v1.Post("/auth/refresh", s.refresh)
	v1.Post("/auth/logout", s.logout)
	v1.Post("/auth/logout-all", s.logoutAll)
	v1.Post("/auth/password", limit, s.changePassword)
	s.resetRoutes(v1, limit)
	v1.Get("/me", s.me)
	v1.Get("/me/onboarding", s.onboarding)
	v1.Get("/taxonomy", s.taxonomy)

	v1.Post("/startups", s.createStartup)
	v1.Get("/startups", s.listStartups)
	v1.Get("/startups/:id", s.getStartup)
	v1.Patch("/startups/:id", s.updateStartup)
	v1.Delete("/startups/:id", s.deleteStartup)
	v1.Post("/startups/:id/publish", s.publishStartup)
	v1.Post("/startups/:id/unpublish", s.unpublishStartup)
	v1.Get("/startups/:id/interest", s.startupInterest)

	v1.Post("/investors", s.createInvestor)
	v1.Get("/investors", s.listInvestors)
	v1.Get("/investors/me", s.myInvestor)
	v1.Get("/investors/:id", s.getInvestor)
	v1.Get("/investors/:id/activity", s.investorActivity)
	v1.Patch("/investors/:id", s.updateInvestor)

	v1.Post("/spaces", s.createSpace)
	v1.Get("/spaces", s.listSpaces)
	v1.Get("/spaces/:id", s.getSpace)
	v1.Patch("/spaces/:id", s.updateSpace)

	v1.Get("/dealflow", s.dealflow)
	v1.Post("/dealflow/:startupId/feedback", s.feedback)
	v1.Delete("/dealflow/:startupId/feedback", s.clearFeedback)
	v1.Get("/dealflow/:startupId/feedback", s.getFeedback)
	v1.Get("/matches/investors", s.investorMatches)
	v1.Get("/search", s.search)
	v1.Get("/search/suggest", s.suggest)

	v1.Post("/roadshows", s.createRoadshow)
	v1.Get("/roadshows", s.listRoadshows)
	v1.Get("/roadshows/:id", s.getRoadshow)
	v1.Patch("/roadshows/:id", s.updateRoadshow)
	v1.Post("/roadshows/:id/register", s.registerRoadshow)
	v1.Post("/roadshows/:id/start", s.transition("start"))
	v1.Post("/roadshows/:id/advance", s.transition("advance"))
	v1.Post("/roadshows/:id/end", s.transition("end"))
	v1.Get("/roadshows/:id/record", s.roadshowRecord)
	v1.Get("/roadshows/:id/decks/:startupId", s.roadshowDeck)
	v1.Get("/me/invitations", s.myInvitations)
	v1.Post("/roadshows/:id/invitations/:startupId/accept", s.answerInvitation(true))
	v1.Post("/roadshows/:id/invitations/:startupId/decline", s.answerInvitation(false))
	s.guestRoutes(v1)
	s.verificationRoutes(v1)
	v1.Post("/realtime/ticket", s.ticket)
	v1.Post("/roadshows/:id/stage/publish", s.stagePublish)
	v1.Post("/roadshows/:id/stage/watch/:userId", s.stageWatch)
	v1.Delete("/roadshows/:id/stage/sessions/:session", s.stageHangup)
	v1.Get("/roadshows/:id/recordings/:file", s.stageRecording)
	v1.Get("/stage/ice-servers", s.iceServers)
	a.Get("/ws/roadshows/:id", s.roadshowSocket)

	v1.Get("/notifications", s.listNotifications)
	v1.Post("/notifications/read", s.readNotifications)
	v1.Get("/notification-settings", s.notificationSettings)
	v1.Put("/notification-settings", s.saveNotificationSettings)
	a.Get("/ws/notifications", s.notificationSocket)
	v1.Post("/intros", s.createIntro)
	v1.Get("/intros", s.listIntros)
	v1.Post("/intros/:id/accept", s.decideIntro(true))
	v1.Post("/intros/:id/decline", s.decideIntro(false))
	v1.Get("/pipeline", s.pipeline)
	v1.Put("/pipeline/:startupId", s.setPipeline)
	v1.Put("/startups/:id/deck", s.uploadDeck)
	v1.Get("/startups/:id/deck", s.readDeck)
	v1.Get("/startups/:id/deck/views", s.deckViews)
	v1.Post("/startups/:id/deck/views/:viewId/pages", s.reportDeckPages)
	v1.Post("/startups/:id/deck/request", s.requestDeck)
	v1.Post("/startups/:id/deck/grants", s.grantDeck)
	v1.Delete("/startups/:id/deck/grants/:userId", s.revokeDeck)
	v1.Post("/startups/:id/deck/requests/:userId/decline", s.declineDeck)
	v1.Get("/startups/:id/deck/access", s.deckAccess)
	v1.Get("/admin/backups", s.backupReport)
	v1.Get("/stats/program", s.programStats)
	v1.Get("/stats/program/history", s.programHistory)
	v1.Get("/stats/program.csv", s.programReport("csv"))
	v1.Get("/stats/program.xlsx", s.programReport("xlsx"))
	v1.Get("/stats/targets", s.getTargets)
	v1.Put("/stats/targets", s.putTargets)
	v1.Get("/stats/spaces/:id", s.spaceStats)
	v1.Post("/spaces/:id/registry/import", s.importRegistry)
	v1.Get("/spaces/:id/registry.csv", s.exportRegistry("csv"))
	v1.Get("/spaces/:id/registry.xlsx", s.exportRegistry("xlsx"))
	v1.Get("/registry/columns", s.registryColumns)
	v1.Get("/registry/template.csv", s.registryTemplate("csv"))
	v1.Get("/registry/template.xlsx", s.registryTemplate("xlsx"))
	v1.Get("/spaces/:id/residents", s.spaceResidents)
	v1.Post("/spaces/:id/residents/:startupId/confirm", s.answerResident(true))
	v1.Post("/spaces/:id/residents/:startupId/decline", s.answerResident(false))
	v1.Post("/startups/:id/residency/accept", s.answerResidency(true))
	v1.Post("/startups/:id/residency/decline", s.answerResidency(false))
	s.serviceRoutes(v1)

	a.Use(static(s.cfg.Web))
	a.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}

// actor returns the caller, set by authenticate.
func actor(c *fiber.Ctx) domain.Actor { return domain.ActorFrom(c.UserContext()) }
