package domain

import "time"

// RoleProvider is a technology service provider (科技服务机构): technology
// transfer, R&D, testing and certification, consulting or IP services.
// Providers register themselves and are verified by an admin.
const RoleProvider Role = "provider"

// ServiceKinds are the kinds of service the plan names, in its order.
var ServiceKinds = []string{"techTransfer", "rnd", "testing", "consulting", "ip"}

// Provider is a service provider's profile.
type Provider struct {
	ID          string    `json:"id" bson:"_id"`
	OwnerID     string    `json:"ownerId" bson:"ownerId"`
	Name        string    `json:"name" bson:"name"`
	Kinds       []string  `json:"kinds" bson:"kinds"`
	SpaceIDs    []string  `json:"spaceIds" bson:"spaceIds"` // the maker spaces served
	Description string    `json:"description" bson:"description"`
	Website     string    `json:"website" bson:"website"`
	Verified    bool      `json:"verified" bson:"verified"`
	Version     int       `json:"version" bson:"version"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt" bson:"updatedAt"`
}

// Service request statuses: open until the provider answers, closed by
// the founder (or the provider) once done.
const (
	RequestOpen     = "open"
	RequestAnswered = "answered"
	RequestClosed   = "closed"
)

// ServiceRequest is a founder's request to a provider, or an IP-help
// request to the city's IP assistance contact (IPHelp, no provider).
type ServiceRequest struct {
	ID         string     `json:"id" bson:"_id"`
	ProviderID string     `json:"providerId,omitempty" bson:"providerId,omitempty"`
	AnswerBy   string     `json:"-" bson:"answerBy"` // the user who answers: the provider's owner or the IP contact
	FounderID  string     `json:"-" bson:"founderId"`
	StartupID  string     `json:"startupId" bson:"startupId"`
	SpaceID    string     `json:"spaceId" bson:"spaceId"` // the startup's space when sent: whose coverage it counts in
	Kind       string     `json:"kind" bson:"kind"`
	IPHelp     bool       `json:"ipHelp" bson:"ipHelp"`
	Subject    string     `json:"subject" bson:"subject"`
	Message    string     `json:"message" bson:"message"`
	Status     string     `json:"status" bson:"status"`
	Answer     string     `json:"answer" bson:"answer"`
	AnsweredAt *time.Time `json:"answeredAt,omitempty" bson:"answeredAt,omitempty"`
	ClosedAt   *time.Time `json:"closedAt,omitempty" bson:"closedAt,omitempty"`
	Version    int        `json:"version" bson:"version"`
	CreatedAt  time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt" bson:"updatedAt"`
}
