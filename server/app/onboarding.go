package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Onboarding tells a new user what to fill in or do next, and how complete
// their profile is, by the same checks the matching counts
// (domain.Startup.Checks, domain.Investor.Checks). It is safe for
// concurrent use.
type Onboarding struct {
	profiles OnboardingProfiles
	decks    interface {
		DeckOf(ctx context.Context, startupID string) (*domain.Deck, error)
	}
}

// OnboardingProfiles finds a user's profiles (the read model).
type OnboardingProfiles interface {
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
	InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error)
}

// NewOnboarding returns an Onboarding over the read model's profiles and
// the stored decks.
func NewOnboarding(profiles OnboardingProfiles, decks interface {
	DeckOf(ctx context.Context, startupID string) (*domain.Deck, error)
}) *Onboarding {
	return &Onboarding{profiles: profiles, decks: decks}
}

// Checklist is the caller's next steps: for a founder about one startup
// (the one asked for, else their latest), for an investor about their
// profile. Steps are in the order to do them; Completeness (0..1) is the
// share of the profile's checks done.
type Checklist struct {
	Role         string        `json:"role"`
	StartupID    string        `json:"startupId,omitempty"`
	Completeness float64       `json:"completeness"`
	Steps        []domain.Step `json:"steps"`
	Done         bool          `json:"done"` // every step done: the page may stop showing it
}

// For answers actor's checklist. Managers and admins have none here.
func (o *Onboarding) For(ctx context.Context, actor domain.Actor, startupID string) (*Checklist, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	c := &Checklist{Role: string(actor.Role), Steps: []domain.Step{}}
	switch actor.Role {
	case domain.RoleFounder:
		var s *domain.Startup
		if startupID != "" {
			st, err := o.profiles.StartupByID(ctx, startupID)
			if err != nil {
				return nil, err
			}
			if st.OwnerID != actor.UserID {
				return nil, domain.ErrNotFound
			}
			s = st
		} else {
			mine, _, err := o.profiles.ListStartups(ctx, domain.StartupFilter{OwnerID: actor.UserID}, domain.Page{Page: 1, PageSize: 1})
			if err != nil {
				return nil, err
			}
			if len(mine) > 0 {
				s = &mine[0]
			}
		}
		c.Steps = append(c.Steps, domain.Step{Code: "startup", Done: s != nil})
		if s == nil {
			c.Steps = append(c.Steps, domain.Step{Code: "deck"}, domain.Step{Code: "published"})
			break
		}
		c.StartupID, c.Completeness = s.ID, s.Completeness()
		c.Steps = append(c.Steps, s.Checks()...)
		_, err := o.decks.DeckOf(ctx, s.ID)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
		c.Steps = append(c.Steps, domain.Step{Code: "deck", Done: err == nil}, domain.Step{Code: "published", Done: s.Status == domain.StatusPublished})
	case domain.RoleInvestor:
		inv, err := o.profiles.InvestorByOwner(ctx, actor.UserID)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
		c.Steps = append(c.Steps, domain.Step{Code: "profile", Done: inv != nil})
		if inv == nil {
			c.Steps = append(c.Steps, domain.Step{Code: "verified"})
			break
		}
		c.Completeness = inv.Completeness()
		c.Steps = append(c.Steps, inv.Checks()...)
		c.Steps = append(c.Steps, domain.Step{Code: "verified", Done: inv.Verified})
	}
	c.Done = len(c.Steps) > 0
	for _, st := range c.Steps {
		c.Done = c.Done && st.Done
	}
	return c, nil
}
