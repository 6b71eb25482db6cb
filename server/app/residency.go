package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ResidencyEntry is a startup in a space's residency list, as its manager sees
// it: confirmed residents, founders' requests and the space's invitations.
type ResidencyEntry struct {
	StartupID string `json:"startupId"`
	Name      string `json:"name"`
	Status    string `json:"status"`    // draft or published
	Residency string `json:"residency"` // requested, invited, confirmed
	SpaceOwns bool   `json:"spaceOwns"` // a row of the space's own registry
}

// Residents lists everyone who asked, was invited or is confirmed in
// space id; its manager and admins only.
func (r *Registry) Residents(ctx context.Context, actor domain.Actor, spaceID string) ([]ResidencyEntry, error) {
	sp, err := managedSpace(ctx, r.store, actor, spaceID)
	if err != nil {
		return nil, err
	}
	out := []ResidencyEntry{}
	err = r.eachInSpace(ctx, spaceID, func(s *domain.Startup) error {
		out = append(out, ResidencyEntry{StartupID: s.ID, Name: s.Name, Status: s.Status, Residency: residencyOf(s), SpaceOwns: s.OwnerID == sp.OwnerID})
		return nil
	})
	return out, err
}

// residencyOf reads a startup's residency; rows a space imported before
// residency was two-sided are its own.
func residencyOf(s *domain.Startup) string {
	if s.Residency == "" && s.SpaceID != "" {
		return domain.ResidencyRequested
	}
	return s.Residency
}

func (r *Registry) eachInSpace(ctx context.Context, spaceID string, fn func(*domain.Startup) error) error {
	for page := 1; ; page++ {
		items, total, err := r.store.ListStartups(ctx, domain.StartupFilter{SpaceID: spaceID}, domain.Page{Page: page, PageSize: domain.MaxPageSize})
		if err != nil {
			return err
		}
		for i := range items {
			if err := fn(&items[i]); err != nil {
				return err
			}
		}
		if page*domain.MaxPageSize >= total {
			return nil
		}
	}
}

// AnswerResident is the space's side of residency (domain.Startup.SpaceAnswers):
// its manager confirms a founder's request or invites a startup (confirm),
// or declines a request, withdraws an invitation or ends a residency.
func (r *Registry) AnswerResident(ctx context.Context, actor domain.Actor, spaceID, startupID string, confirm bool) (*ResidencyEntry, error) {
	sp, err := managedSpace(ctx, r.store, actor, spaceID)
	if err != nil {
		return nil, err
	}
	s, err := r.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if s.Status != domain.StatusPublished && s.SpaceID != spaceID {
		return nil, domain.ErrNotFound // a draft elsewhere is its founder's business
	}
	prev := *s
	if err := s.SpaceAnswers(spaceID, confirm); err != nil {
		return nil, err
	}
	if err := r.save(ctx, s, &prev); err != nil {
		return nil, err
	}
	return &ResidencyEntry{StartupID: s.ID, Name: s.Name, Status: s.Status, Residency: s.Residency, SpaceOwns: s.OwnerID == sp.OwnerID}, nil
}

// AnswerSpace is the founder's answer to a space's invitation to reside.
func (r *Registry) AnswerSpace(ctx context.Context, actor domain.Actor, startupID string, accept bool) (*domain.Startup, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := r.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrNotFound
	}
	prev := *s
	if err := s.FounderAnswers(accept); err != nil {
		return nil, err
	}
	return s, r.save(ctx, s, &prev)
}

func (r *Registry) save(ctx context.Context, s, prev *domain.Startup) error {
	if s.SpaceID == prev.SpaceID && s.Residency == prev.Residency {
		return nil
	}
	s.UpdatedAt = r.now().UTC()
	if s.Residency == domain.ResidencyConfirmed && s.IncubatedSince == nil {
		t := s.UpdatedAt
		s.IncubatedSince = &t
	}
	if err := r.store.UpdateStartup(ctx, s, s.Version); err != nil {
		return err
	}
	return nil
}
