package httpapi_test

import (
	"context"
	"path/filepath"

	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/search"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/realtime"
	"github.com/yuechuang/yuechuang/server/stage"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// env is an API over a real embedded database.
type env struct {
	t         *testing.T
	srv       *httpapi.Server
	admin     string // access token of an admin
	db        *mongo.DB
	engine    *search.Bleve
	indexer   *app.Indexer
	changes   *app.Dispatcher
	readModel *app.ReadModel
	roadshows *app.Roadshows
	digests   *app.Digests
	history   *app.History
	notifier  *app.Notifier
	notes     *realtime.Notifications
	hub       *realtime.Hub // Close waits for the rooms' after-effects in flight
}

// shanghai is the demo city's clock for day boundaries.
var shanghai = time.FixedZone("CST", 8*3600)

var cheapHash = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

// envOption changes the services of a test's API before it starts (a
// mail sender, say).
type envOption func(svc *httpapi.Services, db *mongo.DB, log *slog.Logger)

func newEnv(t *testing.T, cfg httpapi.Config, opts ...envOption) *env {
	t.Helper()
	return newEnvWith(t, cfg, mongotest.Open(t), opts...)
}

// newEnvOn is another server process on the database of an env: what a
// restart reads back.
func newEnvOn(t *testing.T, db *mongo.DB) *env {
	t.Helper()
	return newEnvWith(t, httpapi.Config{}, db)
}

func newEnvWith(t *testing.T, cfg httpapi.Config, db *mongo.DB, opts ...envOption) *env {
	t.Helper()
	tax, err := taxonomy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	targets, err := taxonomy.LoadTargets("")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner([]byte(strings.Repeat("s", 32)), nil)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	accounts, err := app.NewAccounts(db, db, auth.NewHasher(cheapHash), signer, log)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 1000
	}
	notes := realtime.NewNotifications(db)
	notifier := app.NewNotifier(db, notes, log)
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := rm.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	matcher := app.NewMatcher(rm, tax, notifier, log)
	engine, err := search.OpenBleve(filepath.Join(t.TempDir(), "search"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	indexer := app.NewIndexer(rm, engine, tax, log)
	changes := app.NewDispatcher(db, rm, indexer, matcher, log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { changes.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if cfg.Ready == nil {
		cfg.Ready = map[string]httpapi.Pinger{"database": db, "search": indexer}
	}
	hub := realtime.NewHub(rm, matcher, notifier, realtime.NewLocalBroker(), log)
	roadshows := app.NewRoadshows(rm, hub, notifier, matcher, log)
	t.Cleanup(hub.Close)
	video, err := stage.New(stage.Config{RecordDir: filepath.Join(t.TempDir(), "recordings"), OnLive: hub.StageLive, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	hub.UseStage(video)
	t.Cleanup(video.Close)
	stats := app.NewStats(rm, targets, tax)
	plan := app.NewPlanServices(db, rm, matcher, notifier, tax, stats, app.PlanConfig{IPHelpEmail: ipHelpEmail})
	if err := plan.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	history := app.NewHistory(stats, db, shanghai)
	svc := httpapi.Services{
		Accounts:      accounts,
		Startups:      app.NewStartups(rm, rm, rm, tax),
		Investors:     app.NewInvestors(rm, tax),
		Spaces:        app.NewSpaces(rm, rm, tax),
		Matcher:       matcher,
		Search:        indexer,
		Roadshows:     roadshows,
		Hub:           hub,
		Stage:         video,
		Tickets:       realtime.NewTickets(),
		Notifier:      notifier,
		Notifications: notes,
		Intros:        app.NewIntros(rm, rm, notifier),
		Decks:         app.NewDecks(db, rm, notifier),
		Onboarding:    app.NewOnboarding(rm, db),
		Stats:         stats,
		History:       history,
		Registry:      app.NewRegistry(rm, tax),
		Taxonomy:      tax,
		Verifications: app.NewVerifications(rm, db, notifier, log),
		Resets:        app.NewPasswordResets(accounts, db, nil, "http://yc.test", log),
		Ledger:        plan.Ledger,
		Mentors:       plan.Mentors,
		Providers:     plan.Providers,
	}
	for _, o := range opts {
		o(&svc, db, log)
	}
	e := &env{t: t, db: db, engine: engine, indexer: indexer, changes: changes, readModel: rm, roadshows: roadshows,
		notifier: notifier, notes: notes, hub: hub,
		digests: app.NewDigests(db, notifier, nil, log), history: history, srv: httpapi.New(svc, cfg, log)}
	if _, err := accounts.EnsureAdmin(t.Context(), "admin@test.cn", "admin-passphrase", "管理员"); err != nil {
		t.Fatal(err)
	}
	e.admin = e.login("admin@test.cn", "admin-passphrase")
	return e
}

// resp is a decoded response.
type resp struct {
	Status int
	Body   map[string]any
	Raw    string
	Header map[string]string
}

func (r resp) str(path ...string) string {
	var v any = r.Body
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[p]
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// call sends body (a string is sent as is, anything else as JSON).
func (e *env) call(method, path, token string, body any) resp {
	e.t.Helper()
	return e.send(method, path, token, body, nil)
}

// callWith sends a body-less request with extra headers.
func (e *env) callWith(method, path, token string, headers map[string]string) resp {
	e.t.Helper()
	return e.send(method, path, token, nil, headers)
}

func (e *env) send(method, path, token string, body any, headers map[string]string) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := e.srv.App().Test(req, 30_000)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	checkAnswer(e.t, method, path, res.StatusCode, res.Header.Get("Content-Type"), raw)
	r := resp{Status: res.StatusCode, Raw: string(raw), Header: map[string]string{}}
	for k := range res.Header {
		r.Header[k] = res.Header.Get(k)
	}
	if len(raw) > 0 && strings.Contains(res.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			e.t.Fatalf("%s %s: response is not a JSON object: %s", method, path, raw)
		}
	}
	return r
}

// must calls and fails the test unless the status is want.
func (e *env) must(want int, method, path, token string, body any) resp {
	e.t.Helper()
	r := e.call(method, path, token, body)
	if r.Status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Raw)
	}
	return r
}

var userSeq int

// register creates an account with role and returns its access token.
func (e *env) register(role string) (token, id string) {
	e.t.Helper()
	userSeq++
	r := e.must(201, "POST", "/api/v1/auth/register", "", map[string]any{
		"email": fmt.Sprintf("u%d@test.cn", userSeq), "password": "founder-passphrase", "role": role, "name": "用户" + fmt.Sprint(userSeq),
	})
	return r.str("accessToken"), r.str("user", "id")
}

func (e *env) login(email, password string) string {
	e.t.Helper()
	return e.must(200, "POST", "/api/v1/auth/login", "", map[string]any{"email": email, "password": password}).str("accessToken")
}

// checkProblem asserts r is the one error shape with status and code.
func checkProblem(t *testing.T, r resp, status int, code string) {
	t.Helper()
	if r.Status != status || r.str("code") != code || r.str("detail") == "" || r.str("status") != fmt.Sprint(status) {
		t.Fatalf("got %d %s, want %d problem with code %q", r.Status, r.Raw, status, code)
	}
	if !strings.HasPrefix(r.Header["Content-Type"], "application/problem+json") {
		t.Fatalf("content type %q is not application/problem+json", r.Header["Content-Type"])
	}
}
