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
	"github.com/yuechuang/yuechuang/server/taxonomy"
	"github.com/yuechuang/yuechuang/server/wire"
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
	scans     *scanWatch    // fails the test on a scan once started (scans_test.go)
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
	scans := watchScans(t, db)
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 1000
	}
	engine, err := search.OpenBleve(filepath.Join(t.TempDir(), "search"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = engine.Close() })
	// The services as the server wires them (server/wire), on this test's
	// database and index.
	built, err := wire.Build(wire.Deps{DB: db, Engine: engine, Tax: tax, Targets: targets, Hasher: auth.NewHasher(cheapHash), Signer: signer,
		Log: log, DataDir: t.TempDir(), TimeZone: shanghai, PublicURL: "http://yc.test", Plan: app.PlanConfig{IPHelpEmail: ipHelpEmail}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(built.Close)
	if err := built.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The rest of the server's loads before it says ready (server/serve.go):
	// without them the first reads of accounts, the outbox and the
	// notification drops would scan where the server's do not.
	if err := db.LoadUserNames(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := db.Warm(t.Context()); err != nil {
		t.Fatal(err)
	}
	changes := built.Changes
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { changes.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if cfg.Ready == nil {
		cfg.Ready = map[string]httpapi.Pinger{"database": db, "search": built.Indexer}
	}
	accounts, svc := built.Accounts, built.HTTP
	for _, o := range opts {
		o(&svc, db, log)
	}
	e := &env{t: t, db: db, engine: engine, indexer: built.Indexer, changes: changes, readModel: built.ReadModel, roadshows: built.Roadshows,
		notifier: built.Notifier, notes: built.Notes, hub: built.Hub,
		digests: built.Digests, history: built.History, srv: httpapi.New(svc, cfg, log), scans: scans}
	if _, err := accounts.EnsureAdmin(t.Context(), "admin@test.cn", "admin-passphrase", "管理员"); err != nil {
		t.Fatal(err)
	}
	scans.ready.Store(true) // the server's start (Open, Run's prepare) ends here
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
	e.scans.serving(method, path)
	res, err := e.srv.App().Test(req, 30_000)
	e.scans.check()
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
