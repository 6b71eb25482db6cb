package app

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// ProviderStore stores providers and service requests
// (server/mongo/providers.go).
type ProviderStore interface {
	CreateProvider(ctx context.Context, p *domain.Provider) error
	UpdateProvider(ctx context.Context, p *domain.Provider, prev int) error
	EachProvider(ctx context.Context, fn func(domain.Provider) error) error
	CreateRequest(ctx context.Context, r *domain.ServiceRequest) error
	UpdateRequest(ctx context.Context, r *domain.ServiceRequest, prev int) error
	EachRequest(ctx context.Context, fn func(domain.ServiceRequest) error) error
}

// UserFinder finds an account by email (the city's IP assistance contact).
type UserFinder interface {
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
}

// Providers runs the directory of technology service providers and the
// requests founders send them, and IP-help requests to the city's IP
// assistance contact (provider_requests.go). It is safe for concurrent use.
type Providers struct {
	book  *ServiceBook
	users UserFinder
	// ipContact is the email of the city's IP assistance contact
	// (IP_HELP_EMAIL); empty: no IP help on this platform.
	ipContact string
	notify    Notify
	tax       *domain.Taxonomy
	now       func() time.Time
}

// NewProviders returns the provider service.
func NewProviders(book *ServiceBook, users UserFinder, ipContact string, notify Notify, tax *domain.Taxonomy) *Providers {
	return &Providers{book: book, users: users, ipContact: strings.ToLower(strings.TrimSpace(ipContact)), notify: notify, tax: tax, now: time.Now}
}

// ProviderInput is a provider profile as its owner edits it; Verified is
// the admin's alone.
type ProviderInput struct {
	Name        string   `json:"name"`
	Kinds       []string `json:"kinds"`
	SpaceIDs    []string `json:"spaceIds"`
	Description string   `json:"description"`
	Website     string   `json:"website"`
	Verified    *bool    `json:"verified,omitempty"`
}

func (svc *Providers) check(p *domain.Provider, in ProviderInput) error {
	var v domain.Validator
	p.Name, p.Description, p.Website = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description), strings.TrimSpace(in.Website)
	p.Kinds, p.SpaceIDs = orEmpty(in.Kinds), orEmpty(in.SpaceIDs)
	checkText(&v, "name", p.Name, maxName, true)
	checkText(&v, "description", p.Description, maxDescription, false)
	v.CheckCode(p.Website == "" || validURL(p.Website), "website", "invalid_url", "an http(s) URL")
	v.CheckCode(len(p.Kinds) > 0, "kinds", "required", "at least one kind of service")
	checkCodes(&v, "kinds", p.Kinds, func(k string) bool { return slices.Contains(domain.ServiceKinds, k) })
	checkCodes(&v, "spaceIds", p.SpaceIDs, func(id string) bool { _, ok := svc.book.rm.recipientByID(domain.RecipientSpace, id); return ok })
	return v.Err()
}

// Create stores the caller's provider profile, unverified; providers
// only, one each.
func (svc *Providers) Create(ctx context.Context, actor domain.Actor, in ProviderInput) (*domain.Provider, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleProvider {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only service providers have a provider profile")
	}
	now := svc.now().UTC()
	p := &domain.Provider{OwnerID: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := svc.check(p, in); err != nil {
		return nil, err
	}
	if err := svc.book.db.CreateProvider(ctx, p); err != nil {
		return nil, err
	}
	svc.book.storedProvider(p)
	return p, nil
}

// Update changes a provider profile: its owner the profile, an admin its
// verification.
func (svc *Providers) Update(ctx context.Context, actor domain.Actor, id string, in ProviderInput) (*domain.Provider, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	p, err := svc.book.provider(id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(p.OwnerID) {
		return nil, domain.ErrForbidden
	}
	if in.Verified != nil {
		if !actor.IsAdmin() {
			return nil, domain.CodedError(domain.KindForbidden, "admin_only", "only admins verify providers")
		}
		p.Verified = *in.Verified
	}
	if in.Name != "" || actor.UserID == p.OwnerID {
		if err := svc.check(p, in); err != nil {
			return nil, err
		}
	}
	p.UpdatedAt = svc.now().UTC()
	if err := svc.book.db.UpdateProvider(ctx, p, p.Version); err != nil {
		return nil, err
	}
	svc.book.storedProvider(p)
	return p, nil
}

// Get returns a provider; an unverified one only to its owner and admins.
func (svc *Providers) Get(_ context.Context, actor domain.Actor, id string) (*domain.Provider, error) {
	p, err := svc.book.provider(id)
	if err != nil {
		return nil, err
	}
	if !p.Verified && !actor.Owns(p.OwnerID) {
		return nil, domain.ErrNotFound
	}
	return p, nil
}

// Mine returns the caller's provider profile.
func (svc *Providers) Mine(_ context.Context, actor domain.Actor) (*domain.Provider, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	id := svc.book.providerOf(actor.UserID)
	if id == "" {
		return nil, domain.ErrNotFound
	}
	return svc.book.provider(id)
}

// ProviderFilter narrows the directory.
type ProviderFilter struct {
	Kind, SpaceID string
	Verified      *bool // admins only may ask for false
}

// List is the directory: verified providers of a kind and a space, by
// name (admins: the verification queue with Verified false).
func (svc *Providers) List(_ context.Context, actor domain.Actor, f ProviderFilter, p domain.Page) (*domain.List[domain.Provider], error) {
	var v domain.Validator
	v.CheckCode(f.Kind == "" || slices.Contains(domain.ServiceKinds, f.Kind), "kind", "invalid_choice", "an unknown kind of service")
	v.CheckCode(f.SpaceID == "" || domain.ValidID(f.SpaceID), "spaceId", "invalid_id", "malformed id")
	if err := v.Err(); err != nil {
		return nil, err
	}
	want := true
	if f.Verified != nil {
		if !*f.Verified && !actor.IsAdmin() {
			return nil, domain.CodedError(domain.KindForbidden, "admin_only", "only admins see unverified providers")
		}
		want = *f.Verified
	}
	items := []domain.Provider{}
	for _, pr := range svc.book.providerList() {
		if pr.Verified == want && (f.Kind == "" || slices.Contains(pr.Kinds, f.Kind)) && (f.SpaceID == "" || slices.Contains(pr.SpaceIDs, f.SpaceID)) {
			items = append(items, *pr)
		}
	}
	sort.Slice(items, func(i, j int) bool {
		return items[i].Name < items[j].Name || items[i].Name == items[j].Name && items[i].ID < items[j].ID
	})
	return page(items, p), nil
}
