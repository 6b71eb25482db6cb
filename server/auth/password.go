// Package auth hashes passwords with argon2id and issues and verifies the
// platform's JWT access tokens and opaque refresh tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// HashParams are argon2id cost parameters.
type HashParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultHashParams follow the OWASP argon2id recommendation (19 MiB, t=2, p=1),
// which costs ~30 ms on this class of machine: slow for guessing, fast enough
// for a login.
var DefaultHashParams = HashParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

// KDF derives keyLen bytes from password and salt with argon2id at p's
// costs: argon2.IDKey, wherever it runs. It must give IDKey's bytes or an
// error, never other bytes, and should give up when ctx ends.
type KDF func(ctx context.Context, password, salt []byte, p HashParams, keyLen uint32) ([]byte, error)

// InProcess is the KDF that calls argon2.IDKey in this process. It is the
// default, for tests and tools; the server derives keys in child processes
// (server/auth/kdfproc) because IDKey allocates its memory (19 MiB at the
// default cost) on every call, and in a server with a large heap that pace
// of allocation brings costly garbage collections into sign-ups
// (docs/bench/signup.md).
func InProcess(ctx context.Context, password, salt []byte, p HashParams, keyLen uint32) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return argon2.IDKey(password, salt, p.Time, p.MemoryKiB, p.Threads, keyLen), nil
}

// Hasher hashes and checks passwords: the encoding, the salt and the
// parameters are its own, the key derivation its KDF's. It is safe for
// concurrent use.
type Hasher struct {
	p   HashParams
	kdf KDF
}

// NewHasher returns a Hasher with params p that derives keys in this
// process (InProcess).
func NewHasher(p HashParams) *Hasher { return &Hasher{p: p, kdf: InProcess} }

// NewHasherWith returns a Hasher with params p that derives keys with kdf.
func NewHasherWith(p HashParams, kdf KDF) *Hasher { return &Hasher{p: p, kdf: kdf} }

// keyLen is the length of the keys Hash makes.
const keyLen = 32

// maxKeyLen bounds the key length Verify asks the KDF for: a stored hash
// is ours, so its key is keyLen long, but one that says otherwise must not
// make the KDF produce megabytes.
const maxKeyLen = 1024

// Hash returns an encoded argon2id hash of password with a random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key, err := h.kdf(ctx, []byte(password), salt, h.p, keyLen)
	if err != nil {
		return "", fmt.Errorf("auth: hash: %w", err)
	}
	b64 := base64.RawStdEncoding.EncodeToString
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads, b64(salt), b64(key)), nil
}

// Verify reports whether password matches encoded. The parameters stored in
// encoded are used, so hashes made with older costs still verify.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("auth: not an argon2id hash")
	}
	var p HashParams
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("auth: hash params: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("auth: hash salt: %w", err)
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("auth: hash key: %w", err)
	}
	if p.Time < 1 || p.Threads < 1 {
		return false, fmt.Errorf("auth: hash params %s", parts[3]) // argon2 would panic
	}
	if len(want) == 0 || len(want) > maxKeyLen {
		return false, fmt.Errorf("auth: hash key of %d bytes", len(want))
	}
	got, err := h.kdf(ctx, []byte(password), salt, p, uint32(len(want)))
	if err != nil {
		return false, fmt.Errorf("auth: verify: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
