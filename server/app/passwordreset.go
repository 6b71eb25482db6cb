package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ResetStore stores password reset tokens by hash.
type ResetStore interface {
	SaveResetToken(ctx context.Context, t domain.ResetToken) error
	// UseResetToken marks a token used and returns it as it was: of
	// concurrent uses exactly one sees Used false.
	UseResetToken(ctx context.Context, hash string) (domain.ResetToken, error)
	DeleteResetTokensOf(ctx context.Context, userID string) error
	ResetToken(ctx context.Context, hash string) (domain.ResetToken, error)
}

// Mailer sends a plain-text mail (mail.Sender, with SMTP_URL).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Reset link lifetimes: an emailed link is used at once or not at all; a
// link an admin issues by hand travels through a person first.
const (
	ResetLinkTTL      = 30 * time.Minute
	AdminResetLinkTTL = 24 * time.Hour
)

// PasswordResets lets a user who forgot their password set a new one from
// a single-use link: sent by email when a mail sender is configured, or
// issued by an admin otherwise. Tokens are stored hashed and expire. It is
// safe for concurrent use.
type PasswordResets struct {
	accounts *Accounts
	store    ResetStore
	mail     Mailer // nil: no mail; admins issue links
	site     string // the web app's address, for the links mailed
	log      *slog.Logger
	now      func() time.Time
}

// NewPasswordResets returns the service; mail may be nil. site is the web
// app's public address (PUBLIC_URL): links are never built from a
// request's Host header, which anyone can set.
func NewPasswordResets(accounts *Accounts, store ResetStore, mail Mailer, site string, log *slog.Logger) *PasswordResets {
	return &PasswordResets{accounts: accounts, store: store, mail: mail, site: strings.TrimRight(site, "/"), log: log, now: time.Now}
}

// Delivery of reset links.
const (
	DeliverEmail = "email" // the link was sent to the address, if it has an account
	DeliverAdmin = "admin" // no mail here: ask an admin for a link
)

// ResetRequest is the answer to a reset request; it says nothing of
// whether the address has an account.
type ResetRequest struct {
	Delivery string `json:"delivery"`
}

func hashResetToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// issue stores a new token for u, ending the user's earlier links.
func (r *PasswordResets) issue(ctx context.Context, u *domain.User, ttl time.Duration, by string) (string, time.Time, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", time.Time{}, err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := r.store.DeleteResetTokensOf(ctx, u.ID); err != nil {
		return "", time.Time{}, err
	}
	now := r.now().UTC()
	t := domain.ResetToken{Hash: hashResetToken(token), UserID: u.ID, ExpiresAt: now.Add(ttl), CreatedAt: now, IssuedBy: by}
	if err := r.store.SaveResetToken(ctx, t); err != nil {
		return "", time.Time{}, err
	}
	return token, t.ExpiresAt, nil
}

// ResetPath is the web app's page for a token.
func ResetPath(token string) string { return "/reset?token=" + url.QueryEscape(token) }

// Request mails a reset link to email if an account has it. The answer is
// the same whether or not one does.
func (r *PasswordResets) Request(ctx context.Context, email string) (*ResetRequest, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	var v domain.Validator
	v.CheckCode(validEmail(email), "email", "invalid_email", "invalid email address")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if r.mail == nil {
		return &ResetRequest{Delivery: DeliverAdmin}, nil
	}
	u, err := r.accounts.users.UserByEmail(ctx, email)
	if domain.IsKind(err, domain.KindNotFound) || (err == nil && u.PasswordHash == "") {
		return &ResetRequest{Delivery: DeliverEmail}, nil // nothing to reset; say the same
	}
	if err != nil {
		return nil, err
	}
	token, _, err := r.issue(ctx, u, ResetLinkTTL, "")
	if err != nil {
		return nil, err
	}
	link := r.site + ResetPath(token)
	body := fmt.Sprintf("%s，你好：\n\n请在 30 分钟内打开下面的链接设置新密码（只能使用一次）：\n%s\n\n如果不是你本人申请，请忽略这封邮件，你的密码不会改变。\n\n"+
		"Hello %s,\n\nOpen this link within 30 minutes to set a new password (it works once):\n%s\n\nIf you did not ask for it, ignore this mail; your password stays as it is.\n\n越创汇 Yuechuang\n",
		u.Name, link, u.Name, link)
	// Sent in the background: the answer takes as long whether or not the
	// address has an account, and a slow mail server holds nobody up.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := r.mail.Send(ctx, u.Email, "越创汇：重置密码 / Reset your password", body); err != nil {
			r.log.Error("password reset mail not sent", "user", u.ID, "err", err)
			return
		}
		r.log.Info("password reset link sent", "user", u.ID)
	}()
	return &ResetRequest{Delivery: DeliverEmail}, nil
}

// AdminLink is a one-time reset link an admin hands to a user.
type AdminLink struct {
	Path      string    `json:"path"` // the web app's page with the token
	ExpiresAt time.Time `json:"expiresAt"`
	UserName  string    `json:"userName"`
}

// IssueLink makes a one-time reset link for the account email, as an admin.
func (r *PasswordResets) IssueLink(ctx context.Context, actor domain.Actor, email string) (*AdminLink, error) {
	if !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "admin_only", "admins only")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	var v domain.Validator
	v.CheckCode(validEmail(email), "email", "invalid_email", "invalid email address")
	if err := v.Err(); err != nil {
		return nil, err
	}
	u, err := r.accounts.users.UserByEmail(ctx, email)
	if domain.IsKind(err, domain.KindNotFound) {
		var v domain.Validator
		v.CheckCode(false, "email", "no_account", "no account has this email address")
		return nil, v.Err()
	}
	if err != nil {
		return nil, err
	}
	token, exp, err := r.issue(ctx, u, AdminResetLinkTTL, actor.UserID)
	if err != nil {
		return nil, err
	}
	r.log.InfoContext(ctx, "password reset link issued by an admin", "user", u.ID, "admin", actor.UserID)
	return &AdminLink{Path: ResetPath(token), ExpiresAt: exp, UserName: u.Name}, nil
}

// ResetInput sets a new password with a reset token.
type ResetInput struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Reset sets the password of the token's user, once: the token is spent,
// every session of the user ends, and a new one starts here.
func (r *PasswordResets) Reset(ctx context.Context, in ResetInput) (*Session, error) {
	var v domain.Validator
	v.CheckCode(in.Token != "" && len(in.Token) <= 100, "token", "required", "required")
	v.CheckCode(in.Password != "", "password", "required", "required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash := hashResetToken(in.Token)
	// Read first and check the new password, so that a password the policy
	// refuses does not spend the link; then spend it, once.
	t, err := r.store.ResetToken(ctx, hash)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.ErrResetInvalid
	}
	if err != nil {
		return nil, err
	}
	if t.Used {
		return nil, domain.ErrResetInvalid
	}
	if !r.now().Before(t.ExpiresAt) {
		return nil, domain.ErrResetExpired
	}
	u, err := r.accounts.users.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	checkPassword(&v, "password", in.Password, u.Email)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if t, err = r.store.UseResetToken(ctx, hash); domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.ErrResetInvalid // used and cleared meanwhile
	} else if err != nil {
		return nil, err
	}
	if t.Used {
		return nil, domain.ErrResetInvalid // used meanwhile
	}
	if u.PasswordHash, err = r.accounts.hasher.Hash(ctx, in.Password); err != nil {
		return nil, err
	}
	if err := r.accounts.endSessions(ctx, u, "password reset"); err != nil {
		return nil, err
	}
	if err := r.store.DeleteResetTokensOf(ctx, u.ID); err != nil {
		return nil, err
	}
	return r.accounts.startSession(ctx, u)
}
