package app

import (
	"context"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// StartupStore stores pitch profiles.
type StartupStore interface {
	CreateStartup(ctx context.Context, s *domain.Startup) error
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	UpdateStartup(ctx context.Context, s *domain.Startup, prevVersion int) error
	DeleteStartup(ctx context.Context, id string) error
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
	CountStartups(ctx context.Context, f domain.StartupFilter) (int, error)
}

// maxStartupsPerFounder bounds how many profiles one account may keep.
const maxStartupsPerFounder = 20

// Startups manages pitch profiles. It is safe for concurrent use.
type Startups struct {
	store     StartupStore
	investors InvestorReader
	spaces    SpaceReader
	tax       *domain.Taxonomy
	now       func() time.Time
}

// InvestorReader finds investor profiles.
type InvestorReader interface {
	InvestorByOwner(ctx context.Context, userID string) (*domain.Investor, error)
}

// SpaceReader finds maker spaces.
type SpaceReader interface {
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
}

// NewStartups returns a Startups service. The platform passes the
// ReadModel as store, investors and spaces: it answers reads from memory and
// carries every write to the database and on to its dependents.
func NewStartups(store StartupStore, investors InvestorReader, spaces SpaceReader, tax *domain.Taxonomy) *Startups {
	return &Startups{store: store, investors: investors, spaces: spaces, tax: tax, now: time.Now}
}

// StartupInput is a create or partial update of a pitch profile: nil fields
// are left as they are.
type StartupInput struct {
	Name           *string                `json:"name"`
	OneLiner       *string                `json:"oneLiner"`
	Description    *string                `json:"description"`
	Sector         *string                `json:"sector"`
	Stage          *string                `json:"stage"`
	AskWan         *float64               `json:"askWan"`
	District       *string                `json:"district"`
	SpaceID        *string                `json:"spaceId"`
	FoundedYear    *int                   `json:"foundedYear"`
	TeamSize       *int                   `json:"teamSize"`
	Team           *[]domain.TeamMember   `json:"team"`
	Traction       *string                `json:"traction"`
	Tags           *[]string              `json:"tags"`
	Links          *[]domain.Link         `json:"links"`
	InvestorsOnly  *domain.StartupPrivate `json:"investorsOnly"`
	HighTech       *bool                  `json:"highTech"`
	Graduated      *bool                  `json:"graduated"`
	IncubatedSince *time.Time             `json:"incubatedSince"`
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (in *StartupInput) apply(s *domain.Startup) {
	setIf(&s.Name, in.Name)
	setIf(&s.OneLiner, in.OneLiner)
	setIf(&s.Description, in.Description)
	setIf(&s.Sector, in.Sector)
	setIf(&s.Stage, in.Stage)
	setIf(&s.AskWan, in.AskWan)
	setIf(&s.District, in.District)
	prevSpace, prevResidency := s.SpaceID, s.Residency
	setIf(&s.SpaceID, in.SpaceID)
	if in.SpaceID != nil {
		s.FounderChoseSpace(prevSpace, prevResidency) // a request the space confirms
	}
	setIf(&s.FoundedYear, in.FoundedYear)
	setIf(&s.TeamSize, in.TeamSize)
	setIf(&s.Team, in.Team)
	setIf(&s.Traction, in.Traction)
	setIf(&s.Tags, in.Tags)
	setIf(&s.Links, in.Links)
	setIf(&s.HighTech, in.HighTech)
	setIf(&s.Graduated, in.Graduated)
	if in.IncubatedSince != nil {
		t := *in.IncubatedSince
		s.IncubatedSince = &t
	}
	if in.InvestorsOnly != nil {
		p := *in.InvestorsOnly
		s.Private = &p
	}
	s.Name = strings.TrimSpace(s.Name)
}

// validate checks a whole profile. A draft may leave the pitch text empty;
// publishing requires it (see checkPublishable).
func (svc *Startups) validate(ctx context.Context, s *domain.Startup) error {
	var v domain.Validator
	checkText(&v, "name", s.Name, maxName, true)
	checkText(&v, "oneLiner", s.OneLiner, maxOneLiner, false)
	checkText(&v, "description", s.Description, maxDescription, false)
	v.CheckCode(svc.tax.HasSector(s.Sector), "sector", "invalid_choice", "choose a sector from the taxonomy")
	v.CheckCode(svc.tax.HasStage(s.Stage), "stage", "invalid_choice", "choose a stage from the taxonomy")
	v.CheckCode(svc.tax.HasDistrict(s.District), "district", "invalid_choice", "choose a district from the taxonomy")
	v.CheckCode(s.AskWan >= 0 && s.AskWan <= maxAskWan, "askWan", "out_of_range", "askWan must be 0..1,000,000")
	year := svc.now().Year()
	v.CheckCode(s.FoundedYear == 0 || (s.FoundedYear >= 1900 && s.FoundedYear <= year), "foundedYear", "out_of_range", "invalid founding year")
	v.CheckCode(s.TeamSize >= 0 && s.TeamSize <= 100000, "teamSize", "out_of_range", "invalid team size")
	checkDate(&v, "incubatedSince", s.IncubatedSince, domain.EarliestDate, svc.now().AddDate(1, 0, 0))
	v.CheckCode(len(s.Team) <= maxListItems, "team", "too_many", "at most 20 members")
	for _, m := range s.Team {
		checkText(&v, "team.name", m.Name, maxName, true)
		checkText(&v, "team.role", m.Role, maxName, false)
		checkText(&v, "team.bio", m.Bio, maxShortText, false)
	}
	checkText(&v, "traction", s.Traction, maxShortText*2, false)
	v.CheckCode(len(s.Tags) <= maxListItems, "tags", "too_many", "at most 20 tags")
	for _, t := range s.Tags {
		checkText(&v, "tags", t, 20, true)
	}
	v.CheckCode(len(s.Links) <= 10, "links", "too_many", "at most 10 links")
	for _, l := range s.Links {
		checkText(&v, "links.label", l.Label, 40, true)
		v.CheckCode(validURL(l.URL), "links.url", "invalid_url", "must be an http(s) URL")
	}
	if p := s.Private; p != nil {
		v.CheckCode(p.RevenueWan >= 0 && p.RevenueWan <= maxAskWan*10, "investorsOnly.revenueWan", "out_of_range", "invalid amount")
		v.CheckCode(p.ValuationWan >= 0 && p.ValuationWan <= maxAskWan*100, "investorsOnly.valuationWan", "out_of_range", "invalid amount")
		checkText(&v, "investorsOnly.useOfFunds", p.UseOfFunds, maxShortText*2, false)
		checkText(&v, "investorsOnly.financials", p.Financials, maxDescription, false)
		checkText(&v, "investorsOnly.contactName", p.ContactName, maxName, false)
		checkText(&v, "investorsOnly.contactPhone", p.ContactPhone, 30, false)
	}
	if s.SpaceID != "" {
		if _, err := svc.spaces.SpaceByID(ctx, s.SpaceID); err != nil {
			if !domain.IsKind(err, domain.KindNotFound) && !domain.IsKind(err, domain.KindInvalid) {
				return err
			}
			v.CheckCode(false, "spaceId", "not_found", "no such maker space")
		}
	}
	return v.Err()
}

func checkPublishable(s *domain.Startup) error {
	var v domain.Validator
	v.CheckCode(strings.TrimSpace(s.OneLiner) != "", "oneLiner", "required", "add a one-liner before publishing")
	v.CheckCode(runes(strings.TrimSpace(s.Description)) >= 20, "description", "too_short", "add a description of at least 20 characters before publishing")
	v.CheckCode(s.AskWan > 0, "askWan", "required", "set the amount you ask before publishing")
	return v.Err()
}

// Create saves a new draft profile owned by the calling founder.
func (svc *Startups) Create(ctx context.Context, actor domain.Actor, in StartupInput) (*domain.Startup, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleFounder {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders create startup profiles")
	}
	n, err := svc.store.CountStartups(ctx, domain.StartupFilter{OwnerID: actor.UserID})
	if err != nil {
		return nil, err
	}
	if n >= maxStartupsPerFounder {
		return nil, domain.CodedError(domain.KindConflict, "limit_reached", "at most 20 startups per account")
	}
	s, err := svc.Prepare(ctx, actor, in, false)
	if err != nil {
		return nil, err
	}
	if err := svc.store.CreateStartup(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// Prepare builds a new profile owned by actor from in and checks it as
// Create does, without storing it; with publish it must also be fit to
// publish, and comes back published. The demo set's bulk load builds its
// profiles with it, so they obey the rules user input does.
func (svc *Startups) Prepare(ctx context.Context, actor domain.Actor, in StartupInput, publish bool) (*domain.Startup, error) {
	if actor.Role != domain.RoleFounder {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders create startup profiles")
	}
	now := svc.now().UTC()
	s := &domain.Startup{OwnerID: actor.UserID, Status: domain.StatusDraft, CreatedAt: now, UpdatedAt: now,
		Team: []domain.TeamMember{}, Tags: []string{}, Links: []domain.Link{}}
	in.apply(s)
	if err := svc.validate(ctx, s); err != nil {
		return nil, err
	}
	if publish {
		if err := checkPublishable(s); err != nil {
			return nil, err
		}
		s.Status, s.PublishedAt = domain.StatusPublished, &now
	}
	return s, nil
}

// Get returns the profile with id as actor may see it: drafts only to the
// owner and admins, the investors-only part only to them and verified investors.
func (svc *Startups) Get(ctx context.Context, actor domain.Actor, id string) (*domain.Startup, error) {
	s, err := svc.store.StartupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.Owns(s.OwnerID) {
		return s, nil
	}
	if s.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound // do not reveal that a draft exists
	}
	s.HideUnconfirmedResidency()
	ok, err := svc.seesPrivate(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.Private = nil
	}
	return s, nil
}

func (svc *Startups) seesPrivate(ctx context.Context, actor domain.Actor) (bool, error) {
	return verifiedInvestor(ctx, svc.investors, actor)
}

// verifiedInvestor reports whether actor is an investor whose profile an
// admin verified: they see investors-only parts and decks.
func verifiedInvestor(ctx context.Context, investors InvestorReader, actor domain.Actor) (bool, error) {
	if actor.Role != domain.RoleInvestor {
		return false, nil
	}
	inv, err := investors.InvestorByOwner(ctx, actor.UserID)
	if domain.IsKind(err, domain.KindNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return inv.Verified, nil
}

// managedSpace returns space id if actor manages it (or is an admin).
func managedSpace(ctx context.Context, spaces SpaceReader, actor domain.Actor, id string) (*domain.Space, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	sp, err := spaces.SpaceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(sp.OwnerID) {
		return nil, domain.ErrForbidden
	}
	return sp, nil
}

// owned loads the profile with id for a change by actor.
func (svc *Startups) owned(ctx context.Context, actor domain.Actor, id string) (*domain.Startup, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.store.StartupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		if s.Status != domain.StatusPublished {
			return nil, domain.ErrNotFound
		}
		return nil, domain.ErrForbidden
	}
	return s, nil
}

// Update applies in to the profile with id; only the owner or an admin may.
func (svc *Startups) Update(ctx context.Context, actor domain.Actor, id string, in StartupInput) (*domain.Startup, error) {
	s, err := svc.owned(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	in.apply(s)
	if err := svc.validate(ctx, s); err != nil {
		return nil, err
	}
	if s.Status == domain.StatusPublished {
		if err := checkPublishable(s); err != nil {
			return nil, err
		}
	}
	s.UpdatedAt = svc.now().UTC()
	if err := svc.store.UpdateStartup(ctx, s, s.Version); err != nil {
		return nil, err
	}
	return s, nil
}

// SetPublished publishes or withdraws the profile with id.
func (svc *Startups) SetPublished(ctx context.Context, actor domain.Actor, id string, publish bool) (*domain.Startup, error) {
	s, err := svc.owned(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := svc.now().UTC()
	if publish {
		if err := checkPublishable(s); err != nil {
			return nil, err
		}
		if s.Status != domain.StatusPublished {
			s.PublishedAt = &now
		}
		s.Status = domain.StatusPublished
	} else {
		s.Status = domain.StatusDraft
	}
	s.UpdatedAt = now
	if err := svc.store.UpdateStartup(ctx, s, s.Version); err != nil {
		return nil, err
	}
	return s, nil
}

// Delete removes the profile with id; only the owner or an admin may.
func (svc *Startups) Delete(ctx context.Context, actor domain.Actor, id string) error {
	if _, err := svc.owned(ctx, actor, id); err != nil {
		return err
	}
	return svc.store.DeleteStartup(ctx, id)
}

// StartupQuery is a list request. Mine lists the caller's own profiles,
// drafts included; otherwise only published profiles are listed.
type StartupQuery struct {
	domain.StartupFilter
	Mine bool
	Page domain.Page
}

// List returns one page of profiles. Lists never carry the investors-only
// part except on the caller's own profiles.
func (svc *Startups) List(ctx context.Context, actor domain.Actor, q StartupQuery) (*domain.List[domain.Startup], error) {
	f, err := listFilter(actor, q)
	if err != nil {
		return nil, err
	}
	items, total, err := svc.store.ListStartups(ctx, f, q.Page)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if items[i].OwnerID != actor.UserID {
			items[i].Private = nil
			items[i].HideUnconfirmedResidency()
		}
	}
	return &domain.List[domain.Startup]{Items: items, Total: total, Page: q.Page.Page, PageSize: q.Page.PageSize}, nil
}

// listFilter is the filter a list request asks the store for.
func listFilter(actor domain.Actor, q StartupQuery) (domain.StartupFilter, error) {
	f := q.StartupFilter
	f.OwnerID = ""
	if q.Mine {
		if actor.Anonymous() {
			return f, domain.ErrUnauthorized
		}
		f.OwnerID = actor.UserID // drafts too
	} else {
		f.Status = domain.StatusPublished
		if f.SpaceID != "" {
			f.Residency = domain.ResidencyConfirmed // a space's residents, as its page lists them
		}
	}
	return f, nil
}
