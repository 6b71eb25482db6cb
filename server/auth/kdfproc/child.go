package kdfproc

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"

	"golang.org/x/crypto/argon2"

	"github.com/yuechuang/yuechuang/server/auth"
)

// ChildEnv is the environment variable (set to "1") that makes a process
// of this executable a key derivation child: the server's main() and the
// TestMain of a test binary that starts the platform check it first thing
// (IsChild) and then run ServeChild instead of anything else.
const ChildEnv = "YC_KDF_CHILD"

// IsChild reports whether this process was started as a Pool's child.
func IsChild() bool { return os.Getenv(ChildEnv) == "1" }

// ServeChild is a child's whole life: it derives keys for the requests on
// standard input and writes them to standard output until its input ends
// (the pool closed it, or the parent died), and returns the exit code.
func ServeChild() int {
	// A terminal's Ctrl-C or a supervisor's SIGTERM reaches the whole
	// process group; the parent may still be draining requests then, and
	// it ends its children itself, by closing their input.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	if err := Serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "yuechuang kdf child:", err)
		return 1
	}
	return 0
}

// Serve answers the requests read from r on w, one at a time, until r
// ends between two requests (nil) or a request cannot be read (an error:
// the pipe is out of step, and the parent replaces this child).
//
// The work is argon2.IDKey and nothing else. This process holds almost no
// heap of its own, so the collections IDKey's allocation brings about are
// cheap here, where in the server they mark a large heap.
//
// Serve manages this process's memory for that one allocation (it is
// meant to run alone in its process): see keepMemory.
func Serve(r io.Reader, w io.Writer) error {
	in := bufio.NewReader(r)
	out := bufio.NewWriter(w)
	var buf []byte
	mem := keepMemory()
	for {
		body, err := readFrame(in, buf)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		buf = body
		req, err := decodeRequest(body)
		if err != nil {
			return err
		}
		var answer []byte
		switch {
		// argon2 panics on these; the parent's auth refuses them before
		// asking, so seeing one is a caller's bug, not a reason to die.
		case req.p.Time < 1 || req.p.Threads < 1:
			answer = encodeAnswer(req.seq, statusRefused, []byte("time and threads must be at least 1"))
		case req.keyLen < 1 || req.keyLen > maxKeyLen:
			answer = encodeAnswer(req.seq, statusRefused, fmt.Appendf(nil, "key length %d", req.keyLen))
		default:
			mem.roomFor(req.p.MemoryKiB)
			key := argon2.IDKey(req.password, req.salt, req.p.Time, req.p.MemoryKiB, req.p.Threads, req.keyLen)
			answer = encodeAnswer(req.seq, statusKey, key)
			clear(key)
		}
		clear(body) // the password, which need not wait here for the next request to overwrite it
		if _, err := out.Write(answer); err != nil {
			return err
		}
		if err := out.Flush(); err != nil {
			return err
		}
		clear(answer)
		mem.collect()
	}
}

// memory keeps the pages of IDKey's work memory mapped from one request to
// the next. IDKey allocates its memory anew on every call; under the
// runtime's defaults a child's heap goal is a few MB, so the collector
// frees that memory after each call and the scavenger hands most of it
// back to the kernel, and the next call faults every page in again. A
// fresh page costs a fault each, which on a virtual machine is dear enough
// to add a large share to a hash (docs/bench/signup.md). So the collector
// runs after each answer, while no one waits (never by the pacer), and the
// scavenger's goal, which with GOGC off is the memory limit's, stays above
// what one derivation maps, so the freed pages stay for the next call.
type memory struct{ limit int64 }

// keepMemory turns the pacer off and sets a limit with room for the
// default cost's derivation.
func keepMemory() *memory {
	debug.SetGCPercent(-1)
	m := &memory{}
	m.roomFor(auth.DefaultHashParams.MemoryKiB)
	return m
}

// roomFor raises the memory limit, if need be, to twice a derivation of
// memKiB plus room for the runtime's own: with GOGC off the limit alone
// paces the collector, which below a derivation's need would collect over
// and over while it allocates.
func (m *memory) roomFor(memKiB uint32) {
	want := 2*int64(memKiB)<<10 + 32<<20
	if want > m.limit {
		m.limit = want
		debug.SetMemoryLimit(want)
	}
}

// collect frees the last derivation's memory for the next one to reuse.
func (m *memory) collect() { runtime.GC() }
