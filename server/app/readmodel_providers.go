package app

import (
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// The ServiceBook's providers and service requests; readers get copies.

func cloneProvider(p *domain.Provider) *domain.Provider {
	cp := *p
	cp.Kinds, cp.SpaceIDs = slices.Clone(p.Kinds), slices.Clone(p.SpaceIDs)
	return &cp
}

func cloneRequest(r *domain.ServiceRequest) *domain.ServiceRequest {
	cp := *r
	cp.AnsweredAt, cp.ClosedAt = msPtr(r.AnsweredAt), msPtr(r.ClosedAt)
	return &cp
}

func (b *ServiceBook) putProvider(p *domain.Provider) {
	cp := cloneProvider(p)
	cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
	if cur := b.providers[cp.ID]; cur != nil && cur.Version > cp.Version {
		return
	}
	b.providers[cp.ID] = cp
	b.ownerProvider[cp.OwnerID] = cp.ID
}

func (b *ServiceBook) putRequest(r *domain.ServiceRequest) {
	cp := cloneRequest(r)
	cp.CreatedAt, cp.UpdatedAt = ms(cp.CreatedAt), ms(cp.UpdatedAt)
	if cur := b.requests[cp.ID]; cur != nil && cur.Version > cp.Version {
		return
	}
	b.requests[cp.ID] = cp
}

func (b *ServiceBook) storedProvider(p *domain.Provider) {
	b.mu.Lock()
	b.putProvider(p)
	b.mu.Unlock()
}

// storedRequest applies a stored request; an answer changes the figures.
func (b *ServiceBook) storedRequest(r *domain.ServiceRequest) {
	b.mu.Lock()
	b.putRequest(r)
	b.mu.Unlock()
	b.rm.touch()
}

func (b *ServiceBook) provider(id string) (*domain.Provider, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	p := b.providers[id]
	if p == nil {
		return nil, domain.ErrNotFound
	}
	return cloneProvider(p), nil
}

func (b *ServiceBook) providerOf(owner string) string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.ownerProvider[owner]
}

func (b *ServiceBook) providerList() []*domain.Provider {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*domain.Provider, 0, len(b.providers))
	for _, p := range b.providers {
		out = append(out, cloneProvider(p))
	}
	return out
}

func (b *ServiceBook) request(id string) (*domain.ServiceRequest, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	r := b.requests[id]
	if r == nil {
		return nil, domain.ErrNotFound
	}
	return cloneRequest(r), nil
}

// requestsOf are the requests user sent or is to answer.
func (b *ServiceBook) requestsOf(user string) []*domain.ServiceRequest {
	b.mu.RLock()
	defer b.mu.RUnlock()
	var out []*domain.ServiceRequest
	for _, r := range b.requests {
		if r.FounderID == user || r.AnswerBy == user {
			out = append(out, cloneRequest(r))
		}
	}
	return out
}

// techServiceSpaces are the spaces whose startups had a request answered
// from from, up to to unless zero (the program's 技术服务 coverage).
func (b *ServiceBook) techServiceSpaces(from, to time.Time) map[string]bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := map[string]bool{}
	for _, r := range b.requests {
		if r.AnsweredAt != nil && r.SpaceID != "" && !r.AnsweredAt.Before(from) && (to.IsZero() || !r.AnsweredAt.After(to)) {
			out[r.SpaceID] = true
		}
	}
	return out
}
