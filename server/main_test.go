package main

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/yuechuang/yuechuang/search"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
	"github.com/yuechuang/yuechuang/server/seed"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// TestMain lets a test start this very binary as the real server process
// (for crash tests) by setting YC_RUN_SERVER=1, and as the children that
// hash passwords for every Main (kdfproc.ChildEnv).
func TestMain(m *testing.M) {
	if kdfproc.IsChild() { // the password hashing children of the Mains tests open
		os.Exit(kdfproc.ServeChild())
	}
	if os.Getenv("YC_RUN_ARGS") != "" {
		os.Exit(runTestCommand())
	}
	switch os.Getenv("YC_RUN_SERVER") {
	case "1":
		if err := run(nil, os.Getenv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	case "pause-migration":
		if err := runPausedServer(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestDemoDataAndRestart starts the platform as `make run` does, signs in
// with each demo account, and restarts on the same data directory: the data
// and the signing key survive, and the demo set is not loaded twice.
func TestDemoDataAndRestart(t *testing.T) {
	dir := t.TempDir()
	m, stop := startMain(t, testConfig(t, dir))
	base := "http://" + m.Addr()
	accounts := m.DemoAccounts()
	if len(accounts) != 7 { // one per role: the plan's services add an officer, a mentor and a provider
		t.Fatalf("demo accounts: %+v", accounts)
	}
	tokens := map[string]string{}
	for _, a := range accounts {
		code, body := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": a.Email, "password": a.Password})
		if code != 200 {
			t.Fatalf("demo %s login: %d %v", a.Role, code, body)
		}
		tokens[string(a.Role)] = body["accessToken"].(string)
	}
	_, list := call(t, "GET", base+"/api/v1/startups?pageSize=100", "", nil)
	published := int(list["total"].(float64))
	if published < 20 || published > 30 {
		t.Fatalf("published demo startups: %d of 30", published)
	}
	_, inv := call(t, "GET", base+"/api/v1/investors?verified=true", "", nil)
	if inv["total"].(float64) < 1 {
		t.Fatal("no verified demo investors")
	}
	if _, rs := call(t, "GET", base+"/api/v1/roadshows", "", nil); rs["total"].(float64) != 4 { // two scheduled, two ended
		t.Fatalf("demo roadshows: %v", rs["total"])
	}
	for path, want := range map[string]float64{"/api/v1/mentors": 2, "/api/v1/providers": 2, "/api/v1/ledger?district=": 1} {
		if _, l := call(t, "GET", base+path, "", nil); l["total"].(float64) < want || want == 2 && l["total"].(float64) != want {
			t.Fatalf("demo %s: %v, want %v", path, l["total"], want)
		}
	}
	code, mine := call(t, "GET", base+"/api/v1/startups?mine=true", tokens["founder"], nil)
	if code != 200 || mine["total"].(float64) != 2 {
		t.Fatalf("demo founder's startups: %d %v", code, mine["total"])
	}
	stop()

	m2, _ := startMain(t, testConfig(t, dir))
	base = "http://" + m2.Addr()
	if len(m2.DemoAccounts()) != 0 {
		t.Fatal("demo set loaded again into a non-empty database")
	}
	_, list = call(t, "GET", base+"/api/v1/startups?pageSize=100", "", nil)
	if int(list["total"].(float64)) != published {
		t.Fatalf("after restart %v published, want %d", list["total"], published)
	}
	if code, _ := call(t, "GET", base+"/api/v1/me", tokens["investor"], nil); code != 200 {
		t.Fatalf("token from before the restart: %d", code)
	}
	// The matching index is rebuilt from the database on start.
	code, deals := call(t, "GET", base+"/api/v1/dealflow?pageSize=5", tokens["investor"], nil)
	if code != 200 || int(deals["total"].(float64)) != published || len(deals["items"].([]any)) != 5 {
		t.Fatalf("deal flow after restart: %d total %v", code, deals["total"])
	}
}

// TestSearchIndexRebuilt deletes the search index folder between two starts:
// the platform rebuilds it from the database by itself, and the reindex
// command rebuilds it on demand.
func TestSearchIndexRebuilt(t *testing.T) {
	dir := t.TempDir()
	m, stop := startMain(t, testConfig(t, dir))
	base := "http://" + m.Addr()
	_, list := call(t, "GET", base+"/api/v1/startups?pageSize=1", "", nil)
	published := int(list["total"].(float64))
	first := list["items"].([]any)[0].(map[string]any)
	searchTotal(t, base, "?type=startup", published)
	searchTotal(t, base, "?type=investor", 10)
	searchTotal(t, base, "?type=space", 4)
	stop()

	if err := os.RemoveAll(filepath.Join(dir, "search")); err != nil {
		t.Fatal(err)
	}
	m2, stop2 := startMain(t, testConfig(t, dir))
	searchTotal(t, "http://"+m2.Addr(), "?type=startup", published)
	stop2()

	// The reindex command on a deleted index: read the rebuilt index
	// directly, since a platform start would rebuild an empty one itself.
	if err := os.RemoveAll(filepath.Join(dir, "search")); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATA_DIR": dir, "LOG_LEVEL": "error"}
	if err := run([]string{"reindex"}, func(k string) string { return env[k] }); err != nil {
		t.Fatalf("reindex command: %v", err)
	}
	// Open it as the platform does: an index opened with another
	// vocabulary is emptied to be rebuilt.
	tax, err := taxonomy.Load("")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := search.OpenBleve(filepath.Join(dir, "search", "bleve"), search.WithVocabulary(taxonomy.SearchVocabulary(tax)))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for kind, want := range map[search.Kind]int{search.KindStartup: published, search.KindInvestor: 10, search.KindSpace: 4} {
		if n, err := idx.Count(t.Context(), kind); err != nil || n != want {
			t.Errorf("after reindex: %d %s documents (%v), want %d", n, kind, err, want)
		}
	}
	res, err := idx.Search(t.Context(), search.Query{Text: first["name"].(string), Kind: search.KindStartup, Limit: 20})
	if err != nil {
		t.Fatalf("search after reindex: %v", err)
	}
	found := false
	for _, h := range res.Hits {
		found = found || h.ID == first["id"]
	}
	if !found {
		t.Errorf("after reindex, searching %q does not find startup %v", first["name"], first["id"])
	}
	if err := run([]string{"nonsense"}, func(k string) string { return env[k] }); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func TestAdminFromConfig(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.AdminEmail, cfg.AdminPassword, cfg.SeedDemo = "chief@kjj.sx.gov.cn", "admin-secret-1", false
	m, _ := startMain(t, cfg)
	code, body := call(t, "POST", "http://"+m.Addr()+"/api/v1/auth/login", "", map[string]string{"email": cfg.AdminEmail, "password": cfg.AdminPassword})
	if code != 200 || body["user"].(map[string]any)["role"] != "admin" {
		t.Fatalf("admin login: %d %v", code, body)
	}
	_, list := call(t, "GET", "http://"+m.Addr()+"/api/v1/startups", "", nil)
	if list["total"].(float64) != 0 {
		t.Fatal("SEED_DEMO=false still loaded demo data")
	}
}

// TestBareStartIsEmpty starts the platform with nothing but a data
// directory and an address, as `./bin/yuechuang` alone does: no demo set, no
// account, so no published demo password signs anyone in.
func TestBareStartIsEmpty(t *testing.T) {
	dir := t.TempDir()
	cfg, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"DATA_DIR": dir, "LISTEN_ADDR": "127.0.0.1:0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := startMain(t, cfg)
	base := "http://" + m.Addr()
	if len(m.DemoAccounts()) != 0 {
		t.Fatalf("a bare start created demo accounts: %+v", m.DemoAccounts())
	}
	if _, list := call(t, "GET", base+"/api/v1/startups", "", nil); list["total"].(float64) != 0 {
		t.Fatalf("a bare start loaded %v startups", list["total"])
	}
	code, _ := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "admin@demo.yuechuang.cn", "password": seed.DemoPassword})
	if code != 401 {
		t.Fatalf("demo admin signs in on a bare start: %d", code)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"seed not bool":  {"SEED_DEMO": "yes please"},
		"half admin":     {"ADMIN_EMAIL": "a@b.cn"},
		"short secret":   {"JWT_SECRET": "short"},
		"bad log format": {"LOG_FORMAT": "xml"},
		"bad time zone":  {"TIMEZONE": "Mars/Olympus"},
		"bad proxies":    {"TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"},
		"account limit":  {"LOGIN_ACCOUNT_LIMIT": "0"},
	} {
		if _, err := ConfigFromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cfg, err := ConfigFromEnv(func(string) string { return "" })
	if err != nil || cfg.ListenAddr != ":8080" || cfg.DataDir != "./data" || cfg.SeedDemo || cfg.TimeZone.String() != "Asia/Shanghai" {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
}

// TestAdminResetEndsSessions: a start with another ADMIN_PASSWORD resets the
// admin's password and ends every session it had; a start with the same
// password signs no one out.
func TestAdminResetEndsSessions(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.AdminEmail, cfg.AdminPassword, cfg.SeedDemo = "chief@kjj.sx.gov.cn", "first-admin-secret", false
	m, stop := startMain(t, cfg)
	_, login := call(t, "POST", "http://"+m.Addr()+"/api/v1/auth/login", "", map[string]string{"email": cfg.AdminEmail, "password": cfg.AdminPassword})
	access, refresh := login["accessToken"].(string), login["refreshToken"].(string)
	stop()

	m, stop = startMain(t, cfg) // same password: sessions go on
	if code, _ := call(t, "GET", "http://"+m.Addr()+"/api/v1/me", access, nil); code != 200 {
		t.Fatalf("same ADMIN_PASSWORD signed the admin out: %d", code)
	}
	stop()

	cfg.AdminPassword = "second-admin-secret"
	m, _ = startMain(t, cfg)
	base := "http://" + m.Addr()
	if code, _ := call(t, "GET", base+"/api/v1/me", access, nil); code != 401 {
		t.Fatalf("access token from before the reset: %d", code)
	}
	if code, _ := call(t, "POST", base+"/api/v1/auth/refresh", "", map[string]string{"refreshToken": refresh}); code != 401 {
		t.Fatalf("refresh token from before the reset: %d", code)
	}
	if code, _ := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": cfg.AdminEmail, "password": "second-admin-secret"}); code != 200 {
		t.Fatalf("new admin password: %d", code)
	}
}

// TestNotReadyUntilStarted: /readyz says 503 after Open, while the start-up
// work (the demo set) has not run.
func TestNotReadyUntilStarted(t *testing.T) {
	m := NewMain(testConfig(t, t.TempDir()), slog.New(slog.DiscardHandler))
	m.HashParams = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	res, err := m.http.App().Test(httptest.NewRequest("GET", "/readyz", nil))
	if err != nil || res.StatusCode != 503 {
		t.Fatalf("readyz before the start-up work: %v %v", res.StatusCode, err)
	}
}
