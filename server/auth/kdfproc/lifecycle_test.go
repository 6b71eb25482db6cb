package kdfproc_test

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

// A caller who leaves while its request waits for a child, or while a
// child works on it, gets its context's error at once; the child is not
// wedged by it, and the answer it was working on is not given to the
// next request.
func TestCancel(t *testing.T) {
	dir := t.TempDir()
	p := newPool(t, 1, testDir+"="+dir, testMode+"=pause")
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := p.Key(ctx, []byte("first"), []byte("salt-salt"), cheap, 32)
		first <- err
	}()
	pid := gotPid(t, dir) // the only child has the first request and pauses on it

	// Queued behind it: a cancelled context is answered without a child.
	queued, cancelQueued := context.WithCancel(context.Background())
	second := make(chan error, 1)
	go func() {
		_, err := p.Key(queued, []byte("second"), []byte("salt-salt"), cheap, 32)
		second <- err
	}()
	cancelQueued()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("queued and cancelled: %v, want context.Canceled", err)
	}
	// In flight: the caller is answered while the child still holds it.
	cancel()
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Fatalf("in flight and cancelled: %v, want context.Canceled", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "release"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	key, err := p.Key(t.Context(), []byte("third"), []byte("salt-salt"), cheap, 32)
	if err != nil {
		t.Fatal(err)
	}
	wantKey(t, key, "third", "salt-salt", cheap, 32) // not the first request's key
	if kids := children(os.Getpid()); len(kids) != 1 || kids[0] != pid {
		t.Fatalf("children %v, want the same child %d", kids, pid)
	}
}

func TestCloseLeavesNoChild(t *testing.T) {
	p, err := kdfproc.New(kdfproc.Options{Procs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt"), cheap, 32); err != nil {
		t.Fatal(err)
	}
	kids := children(os.Getpid())
	if len(kids) != 3 {
		t.Fatalf("children %v, want 3", kids)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range kids {
		if alive(pid) {
			t.Errorf("child %d still there after Close", pid)
		}
	}
	if kids := children(os.Getpid()); len(kids) != 0 {
		t.Errorf("children %v after Close", kids)
	}
	if _, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt"), cheap, 32); !errors.Is(err, kdfproc.ErrClosed) {
		t.Fatalf("Key after Close: %v, want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// A child that replaces a dead one is the running binary even after the
// file it was started from was replaced (a deploy over a running server):
// not the new file, which may be another version or, here, no server at
// all.
func TestChildAfterTheBinaryIsReplaced(t *testing.T) {
	dir := t.TempDir()
	bin, out := filepath.Join(dir, "server"), filepath.Join(dir, "kids")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, self, 0o700); err != nil {
		t.Fatal(err)
	}
	parent := exec.Command(bin)
	parent.Env = append(os.Environ(), testParent+"="+out)
	parent.Stderr = os.Stderr
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = parent.Process.Kill(); _ = parent.Wait() }()
	kids := parentKids(t, out)
	// The deploy: a new file where the binary was.
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 3\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, pid := range kids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(out+".ask", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the parent's answer", func() bool { return exists(out + ".answer") })
	b, err := os.ReadFile(out + ".answer")
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(string(b))
	if err != nil {
		t.Fatalf("the parent answered %q", b)
	}
	wantKey(t, key, "pw", "salt-salt", cheap, 32)
}

// parentKids waits for the parent to start its pool and returns its
// children.
func parentKids(t *testing.T, out string) []int {
	t.Helper()
	waitFor(t, "the parent to start its pool", func() bool { return exists(out) })
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for f := range strings.FieldsSeq(string(b)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		kids = append(kids, pid)
	}
	if len(kids) != 2 {
		t.Fatalf("the parent's children %v, want 2", kids)
	}
	return kids
}

// A parent killed outright (SIGKILL: no Close) takes its children with it.
func TestParentKilledChildrenExit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "kids")
	parent := exec.Command(os.Args[0])
	parent.Env = append(os.Environ(), testParent+"="+out)
	parent.Stderr = os.Stderr
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	kids := parentKids(t, out)
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	for _, pid := range kids {
		waitFor(t, "child "+strconv.Itoa(pid)+" to exit", func() bool { return !alive(pid) })
	}
}
