package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/yuechuang/yuechuang/server/domain"
)

// BackupReport is the state of scheduled backups, as the admin dashboard
// and /metrics show it.
type BackupReport struct {
	// Enabled is false when no BACKUP_DIR is set: nothing is backed up.
	Enabled bool `json:"enabled"`
	// External: the database is in MongoDB and is backed up with mongodump.
	External     bool       `json:"external"`
	Dir          string     `json:"dir"`
	EverySeconds int64      `json:"everySeconds"`
	Keep         int        `json:"keep"`
	LastGoodAt   *time.Time `json:"lastGoodAt"`
	AgeSeconds   int64      `json:"ageSeconds"`
	// Stale: no good backup, or the last one is older than two periods.
	Stale         bool       `json:"stale"`
	LastSize      int64      `json:"lastSize"`
	Failures      int64      `json:"failures"`
	LastFailureAt *time.Time `json:"lastFailureAt"`
	// LastError is the newest failure's diagnostic, for the operator.
	LastError string `json:"lastError"`
}

// Backups reports the state of scheduled backups at now.
type Backups interface {
	BackupReport(now time.Time) BackupReport
}

func (s *Server) backupReport(c *fiber.Ctx) error {
	if !actor(c).IsAdmin() {
		return domain.CodedError(domain.KindForbidden, "admin_only", "only admins see this")
	}
	if s.cfg.Backups == nil {
		return c.JSON(BackupReport{})
	}
	return c.JSON(s.cfg.Backups.BackupReport(time.Now()))
}

// watchBackups exports the backup state as gauges read at each scrape.
func (m *metrics) watchBackups(b Backups) {
	gauge := func(name, help string, f func(BackupReport) float64) prometheus.GaugeFunc {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return f(b.BackupReport(time.Now())) })
	}
	flag := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	m.reg.MustRegister(
		gauge("yuechuang_backup_enabled", "1 when scheduled backups are on (BACKUP_DIR set).",
			func(r BackupReport) float64 { return flag(r.Enabled) }),
		gauge("yuechuang_backup_last_success_timestamp_seconds", "Unix time the last good backup was taken; 0 when there is none.",
			func(r BackupReport) float64 {
				if r.LastGoodAt == nil {
					return 0
				}
				return float64(r.LastGoodAt.Unix())
			}),
		gauge("yuechuang_backup_age_seconds", "Age of the last good backup; 0 when there is none (see yuechuang_backup_stale).",
			func(r BackupReport) float64 { return float64(r.AgeSeconds) }),
		gauge("yuechuang_backup_stale", "1 when backups are on and there is no good backup younger than two periods.",
			func(r BackupReport) float64 { return flag(r.Stale) }),
		gauge("yuechuang_backup_period_seconds", "BACKUP_EVERY in seconds.",
			func(r BackupReport) float64 { return float64(r.EverySeconds) }),
		gauge("yuechuang_backup_last_size_bytes", "Size of the last good backup archive.",
			func(r BackupReport) float64 { return float64(r.LastSize) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "yuechuang_backup_failures_total", Help: "Scheduled backups that failed since the start."},
			func() float64 { return float64(b.BackupReport(time.Now()).Failures) }),
	)
}
