package httpapi

import (
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// The request and answer bodies the handlers decode and encode beside the
// app's and domain's own types. The OpenAPI document's schemas are made
// from these Go types (openapi_ops_test.go), so a body is named here rather
// than written as a map or an anonymous struct in its handler.

// Items is a whole, unpaged list: {items, total}.
type Items[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// itemsOf wraps list as Items, an empty list as [] rather than null.
func itemsOf[T any](list []T) Items[T] {
	if list == nil {
		list = []T{}
	}
	return Items[T]{Items: list, Total: len(list)}
}

// Health is GET /healthz and, with Checks, GET /readyz.
type Health struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}

// Me is GET /me: the signed-in user and their unread notification count.
type Me struct {
	User   *domain.User `json:"user"`
	Unread int          `json:"unread"`
}

// Login is POST /auth/login's body.
type Login struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Ticket is POST /realtime/ticket: a single-use websocket ticket.
type Ticket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// FeedbackInput is POST /dealflow/:startupId/feedback's body.
type FeedbackInput struct {
	Action string `json:"action" openapi:"enum=interested,pass,save"`
}

// ReadInput is POST /notifications/read's body: ids, or all.
type ReadInput struct {
	IDs []string `json:"ids"`
	All bool     `json:"all"`
}

// SettingsInput is PUT /notification-settings' body: a delivery per type.
type SettingsInput struct {
	Types map[string]string `json:"types"`
}

// DeckPages is a deck view's seconds per page ("1": 12.5), reported as the
// reader leaves, with the view's key.
type DeckPages struct {
	Key   string             `json:"key"`
	Pages map[string]float64 `json:"pages"`
}

// DeckGrant is POST /startups/:id/deck/grants' body.
type DeckGrant struct {
	InvestorUserID string `json:"investorUserId"`
}

// FeedbackState is GET /dealflow/:startupId/feedback: the investor's word
// on a startup, "" for none.
type FeedbackState struct {
	Action string `json:"action" openapi:"enum=,interested,save,pass"`
}

// ICEServer is one STUN or TURN server for the stage's browsers.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// ICEServers is GET /stage/ice-servers.
type ICEServers struct {
	ICEServers []ICEServer `json:"iceServers"`
}

// EmailInput is the body of POST /auth/password-reset and of an admin's
// POST /admin/password-reset-links.
type EmailInput struct {
	Email string `json:"email"`
}

// AnswerInput is POST /service-requests/:id/answer's body.
type AnswerInput struct {
	Answer string `json:"answer"`
}

// PaymentHistory is GET /ledger/:id: the entry and its corrections, oldest first.
type PaymentHistory struct {
	Entry   *app.LedgerEntry  `json:"entry"`
	History []app.LedgerEntry `json:"history"`
}

// UserAnswer is an account made for someone else (POST /admin/officers).
type UserAnswer struct {
	User *domain.User `json:"user"`
}

// RegistryColumns is GET /registry/columns.
type RegistryColumns struct {
	Columns []app.RegistryColumn `json:"columns"`
}
