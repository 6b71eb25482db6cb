package kdfproc_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// A parent killed outright (SIGKILL: no Close) takes its children with it.
func TestParentKilledChildrenExit(t *testing.T) {
	out := filepath.Join(t.TempDir(), "kids")
	parent := exec.Command(os.Args[0])
	parent.Env = append(os.Environ(), testParent+"="+out)
	parent.Stderr = os.Stderr
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
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
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = parent.Wait()
	for _, pid := range kids {
		waitFor(t, "child "+strconv.Itoa(pid)+" to exit", func() bool { return !alive(pid) })
	}
}
