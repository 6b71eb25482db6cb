package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
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

// lookUp is of without remembering the answer.
func (n *names) lookUp(userID, fallback string) string {
	if userID == "" {
		return fallback
	}
	if held, ok := n.people.(heldNames); ok {
		if inv := held.investorOfOwner(userID); inv != nil && inv.Name != "" {
			return inv.Name // the held profile itself: only its name is read
		}
	} else if inv, err := n.people.InvestorByOwner(n.ctx, userID); err == nil && inv.Name != "" {
		return inv.Name
	}
	if dn, ok := n.people.(displayNames); ok {
		if un, err := dn.UserName(n.ctx, userID); err == nil && un != "" {
			return un
		}
	} else if u, err := n.people.UserByID(n.ctx, userID); err == nil && u.Name != "" {
		return u.Name
	}
	return fallback
}

// lookUpAll returns the display names of people, each looked up once
// (the roadshow record's authors: 1,500 in a full room), with the name
// the log recorded as the fallback.
func (n *names) lookUpAll(people []roadshow.Author) []string {
	if held, ok := n.people.(heldNames); ok {
		return held.displayNames(n.ctx, people)
	}
	out := make([]string, len(people))
	for i, p := range people {
		out[i] = n.lookUp(p.UserID, p.Name)
	}
	return out
}

// heldNames is the read model as a source of names: the investor profiles
// it holds, read in place (a name is all that is needed of a profile, not
// a copy), and many names at once (ReadModel.displayNames).
type heldNames interface {
	investorOfOwner(userID string) *domain.Investor
	displayNames(ctx context.Context, people []roadshow.Author) []string
}

// manyUserNames is a database that names many accounts at once
// (mongo.DB.UserNames, from its book of names on the embedded engine).
type manyUserNames interface {
	UserNames(ctx context.Context, ids, names []string)
}

// displayNames is names.lookUp for each of people, with the read model's
// lock and the database's book taken once per batch of names, not twice
// per person.
func (rm *ReadModel) displayNames(ctx context.Context, people []roadshow.Author) []string {
	out := make([]string, len(people))
	ids := make([]string, len(people)) // those left to the accounts
	const batch = 256                  // people named per hold of the lock, so that writers wait little
	for at := 0; at < len(people); at += batch {
		rm.mu.RLock()
		for i := at; i < min(at+batch, len(people)); i++ {
			p := people[i]
			out[i] = p.Name
			if p.UserID == "" {
				continue
			}
			ids[i] = p.UserID
			if invID, ok := rm.ownerInv[p.UserID]; ok {
				if inv := rm.investors[invID]; inv != nil && inv.Name != "" {
					out[i], ids[i] = inv.Name, ""
				}
			}
		}
		rm.mu.RUnlock()
	}
	if book, ok := rm.Database.(manyUserNames); ok {
		book.UserNames(ctx, ids, out)
		return out
	}
	for i, id := range ids {
		if id == "" {
			continue
		}
		if name, err := rm.UserName(ctx, id); err == nil && name != "" {
			out[i] = name
		}
	}
	return out
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
