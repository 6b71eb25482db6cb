package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
)

// UserStore stores accounts.
type UserStore interface {
	CreateUser(ctx context.Context, u *domain.User) error
	// ClaimEmail claims email for a new account, returning its id and
	// the claim's time; a taken email is a conflict (email_taken).
	ClaimEmail(ctx context.Context, email string) (id string, at time.Time, err error)
	// CreateClaimedUser writes the account whose email ClaimEmail
	// claimed for u.ID at at.
	CreateClaimedUser(ctx context.Context, u *domain.User, at time.Time) error
	// ReleaseEmail gives up id's claim on email, for a sign-up that
	// ends before it writes its account.
	ReleaseEmail(ctx context.Context, email, id string) error
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
	UserByID(ctx context.Context, id string) (*domain.User, error)
	UpdateUser(ctx context.Context, u *domain.User) error
}

// RefreshStore stores refresh tokens by hash.
type RefreshStore interface {
	SaveRefresh(ctx context.Context, t domain.RefreshToken) error
	DeleteRefresh(ctx context.Context, hash string) error
	UseRefresh(ctx context.Context, hash string) (t domain.RefreshToken, reused bool, err error)
	RefreshByHash(ctx context.Context, hash string) (domain.RefreshToken, error)
	// RevokeRefreshFamily marks family revoked until until (when its last
	// token has expired): its tokens stop working.
	RevokeRefreshFamily(ctx context.Context, family string, until time.Time) error
	RefreshFamilyRevoked(ctx context.Context, family string) (bool, error)
}

// passwordHasher is what Accounts asks of auth.Hasher.
type passwordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	Verify(ctx context.Context, encoded, password string) (bool, error)
}

// Accounts registers users and runs their sessions. It is safe for concurrent use.
type Accounts struct {
	users  UserStore
	tokens RefreshStore
	hasher passwordHasher
	signer *auth.Signer
	now    func() time.Time
	log    *slog.Logger
	// dummyHash is verified when an email is unknown, so a login takes as
	// long for a missing account as for a wrong password.
	dummyHash string
	// held is users when it holds every session version in memory (the
	// embedded engine); versions caches each user's SessionVersion for
	// Authenticate where it does not.
	held     heldVersions
	versions *versionCache
}

// NewAccounts returns an Accounts service.
func NewAccounts(users UserStore, tokens RefreshStore, hasher *auth.Hasher, signer *auth.Signer, log *slog.Logger) (*Accounts, error) {
	dummy, err := hasher.Hash(context.Background(), "dummy password for timing")
	if err != nil {
		return nil, err
	}
	held, _ := users.(heldVersions)
	return &Accounts{users: users, tokens: tokens, hasher: hasher, signer: signer, now: time.Now, log: log, dummyHash: dummy,
		held: held, versions: newVersionCache(versionTTL)}, nil
}

// Registration is what a new user submits.
type Registration struct {
	Email    string      `json:"email"`
	Password string      `json:"password"`
	Role     domain.Role `json:"role"`
	Name     string      `json:"name"`
}

// Tokens is a fresh pair of access and refresh tokens.
type Tokens struct {
	AccessToken  string `json:"accessToken"`
	RefreshToken string `json:"refreshToken"`
	// User is the signed-in user, on a refresh: a reloaded page learns who
	// it is from the refresh alone, without waiting for GET /me after it.
	User *domain.User `json:"user,omitempty"`
}

// Session is a signed-in user with their tokens.
type Session struct {
	User *domain.User `json:"user"`
	Tokens
}

var errBadCredentials = domain.CodedError(domain.KindUnauthorized, "invalid_credentials", "wrong email or password")

// passwordMessages words the password policy's codes for API clients; the
// web app has its own words for each code.
var passwordMessages = map[string]string{
	auth.PasswordTooShort: "password needs at least 10 characters",
	auth.PasswordTooLong:  "password too long",
	auth.PasswordIsEmail:  "password must not be the email address",
	auth.PasswordCommon:   "password is too common",
}

// checkPassword applies the password policy (auth.CheckPassword) for the
// account email, reporting a refusal under field with its stable code.
func checkPassword(v *domain.Validator, field, pw, email string) {
	code := auth.CheckPassword(pw, email)
	v.CheckCode(code == "", field, code, passwordMessages[code])
}

// Register creates a founder, investor or manager account and signs it in.
//
// The writes that do not need the password's hash (the email's claim and
// the session's refresh token: writeBeforeAccount) are made while the
// hash is computed, so that only the account's write waits for it: a
// sign-up costs the hash and one write, as a sign-in does. Invalid input
// writes nothing; a sign-up that fails after its claim removes what it
// wrote where it can (abandonSignUp). docs/STORAGE.md lists what each
// crash point leaves.
func (a *Accounts) Register(ctx context.Context, r Registration) (*Session, error) {
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
	r.Name = strings.TrimSpace(r.Name)
	var v domain.Validator
	v.CheckCode(validEmail(r.Email), "email", "invalid_email", "invalid email address")
	checkPassword(&v, "password", r.Password, r.Email)
	switch r.Role {
	case domain.RoleFounder, domain.RoleInvestor, domain.RoleManager, domain.RoleMentor, domain.RoleProvider:
	case domain.RoleAdmin:
		v.CheckCode(false, "role", "not_allowed", "admin accounts cannot be self-registered")
	default:
		v.CheckCode(false, "role", "invalid_choice", "role must be founder, investor or manager")
	}
	checkText(&v, "name", r.Name, maxName, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	u := &domain.User{Email: r.Email, Role: r.Role, Name: r.Name, CreatedAt: a.now().UTC()}
	early := make(chan signUpWrites, 1)
	go func() { early <- a.writeBeforeAccount(ctx, u.Email, u.Role) }()
	hash, hashErr := a.hasher.Hash(ctx, r.Password)
	w := <-early
	if !w.claimed && domain.IsKind(w.err, domain.KindConflict) {
		// email_taken: the claim wrote nothing. Answered after the hash,
		// as a sign-up that goes through is, so that probing emails by
		// signing up costs what signing up does.
		return nil, w.err
	}
	if err := cmp.Or(w.err, hashErr, ctx.Err()); err != nil {
		a.abandonSignUp(ctx, u.Email, w, true)
		return nil, err
	}
	u.ID, u.PasswordHash = w.id, hash
	if err := a.users.CreateClaimedUser(ctx, u, w.at); err != nil {
		// The account may be stored or not: its claim stays (taken over
		// after the grace if the account is not there).
		a.abandonSignUp(ctx, u.Email, w, false)
		return nil, err
	}
	a.log.InfoContext(ctx, "user registered", "user", u.ID, "role", u.Role)
	return &Session{User: u, Tokens: *w.tokens}, nil
}

// signUpWrites is what a sign-up wrote while its password hashed.
type signUpWrites struct {
	id string    // the new account's id, chosen by the claim
	at time.Time // the claim's time
	// claimed is set once the claim is stored; err is the first error.
	claimed bool
	err     error
	// refreshHash names the session's refresh token once its save was
	// tried (stored, or perhaps stored if err is set); tokens is the pair
	// once it is stored.
	refreshHash string
	tokens      *Tokens
}

// writeBeforeAccount makes the writes of a sign-up that do not need the
// password's hash, while it is computed: the email's claim, then the
// first session's refresh token, which names the account by the id the
// claim chose (a taken email writes no token). Neither lets anyone in
// before the account is written: the token's plaintext leaves this
// process only in Register's answer, after the account is stored, and an
// account id the claim chose is written by this sign-up or by none.
func (a *Accounts) writeBeforeAccount(ctx context.Context, email string, role domain.Role) (w signUpWrites) {
	if w.id, w.at, w.err = a.users.ClaimEmail(ctx, email); w.err != nil {
		return w
	}
	w.claimed = true
	family, _, err := auth.NewOpaqueToken()
	if err != nil {
		w.err = err
		return w
	}
	tokens, rt, err := a.mint(&domain.User{ID: w.id, Role: role}, family)
	if err != nil {
		w.err = err
		return w
	}
	w.refreshHash = rt.Hash
	if w.err = a.tokens.SaveRefresh(ctx, rt); w.err == nil {
		w.tokens = tokens
	}
	return w
}

// abandonSignUp removes what a sign-up that will not write its account
// (or did not manage to) wrote before it: the refresh token and, when
// release, the email's claim. Left behind (by a crash, or when these
// writes fail) neither does harm: the token can never be presented and
// goes with the expired tokens' sweep; the claim is taken over after the
// grace. So their failures are logged, not returned. They run even when
// ctx is cancelled, since leaving the claim would block the email for the
// grace.
func (a *Accounts) abandonSignUp(ctx context.Context, email string, w signUpWrites, release bool) {
	ctx = context.WithoutCancel(ctx)
	if w.refreshHash != "" {
		if err := a.tokens.DeleteRefresh(ctx, w.refreshHash); err != nil {
			a.log.WarnContext(ctx, "sign-up's token left for the sweep", "err", err)
		}
	}
	if release && w.id != "" {
		if err := a.users.ReleaseEmail(ctx, email, w.id); err != nil {
			a.log.WarnContext(ctx, "sign-up's email claim left for the grace", "err", err)
		}
	}
}

// Login checks email and password and starts a new session.
func (a *Accounts) Login(ctx context.Context, email, password string) (*Session, error) {
	var v domain.Validator
	v.CheckCode(email != "", "email", "required", "required")
	v.CheckCode(password != "", "password", "required", "required")
	v.CheckCode(len(password) <= 4*auth.MaxPassword, "password", "too_long", "password too long")
	if err := v.Err(); err != nil {
		return nil, err
	}
	u, err := a.users.UserByEmail(ctx, strings.TrimSpace(email))
	if domain.IsKind(err, domain.KindNotFound) {
		_, _ = a.hasher.Verify(ctx, a.dummyHash, password)
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	if u.PasswordHash == "" {
		_, _ = a.hasher.Verify(ctx, a.dummyHash, password)
		return nil, errBadCredentials
	}
	ok, err := a.hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", u.ID, err)
	}
	if !ok {
		return nil, errBadCredentials
	}
	return a.startSession(ctx, u)
}

// Me returns the caller's account.
func (a *Accounts) Me(ctx context.Context, actor domain.Actor) (*domain.User, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	return a.users.UserByID(ctx, actor.UserID)
}

// EnsureAdmin creates the admin account email, or resets its password, name
// and role if it exists. It is how admins come to be: never by registration.
func (a *Accounts) EnsureAdmin(ctx context.Context, email, password, name string) (*domain.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var v domain.Validator
	v.CheckCode(validEmail(email), "ADMIN_EMAIL", "invalid_email", "invalid email address")
	checkPassword(&v, "ADMIN_PASSWORD", password, email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if name == "" {
		name = "管理员"
	}
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	u, err := a.users.UserByEmail(ctx, email)
	switch {
	case domain.IsKind(err, domain.KindNotFound):
		u = &domain.User{Email: email, Role: domain.RoleAdmin, Name: name, PasswordHash: hash, CreatedAt: a.now().UTC()}
		return u, a.users.CreateUser(ctx, u)
	case err != nil:
		return nil, err
	}
	// A reset to another password ends every session of the account; the
	// same password on each start (ADMIN_PASSWORD) signs no one out.
	same, _ := a.hasher.Verify(ctx, u.PasswordHash, password)
	u.Role, u.PasswordHash, u.Name = domain.RoleAdmin, hash, name
	if same {
		return u, a.users.UpdateUser(ctx, u)
	}
	return u, a.endSessions(ctx, u, "password reset")
}
