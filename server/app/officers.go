package app

import (
	"context"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
)

// OfficerInput is a district officer's account as an admin creates it.
type OfficerInput struct {
	Email     string   `json:"email"`
	Name      string   `json:"name"`
	Password  string   `json:"password"`
	Districts []string `json:"districts"`
}

// CreateOfficer creates a district officer: an account with the admin
// role's ledger powers scoped to districts (domain.RoleOfficer). Admins
// only; officers are never self-registered.
func (a *Accounts) CreateOfficer(ctx context.Context, actor domain.Actor, tax *domain.Taxonomy, in OfficerInput) (*domain.User, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if !actor.IsAdmin() {
		return nil, domain.ErrForbidden
	}
	in.Email, in.Name = strings.ToLower(strings.TrimSpace(in.Email)), strings.TrimSpace(in.Name)
	var v domain.Validator
	v.CheckCode(validEmail(in.Email), "email", "invalid_email", "invalid email address")
	checkPassword(&v, "password", in.Password, in.Email)
	checkText(&v, "name", in.Name, maxName, true)
	v.CheckCode(len(in.Districts) > 0, "districts", "required", "at least one district")
	checkCodes(&v, "districts", in.Districts, tax.HasDistrict)
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := a.hasher.Hash(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &domain.User{Email: in.Email, Role: domain.RoleOfficer, Name: in.Name, PasswordHash: hash, CreatedAt: a.now().UTC(), Districts: in.Districts}
	if err := a.users.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	a.log.InfoContext(ctx, "district officer created", "user", u.ID, "by", actor.UserID, "districts", in.Districts)
	return u, nil
}
