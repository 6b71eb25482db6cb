// Package benchrun holds what the benchmark tools that drive the real
// server share: running a server binary on a data directory until it says
// ready, stopping it as an operator would, reading its memory, and one
// definition of a percentile, so that a p99 in one tool's table means what
// it means in another's. (benchdoc writes the tables.)
package benchrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a running server process.
type Server struct {
	Cmd  *exec.Cmd
	Addr string // host:port it listens on
	Base string // "http://" + Addr
	// Ready is the time from exec to the first /readyz 200.
	Ready time.Duration
	// exited receives the process's end once; Stop and Start's wait read it.
	exited chan error
	done   bool
}

// Options are what a tool adds to a server's start.
type Options struct {
	// Env is added to this process's environment, after LISTEN_ADDR and
	// DATA_DIR (a later entry wins).
	Env []string
	// Log receives the server's standard error and output (nil: this
	// process's standard error).
	Log io.Writer
	// Within is how long the start may take before it is given up
	// (0: 10 minutes, a used full-size city's worst seen being well under).
	Within time.Duration
}

// FreeAddr returns a loopback address with a port free at the moment.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// Start runs bin on dataDir and returns once GET /readyz answers 200. A
// server that exits or is not ready in time is an error (and is stopped).
func Start(ctx context.Context, bin, dataDir string, o Options) (*Server, error) {
	// The data directory was most often copied or built a moment ago, and
	// its pages may still wait in the kernel for writeback: the server's
	// first fsyncs would then wait behind that flush (half a second for
	// the first writes on a full-size city copied just before), a cost of
	// the tool's setup, not of the server. So the flush happens here,
	// before the start is timed.
	syscall.Sync()
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "LISTEN_ADDR="+addr, "DATA_DIR="+dataDir)
	cmd.Env = append(cmd.Env, o.Env...)
	log := o.Log
	if log == nil {
		log = os.Stderr
	}
	cmd.Stdout, cmd.Stderr = log, log
	within := o.Within
	if within == 0 {
		within = 10 * time.Minute
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{Cmd: cmd, Addr: addr, Base: "http://" + addr, exited: make(chan error, 1)}
	go func() { s.exited <- cmd.Wait() }()
	client := &http.Client{Timeout: 2 * time.Second}
	for time.Since(began) < within {
		if res, err := client.Get(s.Base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.Ready = time.Since(began)
				return s, nil
			}
		}
		select {
		case err := <-s.exited:
			s.done = true
			return nil, fmt.Errorf("%s exited before it was ready: %v", bin, err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	s.Stop()
	return nil, fmt.Errorf("%s was not ready within %s", bin, within)
}

// Stop asks the server to stop (SIGINT, its graceful stop) and waits for
// it to exit, killing it after 30 s. It returns how long the stop took;
// a second call returns at once.
func (s *Server) Stop() time.Duration {
	if s.done {
		return 0
	}
	s.done = true
	began := time.Now()
	_ = s.Cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.Cmd.Process.Kill()
		<-s.exited
	}
	return time.Since(began)
}

// RSS returns the resident and peak resident memory, in MiB, of the server
// and every process under it (the children that hash its passwords), 0, 0
// once it has exited. Each process's pages are counted in full, so the
// executable's pages that the children share with the server are counted
// once per process, and the peak is the sum of each process's own peak,
// whether or not they came at once: both figures are upper bounds.
func (s *Server) RSS() (cur, peak float64) {
	for _, pid := range tree(s.Cmd.Process.Pid) {
		c, p := procRSS(pid)
		cur, peak = cur+c, peak+p
	}
	return cur, peak
}

// procRSS returns pid's VmRSS and VmHWM in MiB (0, 0 if it is gone).
func procRSS(pid int) (cur, peak float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			cur = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return cur, peak
}

// tree returns root and its descendants, from each process's parent in
// /proc/PID/stat; just root if /proc cannot be listed.
func tree(root int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return []int{root}
	}
	kids := map[int][]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// The fields after the command, which may hold spaces and
		// parentheses, in parentheses: state, then the parent.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			kids[ppid] = append(kids[ppid], pid)
		}
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, kids[out[i]]...)
	}
	return out
}

// CopyDir copies the directory src to dst (which must not exist), keeping
// modes and times, as `cp -a` does: a run changes the data it opens, so
// each server gets its own copy of a kept one.
func CopyDir(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("copy %s: %s exists", src, dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("copy %s: %v %s", src, err, out)
	}
	return nil
}

// Percentile returns the p-quantile (0 < p ≤ 1) of ds by nearest rank:
// the smallest sample at or above a share p of them, so that the p99 of
// 1,000 samples is the 11th slowest. It does not change ds; 0 for none.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	d := slices.Clone(ds)
	slices.Sort(d)
	// The epsilon keeps a share that is exact in decimal (0.99 × 1,000)
	// from rounding up a rank in binary.
	i := int(float64(len(d))*p+0.999999) - 1
	return d[max(0, min(i, len(d)-1))]
}

// MS is d in milliseconds.
func MS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// LoadAvg is the machine's 1-minute load average as /proc/loadavg says,
// or "?".
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
