package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImport moves the whole platform out of one embedded database,
// while it serves, into another through `yuechuang export` and `yuechuang
// import` (the path to MongoDB, which cannot run here: the import speaks the
// same driver calls to either), and finds the same answers there.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	cfg.SeedDemo = true
	m, stop := startMain(t, cfg)
	base := "http://" + m.Addr()
	accounts := m.DemoAccounts()
	out := filepath.Join(t.TempDir(), "dump")
	if b, err := command(t, map[string]string{"DATA_DIR": dir}, "export", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("export: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(out, "yuechuang", "deck_chunks.bson")); err != nil {
		t.Fatalf("the decks are not in the dump: %v", err)
	}
	paths := []string{"/api/v1/startups?pageSize=100", "/api/v1/investors?pageSize=100", "/api/v1/spaces", "/api/v1/roadshows", "/api/v1/stats/program"}
	want := map[string][]byte{}
	for _, p := range paths {
		_, want[p] = getRaw(t, base+p, "")
	}
	founder := accounts[0]
	for _, a := range accounts {
		if a.Role == "founder" {
			founder = a
		}
	}
	_, wantMine := getRaw(t, base+"/api/v1/startups?mine=true", login(t, base, founder.Email, founder.Password))
	stop()

	dir2 := t.TempDir()
	if b, err := command(t, map[string]string{"DATA_DIR": dir2}, "import", out).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, b)
	}
	if b, err := command(t, map[string]string{"DATA_DIR": dir2}, "import", out).CombinedOutput(); err == nil || !strings.Contains(string(b), "not empty") {
		t.Fatalf("a second import into the same database: %v\n%s", err, b)
	}
	cfg2 := testConfig(t, dir2)
	cfg2.SeedDemo = true
	m2, _ := startMain(t, cfg2)
	base2 := "http://" + m2.Addr()
	if len(m2.DemoAccounts()) != 0 {
		t.Fatal("the demo set was loaded over the imported data")
	}
	for _, p := range paths {
		if _, got := getRaw(t, base2+p, ""); !bytes.Equal(got, want[p]) {
			t.Errorf("GET %s differs after the import:\n%.300s\nwant\n%.300s", p, got, want[p])
		}
	}
	if _, got := getRaw(t, base2+"/api/v1/startups?mine=true", login(t, base2, founder.Email, founder.Password)); !bytes.Equal(got, wantMine) {
		t.Errorf("the founder's startups differ after the import")
	}
	_, pub := call(t, "GET", base2+"/api/v1/startups?pageSize=1", "", nil)
	searchTotal(t, base2, "?type=startup", int(pub["total"].(float64)))

	// An export whose counts do not match what loads is refused.
	b, _ := os.ReadFile(filepath.Join(out, "yuechuang-export.json"))
	_ = os.WriteFile(filepath.Join(out, "yuechuang-export.json"), bytes.Replace(b, []byte(`"users": `), []byte(`"users": 1`), 1), 0o600)
	if b, err := command(t, map[string]string{"DATA_DIR": t.TempDir()}, "import", out).CombinedOutput(); err == nil || !strings.Contains(string(b), "corrupted") {
		t.Fatalf("import with wrong counts: %v\n%s", err, b)
	}
}
