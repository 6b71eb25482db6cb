package app

import (
	"context"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// SpaceStore stores maker spaces.
type SpaceStore interface {
	SpaceReader
	CreateSpace(ctx context.Context, s *domain.Space) error
	UpdateSpace(ctx context.Context, s *domain.Space, prevVersion int) error
	ListSpaces(ctx context.Context, f domain.SpaceFilter, p domain.Page) ([]domain.Space, int, error)
}

// ResidentLister lists the startups resident in a space.
type ResidentLister interface {
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
}

// Spaces manages maker spaces. It is safe for concurrent use.
type Spaces struct {
	store    SpaceStore
	startups ResidentLister
	tax      *domain.Taxonomy
	now      func() time.Time
}

// NewSpaces returns a Spaces service (the platform's store and startups are
// the ReadModel).
func NewSpaces(store SpaceStore, startups ResidentLister, tax *domain.Taxonomy) *Spaces {
	return &Spaces{store: store, startups: startups, tax: tax, now: time.Now}
}

// SpaceInput is a create or partial update of a maker space. Verified may
// be set by admins only.
type SpaceInput struct {
	Name        *string   `json:"name"`
	Level       *string   `json:"level"`
	Model       *string   `json:"model"`
	Services    *[]string `json:"services"`
	District    *string   `json:"district"`
	Districts   *[]string `json:"districts"`
	IsBase      *bool     `json:"isBase"`
	Address     *string   `json:"address"`
	Description *string   `json:"description"`
	Website     *string   `json:"website"`
	Verified    *bool     `json:"verified"`
}

func (svc *Spaces) apply(actor domain.Actor, s *domain.Space, in SpaceInput) error {
	if in.Verified != nil {
		if !actor.IsAdmin() {
			return errAdminField("verified")
		}
		s.Verified = *in.Verified
	}
	setIf(&s.Name, in.Name)
	setIf(&s.Level, in.Level)
	setIf(&s.Model, in.Model)
	setIf(&s.Services, in.Services)
	setIf(&s.District, in.District)
	setIf(&s.Districts, in.Districts)
	setIf(&s.IsBase, in.IsBase)
	setIf(&s.Address, in.Address)
	setIf(&s.Description, in.Description)
	setIf(&s.Website, in.Website)
	s.Name = strings.TrimSpace(s.Name)

	var v domain.Validator
	checkText(&v, "name", s.Name, maxName, true)
	v.CheckCode(contains(domain.SpaceLevels, s.Level), "level", "invalid_choice", "must be city, provincial or national")
	v.CheckCode(contains(domain.SpaceModels, s.Model), "model", "invalid_choice", "unknown model")
	checkCodes(&v, "services", s.Services, func(c string) bool { return contains(domain.SpaceServices, c) })
	v.CheckCode(svc.tax.HasDistrict(s.District), "district", "invalid_choice", "choose a district from the taxonomy")
	checkCodes(&v, "districts", s.Districts, svc.tax.HasDistrict)
	checkText(&v, "address", s.Address, maxShortText, false)
	checkText(&v, "description", s.Description, maxDescription, false)
	v.CheckCode(s.Website == "" || validURL(s.Website), "website", "invalid_url", "must be an http(s) URL")
	return v.Err()
}

// Create saves a new space managed by the caller.
func (svc *Spaces) Create(ctx context.Context, actor domain.Actor, in SpaceInput) (*domain.Space, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.Prepare(actor, in)
	if err != nil {
		return nil, err
	}
	if err := svc.store.CreateSpace(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Prepare builds a new space managed by actor from in and checks it as
// Create does, without storing it (the demo set's bulk load).
func (svc *Spaces) Prepare(actor domain.Actor, in SpaceInput) (*domain.Space, error) {
	if actor.Role != domain.RoleManager && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only space managers create spaces")
	}
	now := svc.now().UTC()
	s := &domain.Space{OwnerID: actor.UserID, CreatedAt: now, UpdatedAt: now, Services: []string{}, Districts: []string{}}
	if err := svc.apply(actor, s, in); err != nil {
		return nil, err
	}
	return s, nil
}

// SpaceDetail is a space with the published startups resident in it.
type SpaceDetail struct {
	*domain.Space
	Residents     []Resident `json:"residents"`
	ResidentCount int        `json:"residentCount"`
}

// Resident is the short form of a startup shown on its space's page.
type Resident struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	OneLiner string `json:"oneLiner"`
	Sector   string `json:"sector"`
	Stage    string `json:"stage"`
}

const maxResidentsShown = 50

// Get returns the space with id and its first published residents: those
// whose residency both sides confirmed (domain.Startup.ResidentSpace).
func (svc *Spaces) Get(ctx context.Context, id string) (*SpaceDetail, error) {
	s, err := svc.store.SpaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	items, total, err := svc.startups.ListStartups(ctx,
		domain.StartupFilter{SpaceID: id, Status: domain.StatusPublished, Residency: domain.ResidencyConfirmed},
		domain.Page{Page: 1, PageSize: maxResidentsShown})
	if err != nil {
		return nil, err
	}
	d := &SpaceDetail{Space: s, Residents: []Resident{}, ResidentCount: total}
	for _, st := range items {
		d.Residents = append(d.Residents, Resident{ID: st.ID, Name: st.Name, OneLiner: st.OneLiner, Sector: st.Sector, Stage: st.Stage})
	}
	return d, nil
}

// Update applies in; the managing owner or an admin may, only an admin verifies.
func (svc *Spaces) Update(ctx context.Context, actor domain.Actor, id string, in SpaceInput) (*domain.Space, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.store.SpaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrForbidden
	}
	if err := svc.apply(actor, s, in); err != nil {
		return nil, err
	}
	s.UpdatedAt = svc.now().UTC()
	if err := svc.store.UpdateSpace(ctx, s, s.Version); err != nil {
		return nil, err
	}
	return s, nil
}

// List returns one page of spaces.
func (svc *Spaces) List(ctx context.Context, f domain.SpaceFilter, p domain.Page) (*domain.List[domain.Space], error) {
	items, total, err := svc.store.ListSpaces(ctx, f, p)
	if err != nil {
		return nil, err
	}
	return &domain.List[domain.Space]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, nil
}
