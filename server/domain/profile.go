package domain

import "time"

// Startup statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// TeamMember is one person on a startup's team.
type TeamMember struct {
	Name string `json:"name" bson:"name"`
	Role string `json:"role" bson:"role"`
	Bio  string `json:"bio,omitempty" bson:"bio,omitempty"`
}

// Link is a labelled URL (website, demo video, app store page).
type Link struct {
	Label string `json:"label" bson:"label"`
	URL   string `json:"url" bson:"url"`
}

// StartupPrivate is the investors-only part of a pitch profile: shown to the
// owner, admins and verified investors, never indexed for public search.
type StartupPrivate struct {
	RevenueWan   float64 `json:"revenueWan" bson:"revenueWan"`
	ValuationWan float64 `json:"valuationWan" bson:"valuationWan"`
	UseOfFunds   string  `json:"useOfFunds" bson:"useOfFunds"`
	Financials   string  `json:"financials" bson:"financials"`
	ContactName  string  `json:"contactName" bson:"contactName"`
	ContactPhone string  `json:"contactPhone" bson:"contactPhone"`
}

// Startup is a founder's pitch profile.
type Startup struct {
	ID          string          `json:"id" bson:"_id"`
	OwnerID     string          `json:"ownerId" bson:"ownerId"`
	Name        string          `json:"name" bson:"name"`
	OneLiner    string          `json:"oneLiner" bson:"oneLiner"`
	Description string          `json:"description" bson:"description"`
	Sector      string          `json:"sector" bson:"sector"`
	Stage       string          `json:"stage" bson:"stage"`
	AskWan      float64         `json:"askWan" bson:"askWan"`
	District    string          `json:"district" bson:"district"`
	SpaceID     string          `json:"spaceId" bson:"spaceId"`
	FoundedYear int             `json:"foundedYear" bson:"foundedYear"`
	TeamSize    int             `json:"teamSize" bson:"teamSize"`
	Team        []TeamMember    `json:"team" bson:"team"`
	Traction    string          `json:"traction" bson:"traction"`
	Tags        []string        `json:"tags" bson:"tags"`
	Links       []Link          `json:"links" bson:"links"`
	Status      string          `json:"status" bson:"status"`
	Private     *StartupPrivate `json:"investorsOnly,omitempty" bson:"private"`
	// Facts the program's figures count.
	// Residency in SpaceID: requested, invited or confirmed (FounderChoseSpace).
	Residency      string     `json:"residency,omitempty" bson:"residency,omitempty"`
	HighTech       bool       `json:"highTech" bson:"highTech"`   // certified high-tech enterprise (高新技术企业)
	Graduated      bool       `json:"graduated" bson:"graduated"` // left incubation
	IncubatedSince *time.Time `json:"incubatedSince,omitempty" bson:"incubatedSince,omitempty"`
	Version        int        `json:"version" bson:"version"`
	CreatedAt      time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt" bson:"updatedAt"`
	PublishedAt    *time.Time `json:"publishedAt,omitempty" bson:"publishedAt,omitempty"`
}

// Investor kinds.
const (
	KindAngel       = "angel"
	KindInstitution = "institution"
)

// Investor is an angel's or an institution's profile and thesis.
type Investor struct {
	ID           string   `json:"id" bson:"_id"`
	OwnerID      string   `json:"ownerId" bson:"ownerId"`
	Name         string   `json:"name" bson:"name"`
	Kind         string   `json:"kind" bson:"kind"`
	Organization string   `json:"organization" bson:"organization"`
	Title        string   `json:"title" bson:"title"`
	Bio          string   `json:"bio" bson:"bio"`
	Sectors      []string `json:"sectors" bson:"sectors"`
	Stages       []string `json:"stages" bson:"stages"`
	CheckMinWan  float64  `json:"checkMinWan" bson:"checkMinWan"`
	CheckMaxWan  float64  `json:"checkMaxWan" bson:"checkMaxWan"`
	Districts    []string `json:"districts" bson:"districts"`
	SpaceIDs     []string `json:"spaceIds" bson:"spaceIds"` // maker spaces the investor works with
	// AlertScore is the fit from which the investor hears of a newly
	// published startup; zero means the default, the top band.
	AlertScore float64 `json:"alertScore" bson:"alertScore"`
	// PublicInterest is the investor's consent to list the startups they
	// are interested in on their public page.
	PublicInterest bool      `json:"publicInterest" bson:"publicInterest"`
	Verified       bool      `json:"verified" bson:"verified"`
	Version        int       `json:"version" bson:"version"`
	CreatedAt      time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt" bson:"updatedAt"`
}

// Space levels, models and services, as fixed by the public contract.
var (
	SpaceLevels   = []string{"city", "provincial", "national"}
	SpaceModels   = []string{"investment", "training", "services", "incubation", "comprehensive"}
	SpaceServices = []string{"incubationTeam", "financing", "mentoring", "techServices"}
)

// Space is a maker space (众创空间) or, with IsBase, a maker base (创客基地).
type Space struct {
	ID          string    `json:"id" bson:"_id"`
	OwnerID     string    `json:"ownerId" bson:"ownerId"`
	Name        string    `json:"name" bson:"name"`
	Level       string    `json:"level" bson:"level"`
	Model       string    `json:"model" bson:"model"`
	Services    []string  `json:"services" bson:"services"`
	District    string    `json:"district" bson:"district"`
	Districts   []string  `json:"districts" bson:"districts"`
	IsBase      bool      `json:"isBase" bson:"isBase"`
	Address     string    `json:"address" bson:"address"`
	Description string    `json:"description" bson:"description"`
	Website     string    `json:"website" bson:"website"`
	Verified    bool      `json:"verified" bson:"verified"`
	Version     int       `json:"version" bson:"version"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt" bson:"updatedAt"`
}

// StartupFilter selects startups; empty fields match everything.
type StartupFilter struct {
	Sector, Stage, District, SpaceID, OwnerID, Status string
	Residency                                         string // in SpaceID: requested, invited or confirmed
}

// InvestorFilter selects investors; empty fields match everything.
type InvestorFilter struct {
	Sector, Stage, District, Kind, OwnerID string
	Verified                               *bool
}

// SpaceFilter selects spaces; empty fields match everything.
type SpaceFilter struct {
	Level, Model, District, OwnerID string
}

// Paging limits.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Page is a 1-based page request.
type Page struct{ Page, PageSize int }

// Skip returns the number of items before the page.
func (p Page) Skip() int { return (p.Page - 1) * p.PageSize }

// NewPage validates page and size, where 0 means the default.
func NewPage(page, size int) (Page, error) {
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = DefaultPageSize
	}
	var v Validator
	v.CheckCode(page >= 1 && page <= 100000, "page", "out_of_range", "page must be a positive integer")
	v.CheckCode(size >= 1 && size <= MaxPageSize, "pageSize", "out_of_range", "pageSize must be 1..100")
	return Page{Page: page, PageSize: size}, v.Err()
}

// List is one page of items and the total count.
type List[T any] struct {
	Items    []T `json:"items"`
	Total    int `json:"total"`
	Page     int `json:"page"`
	PageSize int `json:"pageSize"`
}
