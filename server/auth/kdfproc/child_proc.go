package kdfproc

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"time"
)

// child is a running child process and the parent's ends of its pipes.
// One worker uses it at a time.
type child struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	seq  uint64
	buf  []byte
	once sync.Once
	err  error
}

// refusedError is a child's answer that it will not derive this request's
// key: the request's fault, not the child's, which goes on serving.
type refusedError struct{ msg string }

func (e *refusedError) Error() string { return "kdfproc: refused: " + e.msg }

// passedEnv are the parent's variables a child gets besides ChildEnv: only
// what the Go runtime of a coverage build needs. A child reads no
// configuration, and the server's secrets stay out of its environment.
var passedEnv = []string{"GOCOVERDIR"}

func startChild(opt Options) (*child, error) {
	// The argument only names the process for ps; ChildEnv is what makes it
	// a child.
	cmd := exec.Command(opt.Path, "kdf-child")
	cmd.Args[0] = opt.name
	cmd.Env = []string{ChildEnv + "=1"}
	for _, k := range passedEnv {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, opt.Env...)
	cmd.Stderr = opt.Stderr
	cmd.SysProcAttr = sysProcAttr()
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kdfproc: start %s: %w", opt.Path, err)
	}
	return &child{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// derive sends req to the child and reads its answer. Any error but a
// refusedError means the child is dead or out of step.
func (c *child) derive(req *request) ([]byte, error) {
	c.seq++
	req.seq = c.seq
	frame, err := req.encode()
	if err != nil {
		return nil, &refusedError{err.Error()}
	}
	_, err = c.in.Write(frame)
	clear(frame) // it holds the password
	if err != nil {
		return nil, fmt.Errorf("kdfproc: child %d: %w", c.cmd.Process.Pid, err)
	}
	body, err := readFrame(c.out, c.buf)
	if err != nil {
		return nil, fmt.Errorf("kdfproc: child %d ended while deriving a key: %w", c.cmd.Process.Pid, err)
	}
	c.buf = body
	if len(body) < 9 || binary.BigEndian.Uint64(body) != req.seq {
		return nil, fmt.Errorf("kdfproc: child %d answered out of step", c.cmd.Process.Pid)
	}
	rest := body[9:]
	switch body[8] {
	case statusKey:
		if len(rest) != int(req.keyLen) {
			return nil, fmt.Errorf("kdfproc: child %d answered %d bytes for a key of %d", c.cmd.Process.Pid, len(rest), req.keyLen)
		}
		key := append([]byte(nil), rest...)
		clear(rest)
		return key, nil
	case statusRefused:
		return nil, &refusedError{string(rest)}
	}
	return nil, fmt.Errorf("kdfproc: child %d answered status %d", c.cmd.Process.Pid, body[8])
}

// wait reaps the child once, whoever asks first.
func (c *child) wait() error {
	c.once.Do(func() { c.err = c.cmd.Wait() })
	return c.err
}

// kill ends the child at once and reaps it.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	_ = c.wait()
}

// stop closes the child's input, which ends it once its request (if any)
// is answered, and kills it if it has not exited within d.
func (c *child) stop(d time.Duration) {
	_ = c.in.Close()
	t := time.AfterFunc(d, func() { _ = c.cmd.Process.Kill() })
	_ = c.wait()
	t.Stop()
}

// spawner starts children from one goroutine locked to its OS thread. On
// Linux a child's Pdeathsig fires when the thread that started it ends,
// not the process: Go ends a thread when a goroutine locked to it exits,
// and any goroutine could lock the thread a child was started from, had
// it been started from a shared one.
type spawner struct {
	reqs chan spawnReq
	done chan struct{}
	once sync.Once
}

type spawnReq struct {
	opt Options
	res chan spawnRes
}

type spawnRes struct {
	c   *child
	err error
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnReq), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *spawner) run() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread() // the children are gone by now: the thread may serve others
	for {
		select {
		case r := <-s.reqs:
			c, err := startChild(r.opt)
			r.res <- spawnRes{c, err}
		case <-s.done:
			return
		}
	}
}

func (s *spawner) start(opt Options) (*child, error) {
	r := spawnReq{opt: opt, res: make(chan spawnRes, 1)}
	select {
	case s.reqs <- r:
	case <-s.done:
		return nil, ErrClosed
	}
	res := <-r.res
	return res.c, res.err
}

func (s *spawner) stop() { s.once.Do(func() { close(s.done) }) }
