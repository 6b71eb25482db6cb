package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/yuechuang/yuechuang/frontend"
	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/wire"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
	"github.com/yuechuang/yuechuang/server/backup"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/ferret"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/natsbus"
	"github.com/yuechuang/yuechuang/server/seed"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// scanMessage is the log line of a scan sent to the embedded engine once
// ready; the tests (scanlog_test.go), scripts/e2e.sh and scalebench look
// for this text.
const scanMessage = "scan on the embedded engine"

// Timing of the process's own housekeeping.
const (
	shutdownTimeout    = 10 * time.Second
	finishTimeout      = 10 * time.Second // changes dispatched while stopping (finishChanges)
	tokenSweepInterval = time.Hour
)

// Main is the whole platform in one process. Open starts the dependencies,
// Run serves until its context ends, Close releases everything. Tests use
// Main the same way the command does. Methods must be called in that order
// from one goroutine; Addr may be called from any goroutine after Open.
type Main struct {
	Config Config
	// HashParams lets tests use cheaper argon2id costs; zero means the default.
	HashParams auth.HashParams
	// SeedSizes overrides the demo set's size; zero means the default.
	SeedSizes seed.Sizes

	log       *slog.Logger
	ferret    *ferret.Server
	db        *mongo.DB
	engine    search.Engine
	indexer   *app.Indexer
	readModel *app.ReadModel
	changes   *app.Dispatcher
	hub       *realtime.Hub
	stage     *stage.Stage
	bus       *natsbus.Bus // nil unless NATS_URL: several instances
	roadshows *app.Roadshows
	digests   *app.Digests
	history   *app.History
	http      *httpapi.Server
	ln        net.Listener
	early     *early // what answers on ln while Open runs (starting.go)
	svc       httpapi.Services
	hasher    *auth.Hasher
	kdf       *kdfproc.Pool // the children that derive password keys
	// ready is set once the start-up work (demo set, search rebuild) is
	// done; /readyz answers 503 until then.
	ready    atomic.Bool
	mu       sync.Mutex
	accounts []seed.Account
	backups  *backup.Scheduler
	plan     *app.PlanServices // the plan's other services (#18)
	clock    startClock        // the start's phases, for the ready line
	// accountLoad is the accounts' load into memory, begun by Open beside
	// the read model's (startAccounts); Run waits for it before ready.
	accountLoad struct {
		cancel context.CancelFunc
		done   chan struct{}
	}
	// pause, if set, is called by Open after the migrations and Open goes
	// on when it returns (tests only, like Config.CrashAfter): it holds a
	// start at its longest step, to see what the port answers meanwhile.
	pause func()
}

// NewMain returns a Main for cfg.
func NewMain(cfg Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, log: log}
}

// Open binds the listen address, starts the database, creates the
// configured admin and loads the read model. The address answers from the
// start, /readyz with 503 until the start is done (starting.go); the longer
// start-up work (the demo set, a search rebuild) is Run's, behind the same
// 503. Nothing here runs against a fixed budget: a slow machine makes a
// slow start, not a half-made one.
func (m *Main) Open(ctx context.Context) error {
	cfg := m.Config
	m.clock.start()
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	tax, err := taxonomy.Load(cfg.TaxonomyFile)
	if err != nil {
		return err
	}
	targets, err := taxonomy.LoadTargets(cfg.TargetsFile)
	if err != nil {
		return err
	}
	if err := m.listen(); err != nil {
		return err
	}
	uri := cfg.MongoURI
	if uri == "" {
		dir := filepath.Join(cfg.DataDir, "ferretdb")
		if m.ferret, err = ferret.Start(dir, slog.New(minLevel{m.log.Handler(), slog.LevelError}).With("component", "ferretdb")); err != nil {
			return err
		}
		uri = m.ferret.URI()
		m.log.Info("embedded FerretDB started", "dir", dir)
	}
	if m.db, err = mongo.Open(ctx, uri, cfg.MongoDB, m.ferret != nil); err != nil {
		return err
	}
	if m.ferret != nil {
		m.ferret.SetQuiet(m.db.Quiet)
		// A scan once the start-up work is done is on a path a user or the
		// routine work takes, which #12 rules out: say so where an operator,
		// the browser suite (scripts/e2e.sh) and the Go tests that start a
		// Main or the process (scanlog_test.go) see it.
		m.db.WatchScans(func(s mongo.Scan) {
			if m.ready.Load() {
				m.log.Warn(scanMessage, "collection", s.Collection, "command", s.Command, "filter", s.Filter)
			}
		})
		m.db.SetStringScan(m.ferret.ScanStrings)
		m.db.SetBinaryRead(m.ferret.ReadBinary)
		m.db.SetDocumentRead(m.ferret.ReadDocument)
		m.db.SetDocumentsRead(m.ferret.ReadDocuments)
		m.db.SetDocumentScan(m.ferret.ScanDocuments)
		n, err := m.ferret.IndexIDs(ctx)
		if err != nil {
			return err
		}
		m.log.Debug("embedded FerretDB: id lookups indexed", "tables", n)
	}
	m.clock.lap("database")
	if _, err := m.db.Migrate(ctx, m.log); err != nil {
		return err
	}
	m.clock.lap("migrate")
	if m.pause != nil {
		m.pause()
	}
	m.startAccounts()
	if cfg.MeiliURL != "" {
		if m.engine, err = search.NewMeili(ctx, cfg.MeiliURL, cfg.MeiliKey, "yuechuang", search.WithVocabulary(taxonomy.SearchVocabulary(tax))); err != nil {
			return fmt.Errorf("meilisearch at MEILI_URL: %w", err)
		}
		m.log.Info("using Meilisearch", "url", cfg.MeiliURL)
	} else {
		dir := filepath.Join(cfg.DataDir, "search", "bleve")
		if err := os.MkdirAll(filepath.Dir(dir), 0o750); err != nil {
			return err
		}
		if m.engine, err = search.OpenBleve(dir, search.WithVocabulary(taxonomy.SearchVocabulary(tax))); err != nil {
			return err
		}
		m.log.Info("embedded search index opened", "dir", dir)
	}

	key, err := m.signingKey()
	if err != nil {
		return err
	}
	signer, err := auth.NewSigner(key, nil)
	if err != nil {
		return err
	}
	hp := m.HashParams
	if hp == (auth.HashParams{}) {
		hp = auth.DefaultHashParams
	}
	// Passwords are hashed in child processes of this executable (main()
	// serves as one when kdfproc.IsChild): argon2's memory, allocated by
	// every hash, would otherwise pace this process's garbage collector
	// (server/auth/kdfproc, docs/bench/signup.md).
	if m.kdf, err = kdfproc.New(kdfproc.Options{Procs: cfg.HashProcs, Warm: hp}); err != nil {
		return err
	}
	hasher := auth.NewHasherWith(hp, m.kdf.Key)
	m.hasher = hasher
	ready := map[string]httpapi.Pinger{"database": m.db, "startup": startup{m}}
	deps := wire.Deps{DB: m.db, Engine: m.engine, Tax: tax, Targets: targets, Hasher: hasher, Signer: signer, Log: m.log,
		ICEServers: cfg.ICEServers, DataDir: cfg.DataDir, TimeZone: cfg.TimeZone, PublicURL: cfg.PublicURL,
		Plan: app.PlanConfig{IPHelpEmail: cfg.IPHelpEmail, PublicURL: cfg.PublicURL}}
	if cfg.NatsURL != "" {
		// Several instances: rooms, tickets and live notifications are
		// shared through NATS (docs/REALTIME.md).
		if m.bus, err = natsbus.Connect(ctx, cfg.NatsURL, m.log); err != nil {
			return err
		}
		deps.Cluster, deps.Tickets = m.bus, m.bus
		deps.SharePushes = func(local *realtime.Notifications) (app.Pusher, error) { return m.bus.Notifications(local) }
		ready["nats"] = m.bus
		m.log.Info("sharing rooms through NATS", "url", cfg.NatsURL, "instance", m.bus.Instance())
	}
	if cfg.CrashAfter != "" {
		deps.AfterWrite = func(k domain.ChangeKind) { m.crashAfter(string(k)) }
	}
	if cfg.Mail != nil {
		deps.Mailer = cfg.Mail
		m.log.Info("password reset links go by mail", "from", cfg.Mail.From())
	}
	built, err := wire.Build(deps)
	if err != nil {
		return err
	}
	m.readModel, m.indexer, m.changes, m.hub, m.stage = built.ReadModel, built.Indexer, built.Changes, built.Hub, built.Stage
	m.roadshows, m.digests, m.plan, m.history = built.Roadshows, built.Digests, built.Plan, built.History
	accounts, svc := built.Accounts, built.HTTP

	if cfg.AdminEmail != "" {
		if _, err := accounts.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword, ""); err != nil {
			return fmt.Errorf("admin from ADMIN_EMAIL: %w", err)
		}
		m.log.Info("admin account ready", "email", cfg.AdminEmail)
	}
	m.clock.lap("search")
	if err := built.Load(ctx); err != nil {
		return err
	}
	m.clock.lap("memory")
	m.svc = svc
	m.backups = newScheduler(cfg, m.log)
	ready["search"] = m.indexer
	m.http = httpapi.New(svc, httpapi.Config{Ready: ready,
		Web: frontend.Dist(), LoginLimit: cfg.LoginLimit, AccountLimit: cfg.AccountLimit, TrustedProxies: cfg.TrustedProxies,
		Backups:           backupReports{m.backups},
		SocketsPerAddress: noLimitIfZero(cfg.SocketsPerAddress), TicketsPerMinute: noLimitIfZero(cfg.TicketsPerMinute)}, m.log)
	m.handover() // Run serves m.http on m.ln
	return nil
}

// signingKey returns JWT_SECRET, or a random key generated on first start
// and kept in the data directory so restarts do not sign everyone out.
func (m *Main) signingKey() ([]byte, error) {
	if m.Config.JWTSecret != "" {
		return []byte(m.Config.JWTSecret), nil
	}
	path := filepath.Join(m.Config.DataDir, "jwt.key")
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 64 {
		return b, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	b = []byte(hex.EncodeToString(raw))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return b, nil
}

// Addr returns the bound listen address.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// DemoAccounts returns the demo sign-ins created by Open, if any.
func (m *Main) DemoAccounts() []seed.Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.accounts
}

// crashAfter kills the process with SIGKILL when what was just stored is
// the configured YC_TEST_CRASH_AFTER (tests only).
func (m *Main) crashAfter(what string) {
	if what == m.Config.CrashAfter {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}

// noLimitIfZero maps the environment's 0 (no limit) to httpapi's negative.
func noLimitIfZero(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
