// Command yuechuang runs the Yuechuang platform: the JSON API, the embedded
// database (unless MONGODB_URI is set) and the demo data.
//
//	yuechuang                 start the server
//	yuechuang create-admin    create or reset the admin from ADMIN_EMAIL / ADMIN_PASSWORD
//	yuechuang reindex         rebuild the search index from the database
//	yuechuang backup [-o FILE] archive DATA_DIR while the server runs
//	yuechuang restore FILE    restore an archive into an empty DATA_DIR
//	yuechuang healthcheck     exit 0 when /readyz on LISTEN_ADDR answers 200
//	yuechuang export -o DIR   the whole embedded database in mongodump's layout
//	yuechuang import DIR      load an export into MONGODB_URI (or an empty DATA_DIR)
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// release names the build (git describe), set by the Makefile and the
// Dockerfile with -ldflags "-X main.release=…"; backups record it.
var release string

func main() {
	// A child that hashes passwords for a server (server/auth/kdfproc) is
	// this executable too; it does nothing else, not even read the
	// configuration.
	if kdfproc.IsChild() {
		os.Exit(kdfproc.ServeChild())
	}
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "yuechuang:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	cfg.CrashAfter = getenv("YC_TEST_CRASH_AFTER") // tests only, see Config
	log, err := newLogger(cfg)
	if err != nil {
		return err
	}
	if a := getenv("YC_PPROF_ADDR"); a != "" { // the load tools only, see servePprof
		if err := servePprof(a, log); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "", "serve":
	case "reindex":
		cfg.SeedDemo = false
		cfg.ListenAddr = "127.0.0.1:0"
		m := NewMain(cfg, log)
		defer m.Close()
		if err := m.Open(ctx); err != nil {
			return err
		}
		return m.Reindex(ctx)
	case "create-admin":
		if cfg.AdminEmail == "" {
			return errors.New("create-admin needs ADMIN_EMAIL and ADMIN_PASSWORD")
		}
		cfg.SeedDemo = false
		// It serves nothing, and Open binds the address first: not the
		// port of a server that may be running.
		cfg.ListenAddr = "127.0.0.1:0"
		m := NewMain(cfg, log)
		defer m.Close()
		return m.Open(ctx) // Open creates or resets the configured admin
	case "backup":
		return backupCmd(ctx, cfg, args[1:], log, os.Stdout)
	case "restore":
		return restoreCmd(ctx, cfg, args[1:], os.Stdout)
	case "healthcheck":
		return healthcheck(ctx, cfg)
	case "export":
		return exportCmd(ctx, cfg, args[1:], os.Stdout)
	case "import":
		return importCmd(ctx, cfg, args[1:], os.Stdout)
	default:
		return fmt.Errorf("unknown command %q (commands: serve, create-admin, reindex, backup, restore, healthcheck, export, import)", cmd)
	}

	m := NewMain(cfg, log)
	defer func() {
		if err := m.Close(); err != nil {
			log.Error("shutdown", "err", err)
		}
	}()
	if err := m.Open(ctx); err != nil {
		return err
	}
	return m.Run(ctx)
}

func newLogger(cfg Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
}
