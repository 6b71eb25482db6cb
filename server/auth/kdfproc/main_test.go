package kdfproc_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// The test binary is the pools' child (kdfproc.IsChild), as the server's
// binary is the server's. With testDir set, a child can misbehave on
// purpose (testMode): the first child of a test to see a request (it
// creates testDir/got, holding its pid) holds it forever ("hold", until
// killed) or until testDir/release exists ("pause"); the children after
// it behave. With testParent set, the binary is a parent instead: it
// opens a pool, writes its children's pids to testParent and waits to be
// killed.
const (
	testDir    = "KDFPROC_TEST_DIR"
	testMode   = "KDFPROC_TEST_MODE"
	testParent = "KDFPROC_TEST_PARENT"
)

func TestMain(m *testing.M) {
	if kdfproc.IsChild() {
		if dir := os.Getenv(testDir); dir != "" {
			os.Stdin = wrapStdin(dir, os.Getenv(testMode))
		}
		os.Exit(kdfproc.ServeChild())
	}
	if out := os.Getenv(testParent); out != "" {
		os.Exit(runParent(out))
	}
	os.Exit(m.Run())
}

// wrapStdin returns standard input, behind a pipe that passes it on after
// the first request's misbehaviour if this child is the first to get one.
func wrapStdin(dir, mode string) *os.File {
	in := os.Stdin
	r, w, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	go func() {
		defer w.Close()
		buf := make([]byte, 4096)
		first := true
		for {
			n, err := in.Read(buf)
			if n > 0 && first {
				first = false
				misbehave(dir, mode)
			}
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	return r
}

func misbehave(dir, mode string) {
	f, err := os.OpenFile(filepath.Join(dir, "got"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return // another child of this test went first
	}
	fmt.Fprint(f, os.Getpid())
	f.Close()
	switch mode {
	case "hold":
		for {
			time.Sleep(time.Hour) // until killed
		}
	case "pause":
		for !exists(filepath.Join(dir, "release")) {
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// runParent is the parent a test kills, or asks for a key: once out.ask
// exists it derives IDKey("pw", "salt-salt") at cheap costs and writes it
// in hex, or the error, to out.answer.
func runParent(out string) int {
	p, err := kdfproc.New(kdfproc.Options{Procs: 2})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	kids := children(os.Getpid())
	if err := writeAtomic(out, strings.Trim(fmt.Sprint(kids), "[]")); err != nil {
		return 1
	}
	for !exists(out + ".ask") {
		time.Sleep(5 * time.Millisecond) // until asked or killed
	}
	key, err := p.Key(context.Background(), []byte("pw"), []byte("salt-salt"), cheap, 32)
	answer := hex.EncodeToString(key)
	if err != nil {
		answer = "error: " + err.Error()
	}
	if err := writeAtomic(out+".answer", answer); err != nil {
		return 1
	}
	_ = p.Close()
	return 0
}

func writeAtomic(path, s string) error {
	if err := os.WriteFile(path+".tmp", []byte(s), 0o600); err != nil {
		return err
	}
	return os.Rename(path+".tmp", path)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// children returns the pids of the live (not zombie) processes whose
// parent is pid, from /proc.
func children(pid int) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state, err := procStat(c)
		if err == nil && ppid == pid && state != "Z" {
			out = append(out, c)
		}
	}
	return out
}

// alive reports whether pid is a process that has not exited (a zombie
// has).
func alive(pid int) bool {
	_, state, err := procStat(pid)
	return err == nil && state != "Z"
}

// procStat returns the parent and state of pid from /proc/pid/stat (the
// fields after the command's closing parenthesis).
func procStat(pid int) (ppid int, state string, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, "", err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, "", errors.New("no command in stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, "", io.ErrUnexpectedEOF
	}
	ppid, err = strconv.Atoi(f[1])
	return ppid, f[0], err
}

// waitFor polls cond until it holds; a watchdog, not a timed assertion: it
// fails the test only after a minute, when something is wrong for sure.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("still waiting after a minute: %s", what)
		}
	}
}
