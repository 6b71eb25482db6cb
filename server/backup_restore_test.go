package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// restore runs `yuechuang restore archive` into a new directory.
func restore(t *testing.T, archive string) (string, error) {
	into := t.TempDir()
	out, err := command(t, map[string]string{"DATA_DIR": into}, "restore", archive).CombinedOutput()
	if err != nil {
		return into, fmt.Errorf("%w: %s", err, out)
	}
	return into, nil
}

// TestRestoreCommandRefusesCorruption runs the restore command on a damaged
// archive: it exits non-zero and says why.
func TestRestoreCommandRefusesCorruption(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SeedDemo = false
	m, stop := startMain(t, cfg)
	_ = m
	archive := filepath.Join(t.TempDir(), "a.tar.gz")
	if out, err := command(t, map[string]string{"DATA_DIR": cfg.DataDir}, "backup", "-o", archive).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	stop()
	b, _ := os.ReadFile(archive)
	b[len(b)/3] ^= 0xff
	_ = os.WriteFile(archive, b, 0o600)
	into, err := restore(t, archive)
	if err == nil || !strings.Contains(err.Error(), "corrupted") {
		t.Fatalf("restore of a damaged archive: %v", err)
	}
	if names := dirNames(t, into); len(names) != 0 {
		t.Fatalf("a refused restore left %v", names)
	}
}

// TestScheduledBackups starts the platform with BACKUP_DIR set: it takes a
// backup at once, and /metrics and the admin's report show its age.
func TestScheduledBackups(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SeedDemo = false
	cfg.AdminEmail, cfg.AdminPassword = "chief@kjj.sx.gov.cn", "admin-secret-1"
	cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep = filepath.Join(t.TempDir(), "backups"), time.Hour, 3
	m, _ := startMain(t, cfg)
	base := "http://" + m.Addr()
	admin := login(t, base, cfg.AdminEmail, cfg.AdminPassword)
	var report map[string]any
	deadline := time.Now().Add(60 * time.Second)
	for {
		code, body := call(t, "GET", base+"/api/v1/admin/backups", admin, nil)
		if code != 200 {
			t.Fatalf("backup report: %d %v", code, body)
		}
		if body["lastGoodAt"] != nil {
			report = body
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled backup at start: %v", body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if report["enabled"] != true || report["stale"] != false || report["everySeconds"] != 3600.0 || report["lastSize"].(float64) <= 0 {
		t.Fatalf("report: %v", report)
	}
	archives, _ := filepath.Glob(filepath.Join(cfg.BackupDir, "yuechuang-*.tar.gz"))
	if len(archives) != 1 {
		t.Fatalf("archives: %v", archives)
	}
	if _, err := restore(t, archives[0]); err != nil {
		t.Fatalf("the scheduled backup does not restore: %v", err)
	}
	_, metrics := getRaw(t, base+"/metrics", "")
	for _, want := range []string{"yuechuang_backup_enabled 1", "yuechuang_backup_stale 0", "yuechuang_backup_period_seconds 3600", "yuechuang_backup_failures_total 0"} {
		if !strings.Contains(string(metrics), "\n"+want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if !strings.Contains(string(metrics), "\nyuechuang_backup_last_success_timestamp_seconds 1.") {
		t.Error("/metrics lacks the last backup's time")
	}
	_, reg := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": "f@test.cn", "password": "Yc-backup-test-7781", "role": "founder", "name": "创始人"})
	if code, body := call(t, "GET", base+"/api/v1/admin/backups", reg["accessToken"].(string), nil); code != 403 {
		t.Fatalf("a founder reads the backup report: %d %v", code, body)
	}
}
