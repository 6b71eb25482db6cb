package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"sync"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

// server is a running platform process.
type server struct {
	*benchrun.Server
	scans *lineCounter // its log's lines about scans once ready (server/mongo/scanwatch.go)
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

// startServer runs bin on dataDir and waits until /readyz says 200. The
// server's log goes to logTo, or to this process's if nil.
func startServer(ctx context.Context, bin, dataDir string, logTo io.Writer, env ...string) (*server, error) {
	scans := &lineCounter{text: scanLine}
	if logTo == nil {
		logTo = os.Stderr
	}
	s, err := benchrun.Start(ctx, bin, dataDir, benchrun.Options{
		Env: append([]string{"JWT_SECRET=" + jwtSecret, "LOGIN_RATE_LIMIT=1000000", "TICKETS_PER_MINUTE=0", "LOG_LEVEL=warn"}, env...),
		Log: io.MultiWriter(logTo, scans),
	})
	if err != nil {
		return nil, err
	}
	return &server{Server: s, scans: scans}, nil
}
