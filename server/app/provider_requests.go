package app

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/yuechuang/yuechuang/server/domain"
)

// RequestInput is what a founder asks a provider, or the IP contact.
type RequestInput struct {
	StartupID string `json:"startupId"`
	Kind      string `json:"kind"` // one of the provider's kinds; ip for IP help
	Subject   string `json:"subject"`
	Message   string `json:"message"`
}

// RequestView is a request with the names each side reads.
type RequestView struct {
	domain.ServiceRequest
	ProviderName string `json:"providerName"`
	StartupName  string `json:"startupName"`
}

// IPHelp says whether the platform has an IP assistance contact.
type IPHelp struct {
	Available bool   `json:"available"`
	Name      string `json:"name,omitempty"`
}

// IPContact returns the city's IP assistance contact, if it has an account.
func (svc *Providers) IPContact(ctx context.Context) (*domain.User, error) {
	if svc.ipContact == "" {
		return nil, domain.CodedError(domain.KindUnavailable, "ip_help_unavailable", "no IP assistance contact is configured (IP_HELP_EMAIL)")
	}
	u, err := svc.users.UserByEmail(ctx, svc.ipContact)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, domain.CodedError(domain.KindUnavailable, "ip_help_unavailable", "the IP assistance contact has no account")
	}
	return u, err
}

// IPHelpInfo says whether IP help can be asked for, and of whom.
func (svc *Providers) IPHelpInfo(ctx context.Context) IPHelp {
	u, err := svc.IPContact(ctx)
	if err != nil {
		return IPHelp{}
	}
	return IPHelp{Available: true, Name: u.Name}
}

// Send asks a verified provider for a service of one of their kinds, for
// the caller's startup; providerID empty asks the city's IP assistance
// contact for IP help (知识产权维权援助).
func (svc *Providers) Send(ctx context.Context, actor domain.Actor, providerID string, in RequestInput) (*RequestView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleFounder {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders send service requests")
	}
	s, err := svc.book.rm.StartupByID(ctx, in.StartupID)
	if err != nil || s.OwnerID != actor.UserID {
		return nil, fieldProblem("startupId", "startup_unknown", "not a startup of yours")
	}
	in.Subject, in.Message = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Message)
	r := &domain.ServiceRequest{FounderID: actor.UserID, StartupID: s.ID, SpaceID: s.ResidentSpace(), Kind: in.Kind,
		Subject: in.Subject, Message: in.Message, Status: domain.RequestOpen}
	if providerID == "" {
		u, err := svc.IPContact(ctx)
		if err != nil {
			return nil, err
		}
		r.AnswerBy, r.IPHelp, r.Kind = u.ID, true, "ip"
	} else {
		p, err := svc.book.provider(providerID)
		if err != nil || !p.Verified {
			return nil, domain.ErrNotFound
		}
		r.ProviderID, r.AnswerBy = p.ID, p.OwnerID
		if !slices.Contains(p.Kinds, in.Kind) {
			return nil, fieldProblem("kind", "invalid_choice", "not a kind of service the provider offers")
		}
	}
	var v domain.Validator
	checkText(&v, "subject", r.Subject, maxName*2, true)
	checkText(&v, "message", r.Message, maxDescription, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := svc.now().UTC()
	r.CreatedAt, r.UpdatedAt = now, now
	if err := svc.book.db.CreateRequest(ctx, r); err != nil {
		return nil, err
	}
	svc.book.storedRequest(r)
	svc.tell(ctx, r.AnswerBy, domain.NoteRequestNew, r)
	return svc.requestView(r), nil
}

// Answer is the provider's (or IP contact's) answer to an open request;
// answering again replaces the answer until the request is closed.
func (svc *Providers) Answer(ctx context.Context, actor domain.Actor, id, answer string) (*RequestView, error) {
	answer = strings.TrimSpace(answer)
	var v domain.Validator
	checkText(&v, "answer", answer, maxDescription, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return svc.change(ctx, actor, id, func(r *domain.ServiceRequest, answerer bool) error {
		if !answerer {
			return domain.ErrForbidden
		}
		if r.Status == domain.RequestClosed {
			return domain.CodedError(domain.KindConflict, "request_closed", "the request is closed")
		}
		now := svc.now().UTC()
		r.Status, r.Answer, r.AnsweredAt = domain.RequestAnswered, answer, &now
		return nil
	}, func(ctx context.Context, r *domain.ServiceRequest) {
		svc.tell(ctx, r.FounderID, domain.NoteRequestAnswered, r)
	})
}

// Close ends a request: the founder at any time, the answerer once
// answered.
func (svc *Providers) Close(ctx context.Context, actor domain.Actor, id string) (*RequestView, error) {
	return svc.change(ctx, actor, id, func(r *domain.ServiceRequest, answerer bool) error {
		if r.Status == domain.RequestClosed {
			return domain.CodedError(domain.KindConflict, "request_closed", "the request is closed")
		}
		if answerer && actor.UserID != r.FounderID && r.Status != domain.RequestAnswered {
			return domain.CodedError(domain.KindConflict, "request_unanswered", "answer the request before closing it")
		}
		now := svc.now().UTC()
		r.Status, r.ClosedAt = domain.RequestClosed, &now
		return nil
	}, func(context.Context, *domain.ServiceRequest) {})
}

func (svc *Providers) change(ctx context.Context, actor domain.Actor, id string, fn func(r *domain.ServiceRequest, answerer bool) error, after func(context.Context, *domain.ServiceRequest)) (*RequestView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	r, err := svc.book.request(id)
	if err != nil {
		return nil, err
	}
	answerer := actor.UserID == r.AnswerBy
	if !answerer && actor.UserID != r.FounderID {
		return nil, domain.ErrNotFound
	}
	if err := fn(r, answerer); err != nil {
		return nil, err
	}
	r.UpdatedAt = svc.now().UTC()
	if err := svc.book.db.UpdateRequest(ctx, r, r.Version); err != nil {
		return nil, err
	}
	svc.book.storedRequest(r)
	after(ctx, r)
	return svc.requestView(r), nil
}

// Requests returns the requests the caller sent or is to answer, newest
// first.
func (svc *Providers) Requests(_ context.Context, actor domain.Actor) ([]RequestView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	out := []RequestView{}
	for _, r := range svc.book.requestsOf(actor.UserID) {
		out = append(out, *svc.requestView(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}

func (svc *Providers) requestView(r *domain.ServiceRequest) *RequestView {
	v := &RequestView{ServiceRequest: *r}
	if p, err := svc.book.provider(r.ProviderID); err == nil {
		v.ProviderName = p.Name
	}
	if s, ok := svc.book.rm.recipientByID(domain.RecipientStartup, r.StartupID); ok {
		v.StartupName = s.Name
	}
	return v
}

func (svc *Providers) tell(ctx context.Context, userID, typ string, r *domain.ServiceRequest) {
	if svc.notify == nil || userID == "" {
		return
	}
	v := svc.requestView(r)
	// A notification lost is not worth failing a request that is stored.
	_ = svc.notify.Notify(context.WithoutCancel(ctx), userID, typ, map[string]any{"requestId": r.ID, "providerName": v.ProviderName,
		"startupId": r.StartupID, "startupName": v.StartupName, "subject": r.Subject, "ipHelp": r.IPHelp})
}
