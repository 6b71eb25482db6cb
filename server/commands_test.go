package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runTestCommand runs `yuechuang $YC_RUN_ARGS` in a child process of the
// test binary. With YC_BACKUP_STALL=stage a backup stops at that stage,
// says so on stdout and waits to be killed.
func runTestCommand() int {
	args := strings.Fields(os.Getenv("YC_RUN_ARGS"))
	var err error
	if stage := os.Getenv("YC_BACKUP_STALL"); stage != "" {
		cfg, cerr := ConfigFromEnv(os.Getenv)
		if cerr != nil {
			fmt.Fprintln(os.Stderr, cerr)
			return 1
		}
		_, err = runBackup(context.Background(), cfg, args[len(args)-1], func(s string) {
			if s == stage {
				fmt.Println("stalled at", s)
				select {}
			}
		})
	} else {
		err = run(args, os.Getenv)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// command runs the test binary as `yuechuang args...` with env.
func command(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "YC_RUN_ARGS="+strings.Join(args, " "), "LOG_LEVEL=warn")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// startProcess starts this test binary as the real server process on dir
// with env added, and returns it and its base URL once it is ready. A scan
// the process logs once ready fails the test when it ends (scanlog_test.go).
func startProcess(t *testing.T, dir string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	return startProcessLog(t, dir, nil, env...)
}

// startProcessLog is startProcess telling onLine, if not nil, each line of
// the process's JSON log, in order, from another goroutine.
func startProcessLog(t *testing.T, dir string, onLine func(map[string]any), env ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "YC_RUN_SERVER=1", "DATA_DIR="+dir, "LISTEN_ADDR=127.0.0.1:0", "SEED_DEMO=false",
		"ADMIN_EMAIL=admin@test.cn", "ADMIN_PASSWORD=admin-passphrase", "LOG_FORMAT=json")
	cmd.Env = append(cmd.Env, env...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scans := &scanLog{}
	read := make(chan struct{}) // closed once the log is read to its end
	// The log is read to its end before Wait, which closes the pipe: its
	// last lines may be the scans this test must fail on.
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-read; _ = cmd.Wait(); scans.failScans(t) })
	addr := make(chan string, 1)
	go func() {
		defer close(read)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			if strings.HasPrefix(fmt.Sprint(line["addr"]), "http://") {
				select { // the first address is the one; reading goes on
				case addr <- fmt.Sprint(line["addr"]):
				default:
				}
			}
			if line["msg"] == scanLine {
				scans.add(fmt.Sprintf(" collection=%v command=%v filter=%v", line["collection"], line["command"], line["filter"]))
			}
			if onLine != nil {
				onLine(line)
			}
		}
	}()
	select {
	case a := <-addr:
		waitReady(t, a)
		return cmd, a
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return nil, ""
}

// TestHealthcheck runs the healthcheck command as a process: exit 0 against
// a ready server, 1 against one that is not ready and against no server.
func TestHealthcheck(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.SeedDemo = false
	m, _ := startMain(t, cfg)
	notReady := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer notReady.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(m.Addr())
	for addr, want := range map[string]int{m.Addr(): 0, ":" + port: 0, strings.TrimPrefix(notReady.URL, "http://"): 1, closed: 1} {
		err := command(t, map[string]string{"LISTEN_ADDR": addr}, "healthcheck").Run()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != want {
			t.Errorf("healthcheck on %s: exit %d, want %d", addr, code, want)
		}
	}
}
