package kdfproc_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

var cheap = auth.HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

// newPool opens a pool of n children of this test binary, closed when the
// test ends; env is added to the children's environment.
func newPool(t *testing.T, n int, env ...string) *kdfproc.Pool {
	t.Helper()
	p, err := kdfproc.New(kdfproc.Options{Procs: n, Env: env})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// wantKey checks key against argon2.IDKey in this process.
func wantKey(t *testing.T, key []byte, pw, salt string, p auth.HashParams, n uint32) {
	t.Helper()
	if want := argon2.IDKey([]byte(pw), []byte(salt), p.Time, p.MemoryKiB, p.Threads, n); !bytes.Equal(key, want) {
		t.Fatalf("key %x, want IDKey's %x", key, want)
	}
}

func TestKeysAreIDKeys(t *testing.T) {
	p := newPool(t, 2)
	for _, tc := range []struct {
		pw, salt string
		p        auth.HashParams
		n        uint32
	}{
		{"正确的密码 correct horse", "0123456789abcdef", cheap, 32},
		{"", "salt-salt-salt-s", cheap, 16},
		{"two lanes", "0123456789abcdef", auth.HashParams{MemoryKiB: 8 * 1024, Time: 2, Threads: 2}, 64},
		{"the server's cost", "fedcba9876543210", auth.DefaultHashParams, 32},
	} {
		key, err := p.Key(t.Context(), []byte(tc.pw), []byte(tc.salt), tc.p, tc.n)
		if err != nil {
			t.Fatal(err)
		}
		wantKey(t, key, tc.pw, tc.salt, tc.p, tc.n)
	}
}

// A hash made in a child verifies in this process and the other way round:
// the encoded hashes are interchangeable, so hashes stored before the
// children came still verify, and a tool hashing in process makes hashes
// the server accepts.
func TestHashesCrossTheProcessLine(t *testing.T) {
	ctx := t.Context()
	child := auth.NewHasherWith(cheap, newPool(t, 1).Key)
	here := auth.NewHasher(cheap)
	for _, pair := range [][2]*auth.Hasher{{child, here}, {here, child}} {
		enc, err := pair[0].Hash(ctx, "Kuaiji-Shan-2026!")
		if err != nil {
			t.Fatal(err)
		}
		for pw, want := range map[string]bool{"Kuaiji-Shan-2026!": true, "Kuaiji-Shan-2026?": false} {
			if ok, err := pair[1].Verify(ctx, enc, pw); err != nil || ok != want {
				t.Fatalf("Verify(%q) = %v, %v; want %v", pw, ok, err, want)
			}
		}
	}
}

func TestManyCallersFewChildren(t *testing.T) {
	p := newPool(t, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for i := range 4 {
				pw, salt := fmt.Sprintf("password %d/%d", g, i), fmt.Sprintf("salt-%02d-%02d-salt", g, i)
				key, err := p.Key(context.Background(), []byte(pw), []byte(salt), cheap, 32)
				if err == nil && !bytes.Equal(key, argon2.IDKey([]byte(pw), []byte(salt), 1, 1024, 1, 32)) {
					err = fmt.Errorf("%s: not IDKey's key", pw)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A request the child refuses is an error, and the child goes on.
func TestRefusedRequest(t *testing.T) {
	p := newPool(t, 1)
	before := children(os.Getpid())
	if _, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt"), auth.HashParams{MemoryKiB: 1024}, 32); err == nil {
		t.Fatal("t=0, p=0 gave a key")
	}
	key, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt"), cheap, 32)
	if err != nil {
		t.Fatal(err)
	}
	wantKey(t, key, "pw", "salt-salt", cheap, 32)
	if after := children(os.Getpid()); !slices.Equal(before, after) {
		t.Fatalf("children %v, then %v: a refusal replaced the child", before, after)
	}
}

// A child killed while it holds a request: the caller gets IDKey's key
// (from the replacement) or an error, never another key, and the pool
// goes on with a new child.
func TestChildKilledMidHash(t *testing.T) {
	dir := t.TempDir()
	p := newPool(t, 1, testDir+"="+dir, testMode+"=hold")
	type res struct {
		key []byte
		err error
	}
	done := make(chan res, 1)
	go func() {
		key, err := p.Key(context.Background(), []byte("pw"), []byte("salt-salt"), cheap, 32)
		done <- res{key, err}
	}()
	pid := gotPid(t, dir)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err == nil {
		wantKey(t, r.key, "pw", "salt-salt", cheap, 32)
	} else {
		t.Logf("the caller got an error: %v", r.err)
	}
	if alive(pid) {
		t.Fatalf("the killed child %d is still there", pid)
	}
	key, err := p.Key(t.Context(), []byte("next"), []byte("salt-salt"), cheap, 32)
	if err != nil {
		t.Fatal(err)
	}
	wantKey(t, key, "next", "salt-salt", cheap, 32)
	if kids := children(os.Getpid()); len(kids) != 1 || kids[0] == pid {
		t.Fatalf("children %v after %d was killed, want one new one", kids, pid)
	}
}

// A child killed between requests: the next request notices on the pipe
// and is answered by its replacement.
func TestChildKilledWhileIdle(t *testing.T) {
	p := newPool(t, 1)
	kids := children(os.Getpid())
	if len(kids) != 1 {
		t.Fatalf("children %v, want one", kids)
	}
	if err := syscall.Kill(kids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	key, err := p.Key(t.Context(), []byte("pw"), []byte("salt-salt"), cheap, 32)
	if err != nil {
		t.Fatal(err)
	}
	wantKey(t, key, "pw", "salt-salt", cheap, 32)
}

// gotPid waits for the misbehaving child to take its request and returns
// its pid.
func gotPid(t *testing.T, dir string) int {
	t.Helper()
	got := filepath.Join(dir, "got")
	waitFor(t, "a child to take the request", func() bool { b, _ := os.ReadFile(got); return len(b) > 0 })
	b, _ := os.ReadFile(got)
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}
