package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// One display name per person: a person is shown everywhere (interest,
// intros, deck views and requests, the roadshow record, the investor's
// page) by their account's name. An investor's profile name is kept equal
// to it (Investors.Create and Update set the account's name); the read
// models below resolve names by user id when they answer, so a name that
// changed, or a record kept from before the two were one, shows the same.

// UserReader finds accounts.
type UserReader interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
}

// names resolves display names, each person once per answer.
type names struct {
	ctx   context.Context
	users UserReader
	known map[string]string
}

func newNames(ctx context.Context, users UserReader) *names {
	return &names{ctx: ctx, users: users, known: map[string]string{}}
}

// of returns userID's display name, or fallback (the name recorded at the
// time) if the account is gone or userID is empty (a signed-out guest).
func (n *names) of(userID, fallback string) string {
	if userID == "" {
		return fallback
	}
	if name, ok := n.known[userID]; ok {
		return name
	}
	name := fallback
	if u, err := n.users.UserByID(n.ctx, userID); err == nil && u.Name != "" {
		name = u.Name
	}
	n.known[userID] = name
	return name
}
