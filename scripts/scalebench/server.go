package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// server is a running platform process.
type server struct {
	cmd   *exec.Cmd
	base  string
	start time.Duration // from exec to /readyz 200
	scans *lineCounter  // its log's lines about scans once ready (server/mongo/scanwatch.go)
}

// scanLine is what the server logs for each scan on the embedded engine
// once it is ready.
const scanLine = "scan on the embedded engine"

// lineCounter passes a log through and counts its lines that hold a text.
type lineCounter struct {
	text    string
	mu      sync.Mutex
	n       int
	partial []byte
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		if bytes.Contains(c.partial[:i], []byte(c.text)) {
			c.n++
		}
		c.partial = c.partial[i+1:]
	}
	return len(p), nil
}

func (c *lineCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs bin on dataDir and waits until /readyz says 200.
func startServer(ctx context.Context, bin, dataDir string, env ...string) (*server, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "LISTEN_ADDR="+addr, "DATA_DIR="+dataDir, "JWT_SECRET="+jwtSecret, "LOGIN_RATE_LIMIT=1000000", "TICKETS_PER_MINUTE=0", "LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	scans := &lineCounter{text: scanLine}
	cmd.Stderr = io.MultiWriter(os.Stderr, scans)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr, scans: scans}
	for time.Since(began) < 10*time.Minute {
		if res, err := http.Get(s.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				s.start = time.Since(began)
				return s, nil
			}
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("%s never became ready", bin)
}

// rss returns the process's resident and peak resident memory in MiB.
func (s *server) rss() (cur, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "VmRSS:":
				cur = kb / 1024
			case "VmHWM:":
				peak = kb / 1024
			}
		}
	}
	return cur, peak
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}
