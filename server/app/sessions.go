package app

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
)

// Sessions. A sign-in starts a family of refresh tokens; each refresh
// rotates the token within its family. Every token, access or refresh,
// carries the user's SessionVersion at issue; raising the version (password
// change or reset, sign out everywhere) ends every session at once, access
// tokens included, without a list of them to walk.

func (a *Accounts) startSession(ctx context.Context, u *domain.User) (*Session, error) {
	family, _, err := auth.NewOpaqueToken()
	if err != nil {
		return nil, err
	}
	t, err := a.issue(ctx, u, family)
	if err != nil {
		return nil, err
	}
	return &Session{User: u, Tokens: *t}, nil
}

func (a *Accounts) issue(ctx context.Context, u *domain.User, family string) (*Tokens, error) {
	t, rt, err := a.mint(u, family)
	if err != nil {
		return nil, err
	}
	if err := a.tokens.SaveRefresh(ctx, rt); err != nil {
		return nil, err
	}
	return t, nil
}

// mint makes a pair of tokens for u in family and the refresh token's
// record to store, storing nothing: only the record (the token's hash)
// is ever stored, and the pair leaves this process only once it is.
func (a *Accounts) mint(u *domain.User, family string) (*Tokens, domain.RefreshToken, error) {
	access, err := a.signer.Sign(auth.Claims{UserID: u.ID, Role: string(u.Role), Session: u.SessionVersion})
	if err != nil {
		return nil, domain.RefreshToken{}, err
	}
	refresh, hash, err := auth.NewOpaqueToken()
	if err != nil {
		return nil, domain.RefreshToken{}, err
	}
	now := a.now().UTC()
	rt := domain.RefreshToken{Hash: hash, UserID: u.ID, Family: family, SessionVersion: u.SessionVersion,
		ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}
	return &Tokens{AccessToken: access, RefreshToken: refresh}, rt, nil
}

var errBadRefresh = domain.CodedError(domain.KindUnauthorized, "invalid_refresh_token", "session expired, sign in again")

// Refresh exchanges a refresh token for a new pair. The old token stops
// working; presenting it again revokes the whole family, since only a thief
// or a replay would, and that includes the token its first use returned,
// even while that first use is still in flight.
func (a *Accounts) Refresh(ctx context.Context, token string) (*Tokens, error) {
	if token == "" || len(token) > 200 {
		return nil, errBadRefresh
	}
	t, reused, err := a.tokens.UseRefresh(ctx, auth.HashToken(token))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	if reused {
		a.log.WarnContext(ctx, "refresh token reused; revoking session", "user", t.UserID)
		return nil, a.revokeFamily(ctx, t.Family)
	}
	if !a.now().Before(t.ExpiresAt) {
		return nil, errBadRefresh
	}
	u, err := a.users.UserByID(ctx, t.UserID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, errBadRefresh
	}
	if err != nil {
		return nil, err
	}
	if u.SessionVersion != t.SessionVersion {
		return nil, a.revokeFamily(ctx, t.Family)
	}
	out, err := a.issue(ctx, u, t.Family)
	if err != nil {
		return nil, err
	}
	// Check again now that the new token is stored, so that a rotation
	// that raced a revocation does not answer with tokens that will be
	// refused: a revocation marks the family (or raises the version), and
	// every later use of the new token finds that either way.
	revoked, err := a.tokens.RefreshFamilyRevoked(ctx, t.Family)
	if err != nil {
		return nil, err
	}
	if !revoked {
		v, found, err := a.sessionVersion(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		revoked = !found || v != u.SessionVersion
	}
	if revoked {
		return nil, a.revokeFamily(ctx, t.Family)
	}
	out.User = u
	return out, nil
}

// sessionVersion returns the account's session version as stored: from
// the store's memory where it holds one (no read), else read from the
// account. found is false when there is no such account.
func (a *Accounts) sessionVersion(ctx context.Context, id string) (v int, found bool, err error) {
	if a.held != nil {
		if v, found, held := a.held.HeldSessionVersion(id); held {
			return v, found, nil
		}
	}
	u, err := a.users.UserByID(ctx, id)
	if domain.IsKind(err, domain.KindNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return u.SessionVersion, true, nil
}

// revokeMargin is added to a revocation mark's life beyond its session's
// last token: a rotation in flight when the mark is written may save a
// token that expires a moment after the revocation's own clock says.
const revokeMargin = time.Hour

// revokeFamily ends one session and returns errBadRefresh, or the error
// that kept it from ending.
func (a *Accounts) revokeFamily(ctx context.Context, family string) error {
	if err := a.tokens.RevokeRefreshFamily(ctx, family, a.now().UTC().Add(auth.RefreshTokenTTL+revokeMargin)); err != nil {
		return err
	}
	return errBadRefresh
}

// Logout revokes the session that token belongs to. Unknown tokens are
// ignored so that logging out twice is harmless.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	if token == "" || len(token) > 200 {
		return nil
	}
	t, err := a.tokens.RefreshByHash(ctx, auth.HashToken(token))
	if domain.IsKind(err, domain.KindNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.revokeFamily(ctx, t.Family); err != errBadRefresh {
		return err
	}
	return nil
}

// LogoutAll ends every session of the caller, on every device, the one
// asking included.
func (a *Accounts) LogoutAll(ctx context.Context, actor domain.Actor) error {
	if actor.Anonymous() {
		return domain.ErrUnauthorized
	}
	u, err := a.users.UserByID(ctx, actor.UserID)
	if err != nil {
		return err
	}
	return a.endSessions(ctx, u, "signed out everywhere")
}

// PasswordChange is what a signed-in user submits to change a password.
type PasswordChange struct {
	OldPassword string `json:"oldPassword"`
	NewPassword string `json:"newPassword"`
}

// ChangePassword sets the caller's new password after checking the old
// one, ends every session, and starts a new one for the caller.
func (a *Accounts) ChangePassword(ctx context.Context, actor domain.Actor, in PasswordChange) (*Session, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	u, err := a.users.UserByID(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	var v domain.Validator
	v.CheckCode(in.OldPassword != "", "oldPassword", "required", "required")
	checkPassword(&v, "newPassword", in.NewPassword, u.Email)
	v.CheckCode(in.NewPassword != in.OldPassword, "newPassword", "password_unchanged", "the new password must differ from the old one")
	if err := v.Err(); err != nil {
		return nil, err
	}
	ok := false
	if u.PasswordHash != "" && len(in.OldPassword) <= 4*auth.MaxPassword {
		if ok, err = a.hasher.Verify(ctx, u.PasswordHash, in.OldPassword); err != nil {
			return nil, fmt.Errorf("change password %s: %w", u.ID, err)
		}
	} else {
		_, _ = a.hasher.Verify(ctx, a.dummyHash, in.OldPassword)
	}
	if !ok {
		v.CheckCode(false, "oldPassword", "password_wrong", "the current password is wrong")
		return nil, v.Err()
	}
	if u.PasswordHash, err = a.hasher.Hash(ctx, in.NewPassword); err != nil {
		return nil, err
	}
	if err := a.endSessions(ctx, u, "password changed"); err != nil {
		return nil, err
	}
	return a.startSession(ctx, u)
}

// endSessions raises u's session version and stores u (with any other
// change the caller made). That ends every session: an access token of an
// older version is refused by Authenticate, a refresh token's by Refresh,
// which then revokes its session (the sessions of a user are not listed,
// which saves every sign-in and refresh a synced write).
func (a *Accounts) endSessions(ctx context.Context, u *domain.User, why string) error {
	u.SessionVersion++
	if err := a.users.UpdateUser(ctx, u); err != nil {
		// The version may be stored or not: read it again next time.
		a.versions.forget(u.ID)
		return err
	}
	a.versions.setAt(u.ID, u.SessionVersion, a.now())
	a.log.InfoContext(ctx, "every session ended", "user", u.ID, "why", why)
	return nil
}

var errBadToken = domain.CodedError(domain.KindUnauthorized, "invalid_token", "access token invalid or expired")

// heldVersions is a user store that holds every account's session version
// in memory: mongo.DB on the embedded engine, where this process is the
// database's only writer, so what it holds is what is stored (held is
// false where it is not: on MongoDB, before the start-up load, after a
// write whose outcome is unknown).
type heldVersions interface {
	HeldSessionVersion(id string) (v int, found, held bool)
}

// Authenticate returns the actor an access token stands for. A token
// issued before the user's sessions were last ended is refused.
//
// The version is asked of the store's memory where it holds one (no
// read); else it is read from the account and trusted for versionTTL.
func (a *Accounts) Authenticate(ctx context.Context, token string) (domain.Actor, error) {
	c, err := a.signer.Verify(token)
	if err != nil {
		return domain.Actor{}, errBadToken
	}
	v, found, ok := 0, true, false
	if a.held != nil {
		v, found, ok = a.held.HeldSessionVersion(c.UserID)
	}
	if ok && !found {
		return domain.Actor{}, errBadToken
	}
	if !ok {
		v, ok = a.versions.get(c.UserID, a.now())
	}
	if !ok {
		u, err := a.users.UserByID(ctx, c.UserID)
		if domain.IsKind(err, domain.KindNotFound) {
			return domain.Actor{}, errBadToken
		}
		if err != nil {
			return domain.Actor{}, err
		}
		v = u.SessionVersion
		a.versions.setAt(u.ID, v, a.now())
	}
	if c.Session != v {
		return domain.Actor{}, errBadToken
	}
	return domain.Actor{UserID: c.UserID, Role: domain.Role(c.Role)}, nil
}

// versionTTL is how long Authenticate trusts a cached session version
// where the store holds none (MongoDB, which other processes write too).
// This process updates its cache as it ends sessions, at once; the time
// bounds how long another process serving the same database may lag.
const versionTTL = 30 * time.Second

// versionCacheMax bounds the cache; when full it starts over, which costs
// one lookup per active user.
const versionCacheMax = 200_000

// versionCache maps user ids to their session version, with the time each
// was read.
type versionCache struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]versionEntry
}

type versionEntry struct {
	v  int
	at time.Time
}

func newVersionCache(ttl time.Duration) *versionCache {
	return &versionCache{ttl: ttl, m: map[string]versionEntry{}}
}

func (c *versionCache) get(id string, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.Sub(e.at) > c.ttl {
		return 0, false
	}
	return e.v, true
}

func (c *versionCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

func (c *versionCache) setAt(id string, v int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= versionCacheMax {
		c.m = map[string]versionEntry{}
	}
	// Never step back: a lookup that read the old version may land after
	// an endSessions in this process.
	if e, ok := c.m[id]; ok && e.v > v {
		return
	}
	c.m[id] = versionEntry{v: v, at: now}
}
