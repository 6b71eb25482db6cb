package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token settings. Access tokens are short-lived because they cannot be
// revoked; refresh tokens rotate on every use and can be revoked.
const (
	Issuer          = "yuechuang"
	Audience        = "yuechuang-api"
	AccessTokenTTL  = 15 * time.Minute
	RefreshTokenTTL = 30 * 24 * time.Hour
)

// leeway is the clock skew allowed on a token's times.
const leeway = 5 * time.Second

// Claims are what an access token asserts.
type Claims struct {
	UserID string
	Role   string
	// Session is the user's session version when the token was issued; a
	// token whose version is not the user's current one is refused.
	Session int
}

type jwtClaims struct {
	Role    string `json:"role"`
	Session int    `json:"sv,omitempty"`
	jwt.RegisteredClaims
}

// Signer signs and verifies HS256 access tokens. It is safe for concurrent use.
type Signer struct {
	key    []byte
	now    func() time.Time
	parser *jwt.Parser

	// verified remembers tokens whose signature and claims were checked,
	// with their expiry: every API call presents its token, and parsing
	// and checking it again costs more than the busiest handlers' own work.
	// Only a token that passed Verify gets in, so the cache cannot admit
	// anything Verify would refuse before its expiry.
	mu       sync.RWMutex
	verified map[string]verifiedToken
}

type verifiedToken struct {
	claims  Claims
	expires time.Time
}

// verifiedMax bounds the verified-token cache; when full it starts over,
// which costs one full check per active token.
const verifiedMax = 50_000

// NewSigner returns a Signer using key, which must be at least 32 bytes.
// now may be nil for time.Now.
func NewSigner(key []byte, now func() time.Time) (*Signer, error) {
	if len(key) < 32 {
		return nil, errors.New("auth: signing key shorter than 32 bytes")
	}
	if now == nil {
		now = time.Now
	}
	// Pin the algorithm, issuer and audience, and require an expiry, so a
	// token signed with "none" or for another service is rejected.
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(now),
		jwt.WithLeeway(leeway),
	)
	return &Signer{key: key, now: now, parser: p, verified: map[string]verifiedToken{}}, nil
}

// Sign returns an access token for c valid for AccessTokenTTL.
func (s *Signer) Sign(c Claims) (string, error) {
	now := s.now()
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwtClaims{
		Role:    c.Role,
		Session: c.Session,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    Issuer,
			Subject:   c.UserID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenTTL)),
		},
	})
	signed, err := t.SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("auth: sign: %w", err)
	}
	return signed, nil
}

// Verify checks token and returns its claims.
func (s *Signer) Verify(token string) (Claims, error) {
	now := s.now()
	s.mu.RLock()
	v, ok := s.verified[token]
	s.mu.RUnlock()
	if ok && now.Before(v.expires.Add(leeway)) {
		return v.claims, nil
	}
	var jc jwtClaims
	if _, err := s.parser.ParseWithClaims(token, &jc, func(*jwt.Token) (any, error) { return s.key, nil }); err != nil {
		return Claims{}, fmt.Errorf("auth: verify: %w", err)
	}
	if jc.Subject == "" {
		return Claims{}, errors.New("auth: token has no subject")
	}
	c := Claims{UserID: jc.Subject, Role: jc.Role, Session: jc.Session}
	s.mu.Lock()
	if len(s.verified) >= verifiedMax {
		clear(s.verified)
	}
	s.verified[token] = verifiedToken{claims: c, expires: jc.ExpiresAt.Time}
	s.mu.Unlock()
	return c, nil
}

// NewOpaqueToken returns a random URL-safe token (refresh tokens, tickets)
// and the hash under which it is stored.
func NewOpaqueToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("auth: random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of an opaque token. Only hashes are
// stored, so a database leak does not leak usable tokens.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
