package app

import (
	"context"

	"github.com/yuechuang/yuechuang/server/domain"
)

// AgendaCard tells a startup apart in a host's agenda picker: two may
// share a name, not also a district, a founder and a space.
type AgendaCard struct {
	StartupID string `json:"startupId"`
	Name      string `json:"name"`
	District  string `json:"district"`
	Sector    string `json:"sector"`
	Stage     string `json:"stage"`
	OwnerName string `json:"ownerName"`
	SpaceName string `json:"spaceName,omitempty"`
}

// maxAgendaCards bounds one request: a page of search hits.
const maxAgendaCards = 20

// AgendaCards describes the published startups ids for a host choosing an
// agenda (managers and admins); unknown or unpublished ids are left out.
func (svc *Roadshows) AgendaCards(ctx context.Context, actor domain.Actor, ids []string) ([]AgendaCard, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleManager && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only space managers host roadshows")
	}
	var v domain.Validator
	v.CheckCode(len(ids) <= maxAgendaCards, "ids", "too_many", "at most 20 ids")
	for _, id := range ids {
		v.CheckCode(domain.ValidID(id), "ids", "invalid_id", "must be startup ids")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out := []AgendaCard{}
	for _, id := range ids {
		s, err := svc.store.StartupByID(ctx, id)
		if domain.IsKind(err, domain.KindNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.Status != domain.StatusPublished {
			continue
		}
		c := AgendaCard{StartupID: s.ID, Name: s.Name, District: s.District, Sector: s.Sector, Stage: s.Stage}
		if u, err := svc.store.UserByID(ctx, s.OwnerID); err == nil {
			c.OwnerName = u.Name
		} else if !domain.IsKind(err, domain.KindNotFound) {
			return nil, err
		}
		if s.SpaceID != "" {
			if sp, err := svc.store.SpaceByID(ctx, s.SpaceID); err == nil {
				c.SpaceName = sp.Name
			}
		}
		out = append(out, c)
	}
	return out, nil
}
