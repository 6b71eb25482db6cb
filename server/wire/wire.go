// Package wire builds the platform's services from their dependencies: the
// one place that knows which service stands on which. The server's Main and
// the HTTP API's tests both call Build, so a test runs the services as the
// server wires them.
package wire

import (
	"context"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/stage"
)

// Deps are what the services stand on, and the settings that differ
// between one server and another (or a test).
type Deps struct {
	DB      *mongo.DB
	Engine  search.Engine
	Tax     *domain.Taxonomy
	Targets *domain.Targets
	Hasher  *auth.Hasher
	Signer  *auth.Signer
	Log     *slog.Logger

	// With several instances (NATS), rooms, tickets and live
	// notifications are shared: Cluster holds the rooms' leases, Tickets
	// are redeemed by every instance, and SharePushes wraps this
	// instance's notification sessions. Unset, all three are this
	// process's own.
	Cluster     realtime.Cluster
	Tickets     httpapi.Tickets
	SharePushes func(local *realtime.Notifications) (app.Pusher, error)
	// AfterWrite, when set, is called after each stored change (the
	// crash tests' hook).
	AfterWrite func(domain.ChangeKind)

	ICEServers []webrtc.ICEServer
	DataDir    string // recordings go under DataDir/recordings
	Plan       app.PlanConfig
	TimeZone   *time.Location
	Mailer     app.Mailer // nil: admins issue reset links
	PublicURL  string
}

// Services are the built services: the HTTP API's set and the parts the
// process runs or closes itself.
type Services struct {
	HTTP      httpapi.Services
	ReadModel *app.ReadModel
	Indexer   *app.Indexer
	Changes   *app.Dispatcher
	Hub       *realtime.Hub
	Stage     *stage.Stage
	Notifier  *app.Notifier
	Notes     *realtime.Notifications
	Roadshows *app.Roadshows
	Digests   *app.Digests
	History   *app.History
	Plan      *app.PlanServices
	Accounts  *app.Accounts
}

// Build wires the services. Nothing is read yet: Load does that.
func Build(d Deps) (*Services, error) {
	s := &Services{}
	var err error
	if s.Accounts, err = app.NewAccounts(d.DB, d.DB, d.Hasher, d.Signer, d.Log); err != nil {
		return nil, err
	}
	s.Notes = realtime.NewNotifications(d.DB)
	var pusher app.Pusher = s.Notes
	if d.SharePushes != nil {
		if pusher, err = d.SharePushes(s.Notes); err != nil {
			return nil, err
		}
	}
	tickets := d.Tickets
	if tickets == nil {
		tickets = realtime.NewTickets()
	}
	s.Notifier = app.NewNotifier(d.DB, pusher, d.Log)
	// The read model stands in front of the database for every service
	// that reads what it holds; the dispatcher carries each stored change
	// on to it, the search index and the match alerts.
	if s.ReadModel, err = app.NewReadModel(d.DB, d.Tax, d.Log); err != nil {
		return nil, err
	}
	rm := s.ReadModel
	if d.AfterWrite != nil {
		rm.AfterWrite = d.AfterWrite
	}
	s.Indexer = app.NewIndexer(rm, d.Engine, d.Tax, d.Log)
	matcher := app.NewMatcher(rm, d.Tax, s.Notifier, d.Log)
	s.Changes = app.NewDispatcher(d.DB, rm, s.Indexer, matcher, d.Log)
	s.Hub = realtime.NewHub(rm, matcher, s.Notifier, realtime.NewLocalBroker(), d.Log)
	if d.Cluster != nil {
		s.Hub.UseCluster(d.Cluster)
	}
	// The stage's live video: the room tells it who may publish, it tells
	// the room who does (docs/REALTIME.md, "The stage").
	if s.Stage, err = stage.New(stage.Config{ICEServers: d.ICEServers, RecordDir: filepath.Join(d.DataDir, "recordings"),
		OnLive: s.Hub.StageLive, Log: d.Log}); err != nil {
		s.Hub.Close()
		return nil, err
	}
	s.Hub.UseStage(s.Stage)
	s.Roadshows = app.NewRoadshows(rm, s.Hub, s.Notifier, matcher, d.Log)
	s.Digests = app.NewDigests(d.DB, s.Notifier, nil, d.Log)
	stats := app.NewStats(rm, d.Targets, d.Tax)
	s.Plan = app.NewPlanServices(d.DB, rm, matcher, s.Notifier, d.Tax, stats, d.Plan)
	s.History = app.NewHistory(stats, d.DB, d.TimeZone)
	s.HTTP = httpapi.Services{
		Accounts:      s.Accounts,
		Startups:      app.NewStartups(rm, rm, rm, d.Tax),
		Investors:     app.NewInvestors(rm, d.Tax),
		Spaces:        app.NewSpaces(rm, rm, d.Tax),
		Matcher:       matcher,
		Search:        s.Indexer,
		Roadshows:     s.Roadshows,
		Hub:           s.Hub,
		Stage:         s.Stage,
		Tickets:       tickets,
		Notifier:      s.Notifier,
		Notifications: s.Notes,
		Intros:        app.NewIntros(rm, rm, s.Notifier),
		Decks:         app.NewDecks(d.DB, rm, s.Notifier),
		Onboarding:    app.NewOnboarding(rm, d.DB),
		Stats:         stats,
		History:       s.History,
		Registry:      app.NewRegistry(rm, d.Tax),
		Taxonomy:      d.Tax,
		Verifications: app.NewVerifications(rm, d.DB, s.Notifier, d.Log),
		Resets:        app.NewPasswordResets(s.Accounts, d.DB, d.Mailer, d.PublicURL, d.Log),
		Ledger:        s.Plan.Ledger,
		Mentors:       s.Plan.Mentors,
		Providers:     s.Plan.Providers,
		Alliance:      s.Plan.Alliance,
	}
	return s, nil
}

// Load reads what the services hold in memory: the read model and the
// plan's services. The notification settings are the store's to hold
// (mongo.DB.Warm), not a service's.
func (s *Services) Load(ctx context.Context) error {
	if err := s.ReadModel.Load(ctx); err != nil {
		return err
	}
	return s.Plan.Load(ctx)
}

// Close stops the live parts: the stage and the rooms.
func (s *Services) Close() {
	s.Stage.Close()
	s.Hub.Close()
}
