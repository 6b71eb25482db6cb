package app

import (
	"context"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// InvestorStore stores investor profiles.
type InvestorStore interface {
	InvestorReader
	CreateInvestor(ctx context.Context, inv *domain.Investor) error
	InvestorByID(ctx context.Context, id string) (*domain.Investor, error)
	UpdateInvestor(ctx context.Context, inv *domain.Investor, prevVersion int) error
	ListInvestors(ctx context.Context, f domain.InvestorFilter, p domain.Page) ([]domain.Investor, int, error)
	// An investor's account bears their profile's name (names.go).
	SetUserName(ctx context.Context, id, name string) error
}

// Investors manages investor profiles. It is safe for concurrent use.
type Investors struct {
	store InvestorStore
	tax   *domain.Taxonomy
	now   func() time.Time
}

// NewInvestors returns an Investors service (the platform's store is the
// ReadModel).
func NewInvestors(store InvestorStore, tax *domain.Taxonomy) *Investors {
	return &Investors{store: store, tax: tax, now: time.Now}
}

// InvestorInput is a create or partial update of an investor profile.
// Verified may be set by admins only.
type InvestorInput struct {
	Name         *string   `json:"name"`
	Kind         *string   `json:"kind"`
	Organization *string   `json:"organization"`
	Title        *string   `json:"title"`
	Bio          *string   `json:"bio"`
	Sectors      *[]string `json:"sectors"`
	Stages       *[]string `json:"stages"`
	CheckMinWan  *float64  `json:"checkMinWan"`
	CheckMaxWan  *float64  `json:"checkMaxWan"`
	Districts    *[]string `json:"districts"`
	SpaceIDs     *[]string `json:"spaceIds"`
	AlertScore   *float64  `json:"alertScore"`
	// PublicInterest consents to the investor's interest being listed on
	// their page (InvestorActivity).
	PublicInterest *bool `json:"publicInterest"`
	Verified       *bool `json:"verified"`
}

// minAlertScore is the lowest fit an investor may ask to hear of: below the
// second band (sector or stage in the thesis) alerts would be noise.
const minAlertScore = 25

// errAdminField rejects a field only admins may set.
func errAdminField(field string) error {
	return &domain.Error{Kind: domain.KindForbidden, Code: "forbidden_field",
		Detail: "only an admin may set this field",
		Fields: []domain.FieldError{{Field: field, Code: "admin_only", Message: "admin only"}}}
}

func (svc *Investors) apply(actor domain.Actor, inv *domain.Investor, in InvestorInput) error {
	if in.Verified != nil {
		if !actor.IsAdmin() {
			return errAdminField("verified")
		}
		inv.Verified = *in.Verified
	}
	setIf(&inv.Name, in.Name)
	setIf(&inv.Kind, in.Kind)
	setIf(&inv.Organization, in.Organization)
	setIf(&inv.Title, in.Title)
	setIf(&inv.Bio, in.Bio)
	setIf(&inv.Sectors, in.Sectors)
	setIf(&inv.Stages, in.Stages)
	setIf(&inv.CheckMinWan, in.CheckMinWan)
	setIf(&inv.CheckMaxWan, in.CheckMaxWan)
	setIf(&inv.Districts, in.Districts)
	setIf(&inv.SpaceIDs, in.SpaceIDs)
	setIf(&inv.AlertScore, in.AlertScore)
	setIf(&inv.PublicInterest, in.PublicInterest)
	inv.Name = strings.TrimSpace(inv.Name)

	var v domain.Validator
	checkText(&v, "name", inv.Name, maxName, true)
	v.CheckCode(inv.Kind == domain.KindAngel || inv.Kind == domain.KindInstitution, "kind", "invalid_choice", "must be angel or institution")
	checkText(&v, "organization", inv.Organization, maxName, false)
	checkText(&v, "title", inv.Title, maxName, false)
	checkText(&v, "bio", inv.Bio, maxDescription, false)
	checkCodes(&v, "sectors", inv.Sectors, svc.tax.HasSector)
	checkCodes(&v, "stages", inv.Stages, svc.tax.HasStage)
	checkCodes(&v, "districts", inv.Districts, svc.tax.HasDistrict)
	checkCodes(&v, "spaceIds", inv.SpaceIDs, domain.ValidID)
	v.CheckCode(inv.CheckMinWan >= 0 && inv.CheckMinWan <= maxAskWan, "checkMinWan", "out_of_range", "must be 0..1,000,000")
	v.CheckCode(inv.CheckMaxWan >= 0 && inv.CheckMaxWan <= maxAskWan, "checkMaxWan", "out_of_range", "must be 0..1,000,000")
	v.CheckCode(inv.CheckMaxWan == 0 || inv.CheckMaxWan >= inv.CheckMinWan, "checkMaxWan", "below_minimum", "must not be below checkMinWan")
	v.CheckCode(inv.AlertScore == 0 || inv.AlertScore >= minAlertScore && inv.AlertScore <= 100, "alertScore", "out_of_range", "must be 0 (the default) or 25..100")
	return v.Err()
}

// Create saves the calling investor's profile; each investor has one.
func (svc *Investors) Create(ctx context.Context, actor domain.Actor, in InvestorInput) (*domain.Investor, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	inv, err := svc.Prepare(actor, in)
	if err != nil {
		return nil, err
	}
	if err := svc.store.CreateInvestor(ctx, inv); err != nil {
		return nil, err
	}
	if err := svc.nameAccount(ctx, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// nameAccount gives the investor's account the profile's name: one name
// per person (names.go). A profile without an account (made by a script
// for a user id alone) has none to name.
func (svc *Investors) nameAccount(ctx context.Context, inv *domain.Investor) error {
	if err := svc.store.SetUserName(ctx, inv.OwnerID, inv.Name); err != nil && !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	return nil
}

// Prepare builds a new profile owned by actor from in and checks it as
// Create does, without storing it (the demo set's bulk load).
func (svc *Investors) Prepare(actor domain.Actor, in InvestorInput) (*domain.Investor, error) {
	if actor.Role != domain.RoleInvestor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors create investor profiles")
	}
	now := svc.now().UTC()
	inv := &domain.Investor{OwnerID: actor.UserID, CreatedAt: now, UpdatedAt: now,
		Sectors: []string{}, Stages: []string{}, Districts: []string{}, SpaceIDs: []string{}}
	if err := svc.apply(actor, inv, in); err != nil {
		return nil, err
	}
	return inv, nil
}

// Get returns the investor profile with id; investor profiles are public.
func (svc *Investors) Get(ctx context.Context, id string) (*domain.Investor, error) {
	return svc.store.InvestorByID(ctx, id)
}

// Mine returns the calling investor's own profile.
func (svc *Investors) Mine(ctx context.Context, actor domain.Actor) (*domain.Investor, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	return svc.store.InvestorByOwner(ctx, actor.UserID)
}

// Update applies in; the owner or an admin may, and only an admin may verify.
func (svc *Investors) Update(ctx context.Context, actor domain.Actor, id string, in InvestorInput) (*domain.Investor, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	inv, err := svc.store.InvestorByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(inv.OwnerID) {
		return nil, domain.ErrForbidden
	}
	if err := svc.apply(actor, inv, in); err != nil {
		return nil, err
	}
	inv.UpdatedAt = svc.now().UTC()
	if err := svc.store.UpdateInvestor(ctx, inv, inv.Version); err != nil {
		return nil, err
	}
	if in.Name != nil {
		if err := svc.nameAccount(ctx, inv); err != nil {
			return nil, err
		}
	}
	return inv, nil
}

// List returns one page of investor profiles.
func (svc *Investors) List(ctx context.Context, f domain.InvestorFilter, p domain.Page) (*domain.List[domain.Investor], error) {
	f.OwnerID = ""
	items, total, err := svc.store.ListInvestors(ctx, f, p)
	if err != nil {
		return nil, err
	}
	return &domain.List[domain.Investor]{Items: items, Total: total, Page: p.Page, PageSize: p.PageSize}, nil
}
