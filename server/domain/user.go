package domain

import (
	"context"
	"time"
)

// Role is what a user is on the platform.
type Role string

// Roles. Admins are never self-registered.
const (
	RoleFounder  Role = "founder"
	RoleInvestor Role = "investor"
	RoleManager  Role = "manager"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleFounder, RoleInvestor, RoleManager, RoleAdmin, RoleOfficer, RoleMentor, RoleProvider:
		return true
	}
	return false
}

// User is an account. PasswordHash is empty for accounts that cannot log in
// (such as owners of imported demo profiles).
type User struct {
	ID           string    `json:"id" bson:"_id"`
	Email        string    `json:"email" bson:"email"`
	Role         Role      `json:"role" bson:"role"`
	Name         string    `json:"name" bson:"name"`
	PasswordHash string    `json:"-" bson:"passwordHash"`
	CreatedAt    time.Time `json:"createdAt" bson:"createdAt"`
	// SessionVersion counts the times every session of the user was ended
	// (password change or reset, "sign out everywhere"). Tokens carry the
	// version they were issued under and die when it moves on.
	SessionVersion int `json:"-" bson:"sessionVersion,omitempty"`
	// Districts scope an officer's admin role (RoleOfficer).
	Districts []string `json:"districts,omitempty" bson:"districts,omitempty"`
}

// Actor is the authenticated caller of an operation. The zero Actor is anonymous.
type Actor struct {
	UserID string
	Role   Role
}

// Anonymous reports whether no user is signed in.
func (a Actor) Anonymous() bool { return a.UserID == "" }

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// Owns reports whether the actor may change something owned by ownerID.
func (a Actor) Owns(ownerID string) bool {
	return a.IsAdmin() || (a.UserID != "" && a.UserID == ownerID)
}

type actorKey struct{}

// WithActor returns a context carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the anonymous actor.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// RefreshToken is the stored form of a refresh token: only its hash is kept.
// Tokens issued by rotation share the Family of the login that started them.
type RefreshToken struct {
	Hash   string `bson:"_id"`
	UserID string `bson:"userId"`
	Family string `bson:"family"`
	Used   bool   `bson:"used"`
	// SessionVersion is the user's SessionVersion when the family started.
	SessionVersion int       `bson:"sessionVersion,omitempty"`
	ExpiresAt      time.Time `bson:"expiresAt"`
	CreatedAt      time.Time `bson:"createdAt"`
}
