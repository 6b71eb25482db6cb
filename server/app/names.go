package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// One display name per person. An investor is shown everywhere (interest,
// intros, deck views and requests, the roadshow record, their page) by
// their investor profile's name, the name they chose to face founders
// with; anyone else by their account's name. Saving the profile gives the
// account the same name (Investors.Create and Update), so the two agree
// from then on; the read models below resolve names by user id when they
// answer, so a record kept from before, or under a name since changed,
// shows the one name too.

// People finds accounts and investor profiles by user id.
type People interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
	InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error)
}

// displayNames is what a source of people may offer to name someone
// without reading their whole account (ReadModel.UserName).
type displayNames interface {
	UserName(ctx context.Context, id string) (string, error)
}

// names resolves display names, each person once per answer.
type names struct {
	ctx    context.Context
	people People
	known  map[string]string
}

func newNames(ctx context.Context, people People) *names {
	return &names{ctx: ctx, people: people, known: map[string]string{}}
}

// peopleOf joins an account store and an investor reader into People.
func peopleOf(users interface {
	UserByID(ctx context.Context, id string) (*domain.User, error)
}, investors InvestorReader) People {
	return struct {
		userLookup
		InvestorReader
	}{userLookup{users}, investors}
}

type userLookup struct {
	users interface {
		UserByID(ctx context.Context, id string) (*domain.User, error)
	}
}

func (u userLookup) UserByID(ctx context.Context, id string) (*domain.User, error) {
	return u.users.UserByID(ctx, id)
}

// of returns userID's display name, or fallback (the name recorded at the
// time) if the person is gone or userID is empty (a signed-out guest).
func (n *names) of(userID, fallback string) string {
	if userID == "" {
		return fallback
	}
	if name, ok := n.known[userID]; ok {
		return name
	}
	name := n.lookUp(userID, fallback)
	n.known[userID] = name
	return name
}

// lookUp is of without remembering the answer, for a caller that asks
// about each person once (the roadshow record's authors).
func (n *names) lookUp(userID, fallback string) string {
	if userID == "" {
		return fallback
	}
	name := fallback
	if inv, err := n.people.InvestorByOwner(n.ctx, userID); err == nil && inv.Name != "" {
		name = inv.Name
	} else if dn, ok := n.people.(displayNames); ok {
		if un, err := dn.UserName(n.ctx, userID); err == nil && un != "" {
			name = un
		}
	} else if u, err := n.people.UserByID(n.ctx, userID); err == nil && u.Name != "" {
		name = u.Name
	}
	return name
}

// NamesVersion identifies the display names this process answers from
// memory: it moves with every change to an account's name in the name
// book and to an investor profile. Names found with one version are the
// names of that version (a reader takes the version before looking them
// up, so a change meanwhile moves it past what was found).
type NamesVersion struct{ Users, Investors uint64 }

// namesVersioned is a store whose account names have a NamesVersion
// (mongo.DB on the embedded engine).
type namesVersioned interface {
	NamesVersion() (uint64, bool)
}

// NamesVersion returns the display names' version, and false when names
// are read from the database, which another process may change (MongoDB),
// or before the account names are in memory.
func (rm *ReadModel) NamesVersion() (NamesVersion, bool) {
	nv, ok := rm.Database.(namesVersioned)
	if !ok {
		return NamesVersion{}, false
	}
	users, ok := nv.NamesVersion()
	if !ok {
		return NamesVersion{}, false
	}
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	return NamesVersion{Users: users, Investors: rm.investorGen}, true
}
