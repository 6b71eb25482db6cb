package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestContainerFilesFollowConfig checks the container files against the
// settings the server reads (no Docker engine runs here, so this and
// `make image-check` are what is tested of them): the compose file passes
// every setting, and the image gives its data folders to the runtime user
// and checks its health with the binary itself.
func TestContainerFilesFollowConfig(t *testing.T) {
	var keys []string
	if _, err := ConfigFromEnv(func(k string) string { keys = append(keys, k); return "" }); err != nil {
		t.Fatal(err)
	}
	compose, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	dockerfile, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	setByImage := []string{"LISTEN_ADDR", "DATA_DIR"}
	for _, k := range keys {
		if slices.Contains(setByImage, k) {
			if !strings.Contains(string(dockerfile), k+"=") {
				t.Errorf("Dockerfile does not set %s", k)
			}
			continue
		}
		if !strings.Contains(string(compose), "\n      "+k+": ") {
			t.Errorf("docker-compose.yml does not pass %s to the yuechuang service: add it to its environment (with the default from config.go)", k)
		}
	}
	for _, want := range []string{
		`COPY --from=build --chown=65532:65532 /out/data /data`,
		`USER nonroot:nonroot`,
		`HEALTHCHECK`,
	} {
		if !strings.Contains(string(dockerfile), want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	hc := regexp.MustCompile(`(?m)^HEALTHCHECK .*CMD \["/usr/local/bin/yuechuang", "healthcheck"\]$`)
	if !hc.Match(dockerfile) {
		t.Error("Dockerfile's HEALTHCHECK does not run `yuechuang healthcheck`")
	}
	if !strings.Contains(string(compose), `test: ["CMD", "/usr/local/bin/yuechuang", "healthcheck"]`) {
		t.Error("docker-compose.yml has no health check for the platform")
	}
}

func TestBackupConfig(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"every not a duration": {"BACKUP_EVERY": "daily"},
		"every too short":      {"BACKUP_EVERY": "10s"},
		"keep zero":            {"BACKUP_KEEP": "0"},
	} {
		if _, err := ConfigFromEnv(func(k string) string { return env[k] }); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	cfg, err := ConfigFromEnv(func(k string) string { return map[string]string{"BACKUP_DIR": "/backups", "BACKUP_EVERY": "6h"}[k] })
	if err != nil || cfg.BackupDir != "/backups" || cfg.BackupEvery.Hours() != 6 || cfg.BackupKeep != 7 {
		t.Fatalf("%+v %v", cfg, err)
	}
}

func TestICEServersConfig(t *testing.T) {
	for name, v := range map[string]string{
		"not a URL":             "http://stun.example.cn",
		"bad JSON":              `[{"urls": 3`,
		"TURN without a secret": "turn:turn.example.cn:3478",
		"no urls":               `[{"username": "u"}]`,
	} {
		if _, err := ConfigFromEnv(func(k string) string { return map[string]string{"ICE_SERVERS": v}[k] }); err == nil {
			t.Errorf("%s: %q accepted", name, v)
		}
	}
	cfg, err := ConfigFromEnv(func(k string) string {
		return map[string]string{"ICE_SERVERS": ` stun:stun.example.cn:3478 , stun:stun2.example.cn `}[k]
	})
	if err != nil || len(cfg.ICEServers) != 2 || cfg.ICEServers[1].URLs[0] != "stun:stun2.example.cn" {
		t.Fatalf("%+v %v", cfg.ICEServers, err)
	}
	cfg, err = ConfigFromEnv(func(k string) string {
		return map[string]string{"ICE_SERVERS": `[{"urls": ["turn:turn.example.cn:3478?transport=udp"], "username": "u", "credential": "p"}, {"urls": "stun:s.example.cn"}]`}[k]
	})
	if err != nil || len(cfg.ICEServers) != 2 || cfg.ICEServers[0].Username != "u" || cfg.ICEServers[0].Credential != "p" {
		t.Fatalf("%+v %v", cfg.ICEServers, err)
	}
	if cfg, err := ConfigFromEnv(func(string) string { return "" }); err != nil || cfg.ICEServers != nil {
		t.Fatalf("none by default: %+v %v", cfg.ICEServers, err)
	}
}
