// Package kdfproc derives password keys (argon2.IDKey) in child processes
// of the server's own executable, so that argon2's work memory (19 MiB a
// hash at the default cost, allocated anew by every call) is not
// allocated in the server's heap. In the server that allocation paced the
// garbage collector: on a full-size city a collection came every few
// hashes and marked a large heap while sign-ups waited
// (docs/bench/signup.md). A child holds almost no heap, so its
// collections cost next to nothing.
//
// Passwords cross a pipe to a child of the same binary, run by the same
// user, and nothing else: no file, no socket, no other program. A child
// reads framed requests on its standard input and writes keys on its
// standard output (frame.go), one at a time. It ends when its input ends:
// when the pool closes it, or when the parent dies (the kernel closes the
// pipe); on Linux the kernel also kills it when the parent dies
// (Pdeathsig).
package kdfproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
)

// ErrClosed is the error of a derivation asked of a closed pool.
var ErrClosed = errors.New("kdfproc: pool closed")

// Options configure a Pool.
type Options struct {
	// Procs is the number of children, so the number of derivations at
	// once; 0: runtime.GOMAXPROCS(0), as many as cores, since a
	// derivation holds a core for its whole time.
	Procs int
	// Path is the executable to start; "": this process's own
	// (/proc/self/exe on Linux, else os.Executable), whose main() must
	// run ServeChild when IsChild.
	Path string
	// Env is added to a child's environment (tests).
	Env []string
	// Stderr receives the children's standard error (a crash's trace);
	// nil: this process's.
	Stderr io.Writer
	// Warm, if set, are the costs each child first derives a throwaway
	// key at, before it takes any caller's request: a child's first
	// derivations map their memory page by page, several times slower
	// than the derivations after them (docs/bench/signup.md), and the
	// first users after a start should not wait for that. Give the costs
	// the callers will use.
	Warm auth.HashParams
	// name is a child's argv[0], for ps: Path, or this executable's
	// name where Path is /proc/self/exe.
	name string
}

// stopWithin is how long Close waits for a child to finish its request
// and exit before killing it.
const stopWithin = 10 * time.Second

// Pool is a set of children that derive keys. Its Key is an auth.KDF. It
// is safe for concurrent use.
type Pool struct {
	opt   Options
	reqs  chan *call
	quit  chan struct{}
	wg    sync.WaitGroup
	spawn *spawner
	close sync.Once

	mu   sync.Mutex
	kids map[*child]struct{} // the running children, for Close to kill

	warming sync.WaitGroup // the first children's warm-ups
	warmed  chan struct{}  // closed once they are done
}

// call is one derivation asked of the pool: a worker answers it on res
// (buffered, so the worker never waits for a caller who went away).
type call struct {
	ctx context.Context
	req request
	res chan result
}

type result struct {
	key []byte
	err error
}

// New starts the pool's children and returns once they are running; an
// executable that cannot be started is an error here, not at the first
// sign-up.
func New(opt Options) (*Pool, error) {
	if opt.Procs <= 0 {
		opt.Procs = runtime.GOMAXPROCS(0)
	}
	if opt.Path == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("kdfproc: this executable: %w", err)
		}
		opt.Path, opt.name = exe, exe
		if runtime.GOOS == "linux" {
			// The running binary itself, even once a deploy has replaced
			// the file at exe: a child started after that (replacing one
			// that died) must be this version, not the next.
			opt.Path = "/proc/self/exe"
		}
	}
	if opt.name == "" {
		opt.name = opt.Path
	}
	if opt.Stderr == nil {
		opt.Stderr = os.Stderr
	}
	p := &Pool{opt: opt, reqs: make(chan *call), quit: make(chan struct{}), spawn: newSpawner(), kids: map[*child]struct{}{},
		warmed: make(chan struct{})}
	kids := make([]*child, opt.Procs)
	for i := range kids {
		c, err := p.start()
		if err != nil {
			for _, c := range kids[:i] {
				c.kill()
			}
			p.spawn.stop()
			return nil, err
		}
		kids[i] = c
	}
	p.warming.Add(len(kids))
	for _, c := range kids {
		p.wg.Add(1)
		go p.work(c)
	}
	go func() { p.warming.Wait(); close(p.warmed) }()
	return p, nil
}

// Warmed is closed once every child New started has made its warm-up
// derivation (Options.Warm), or at once if there is none; a derivation
// asked before then waits for a child to finish its own.
func (p *Pool) Warmed() <-chan struct{} { return p.warmed }

// Key derives keyLen bytes from password and salt at hp's costs in a child
// (an auth.KDF). It waits for a free child as long as ctx lets it; a
// caller who leaves while a child works on its request gets ctx's error at
// once, and the child's answer is dropped when it comes. A child that
// dies on a request is replaced and the request tried once more on the
// new one; a second death is an error.
func (p *Pool) Key(ctx context.Context, password, salt []byte, hp auth.HashParams, keyLen uint32) ([]byte, error) {
	c := &call{ctx: ctx, req: request{p: hp, keyLen: keyLen, password: password, salt: salt}, res: make(chan result, 1)}
	select {
	case p.reqs <- c:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.quit:
		return nil, ErrClosed
	}
	select {
	case r := <-c.res:
		return r.key, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// work serves calls on one child, replacing it when it dies, until the
// pool closes.
func (p *Pool) work(c *child) {
	defer p.wg.Done()
	defer func() {
		if c != nil {
			p.stop(c)
		}
	}()
	c = p.warm(c)
	p.warming.Done()
	for {
		var k *call
		select {
		case <-p.quit:
			return
		case k = <-p.reqs:
		}
		if err := k.ctx.Err(); err != nil {
			k.res <- result{err: err}
			continue
		}
		var r result
		r, c = p.derive(c, &k.req)
		k.res <- r
	}
}

// warm makes c's warm-up derivation, if the pool has one, and returns the
// child to go on with (see derive).
func (p *Pool) warm(c *child) *child {
	if p.opt.Warm == (auth.HashParams{}) {
		return c
	}
	// Any password and salt will do: the key is dropped. A child that dies
	// on it is replaced, as for a caller's request.
	_, c = p.derive(c, &request{p: p.opt.Warm, keyLen: 32, password: []byte("warm-up"), salt: []byte("warm-up-salt-000")})
	return c
}

// derive runs req on c, or on a new child if c is nil or dies on it, and
// returns the result and the child to go on with (nil if none could be
// started: the next call tries again).
func (p *Pool) derive(c *child, req *request) (result, *child) {
	var err error
	for try := 0; try < 2; try++ {
		if c == nil {
			if c, err = p.start(); err != nil {
				return result{err: err}, nil
			}
		}
		var key []byte
		key, err = c.derive(req)
		var refused *refusedError
		switch {
		case err == nil:
			return result{key: key}, c
		case errors.As(err, &refused):
			return result{err: err}, c // the child is fine: the request is not
		}
		p.kill(c) // dead, or out of step: never trusted again
		c = nil
		select {
		case <-p.quit:
			return result{err: err}, nil
		default:
		}
	}
	return result{err: fmt.Errorf("kdfproc: two children in a row ended on this request: %w", err)}, nil
}

// start starts a child and counts it among the running.
func (p *Pool) start() (*child, error) {
	c, err := p.spawn.start(p.opt)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.kids[c] = struct{}{}
	p.mu.Unlock()
	return c, nil
}

func (p *Pool) forget(c *child) {
	p.mu.Lock()
	delete(p.kids, c)
	p.mu.Unlock()
}

func (p *Pool) kill(c *child) {
	c.kill()
	p.forget(c)
}

func (p *Pool) stop(c *child) {
	c.stop(stopWithin)
	p.forget(c)
}

// Close ends the children: each finishes the request it is on (its caller
// gets the key), sees its input end and exits; one still there after
// stopWithin, and any child a stuck worker holds, is killed. Calls waiting
// for a child get ErrClosed. Close returns once every child has exited.
func (p *Pool) Close() error {
	p.close.Do(func() {
		close(p.quit)
		done := make(chan struct{})
		go func() { p.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(stopWithin + time.Second):
			p.mu.Lock()
			kids := make([]*child, 0, len(p.kids))
			for c := range p.kids {
				kids = append(kids, c)
			}
			p.mu.Unlock()
			for _, c := range kids {
				c.kill() // its worker sees the pipe break and returns
			}
			<-done
		}
		p.spawn.stop()
	})
	return nil
}
