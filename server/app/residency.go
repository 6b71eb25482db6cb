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

// eachInSpace calls fn for every startup in space spaceID, newest first.
func (r *Registry) eachInSpace(ctx context.Context, spaceID string, fn func(*domain.Startup) error) error {
	all, err := r.all(ctx, domain.StartupFilter{SpaceID: spaceID})
	if err != nil {
		return err
	}
	for i := range all {
		if err := fn(&all[i]); err != nil {
			return err
		}
	}
	return nil
}

// all returns every startup matching f, newest first, read a page at a time.
func (r *Registry) all(ctx context.Context, f domain.StartupFilter) ([]domain.Startup, error) {
	var all []domain.Startup
	for page := 1; ; page++ {
		items, total, err := r.store.ListStartups(ctx, f, domain.Page{Page: page, PageSize: domain.MaxPageSize})
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = items // most often the only page
		} else {
			all = append(all, items...)
		}
		if page*domain.MaxPageSize >= total {
			return all, nil
		}
	}
}

// eachListed calls fn, newest first, for every startup space sp's registry
// lists (domain.RegistryLists): the space's own rows and its confirmed,
// published residents, read as those two lists, so that the founders'
// drafts and unconfirmed requests in the space are not even read.
func (r *Registry) eachListed(ctx context.Context, sp *domain.Space, fn func(*domain.Startup) error) error {
	var own []domain.Startup
	if sp.OwnerID != "" { // an empty owner would ask for no filter
		var err error
		if own, err = r.all(ctx, domain.StartupFilter{SpaceID: sp.ID, OwnerID: sp.OwnerID}); err != nil {
			return err
		}
	}
	residents, err := r.all(ctx, domain.StartupFilter{SpaceID: sp.ID, Status: domain.StatusPublished, Residency: domain.ResidencyConfirmed})
	if err != nil {
		return err
	}
	for len(own) > 0 || len(residents) > 0 {
		var s *domain.Startup
		if len(residents) == 0 || len(own) > 0 && newer(&own[0], &residents[0]) {
			s, own = &own[0], own[1:]
		} else if s, residents = &residents[0], residents[1:]; s.OwnerID == sp.OwnerID {
			continue // one of the space's own, listed from own
		}
		if !domain.RegistryLists(s, sp) {
			continue // not the space's to hand out (a store that answered more than it was asked)
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return nil
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
