package app

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// CalendarQuery selects calendar items: those overlapping [From, To),
// in a district, at a space, of a kind (empty: any).
type CalendarQuery struct {
	From, To                 time.Time
	District, SpaceID, Kind  string
	registered, hosted, mine bool // a person's own feed: what they registered for or host
}

// CalendarItem is one entry of the city calendar: an alliance event, or a
// roadshow (Source "roadshow", whose page and registration are the
// roadshow's own).
type CalendarItem struct {
	ID           string    `json:"id"`
	Source       string    `json:"source"` // event or roadshow
	Kind         string    `json:"kind"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	StartsAt     time.Time `json:"startsAt"`
	EndsAt       time.Time `json:"endsAt"`
	SpaceID      string    `json:"spaceId"`
	SpaceName    string    `json:"spaceName"`
	District     string    `json:"district"`
	Location     string    `json:"location"`
	Status       string    `json:"status"`
	Capacity     int       `json:"capacity"`
	Registered   int       `json:"registered"`
	IsRegistered bool      `json:"isRegistered"`
	IsHost       bool      `json:"isHost"`
	ContestStage string    `json:"contestStage,omitempty"`
	UpdatedAt    time.Time `json:"-"`
}

// Calendar lists the city calendar's items in a range, soonest first:
// the alliance's events and the roadshows the caller may see. Without a
// range it lists from the start of today (UTC) for 90 days.
func (svc *Alliance) Calendar(ctx context.Context, actor domain.Actor, q CalendarQuery) ([]CalendarItem, error) {
	var v domain.Validator
	if q.From.IsZero() {
		q.From = svc.now().UTC().Truncate(24 * time.Hour)
	}
	if q.To.IsZero() {
		q.To = q.From.AddDate(0, 0, 90)
	}
	v.CheckCode(q.To.After(q.From) && q.To.Sub(q.From) <= maxCalendarRange, "to", "date_out_of_range", "after from, at most 400 days later")
	v.CheckCode(q.Kind == "" || slices.Contains(domain.EventKinds, q.Kind), "kind", "invalid_choice", "one of the event kinds")
	v.CheckCode(q.SpaceID == "" || domain.ValidID(q.SpaceID), "spaceId", "invalid_id", "malformed id")
	if err := v.Err(); err != nil {
		return nil, err
	}
	items := []CalendarItem{}
	if q.Kind != domain.EventRoadshow {
		mine := map[string]bool{}
		if q.registered {
			mine = svc.book.eventsOf(actor.UserID)
		}
		for _, e := range svc.book.eventList() {
			if q.Kind != "" && e.Kind != q.Kind || q.SpaceID != "" && e.SpaceID != q.SpaceID || !overlaps(e.StartsAt, e.EndsAt, q) {
				continue
			}
			if q.mine && !mine[e.ID] && !(q.hosted && e.OwnerID == actor.UserID) && !svc.takesPart(actor.UserID, e) {
				continue
			}
			it := svc.eventItem(actor, e)
			if q.District == "" || it.District == q.District {
				items = append(items, it)
			}
		}
	}
	if q.Kind == "" || q.Kind == domain.EventRoadshow {
		shows, err := svc.roadshowItems(ctx, actor, q)
		if err != nil {
			return nil, err
		}
		items = append(items, shows...)
	}
	sort.Slice(items, func(i, j int) bool {
		if !items[i].StartsAt.Equal(items[j].StartsAt) {
			return items[i].StartsAt.Before(items[j].StartsAt)
		}
		return items[i].ID < items[j].ID
	})
	return items, nil
}

func overlaps(start, end time.Time, q CalendarQuery) bool {
	return start.Before(q.To) && end.After(q.From)
}

func (svc *Alliance) eventItem(actor domain.Actor, e *domain.Event) CalendarItem {
	v := svc.view(actor, e)
	it := CalendarItem{ID: e.ID, Source: "event", Kind: e.Kind, Title: e.Title, Description: e.Description, StartsAt: e.StartsAt, EndsAt: e.EndsAt,
		SpaceID: e.SpaceID, SpaceName: v.SpaceName, District: v.District, Location: e.Location, Status: e.Status, Capacity: e.Capacity,
		Registered: v.Registered, IsRegistered: v.IsRegistered, IsHost: v.IsHost, UpdatedAt: e.UpdatedAt}
	if e.Contest != nil {
		it.ContestStage = e.Contest.Stage
	}
	return it
}

// roadshowItems views the roadshows in range as calendar items, by the
// roadshows' own visibility rule.
func (svc *Alliance) roadshowItems(ctx context.Context, actor domain.Actor, q CalendarQuery) ([]CalendarItem, error) {
	rm := svc.book.rm
	var out []CalendarItem
	for page := 1; ; page++ {
		shows, total, err := rm.ListRoadshows(ctx, q.SpaceID, "", domain.Page{Page: page, PageSize: domain.MaxPageSize})
		if err != nil {
			return nil, err
		}
		for i := range shows {
			r := &shows[i]
			end := roadshowEnd(r)
			if !overlaps(r.StartsAt, end, q) || !canSeeRoadshow(actor, r) {
				continue
			}
			it := CalendarItem{ID: r.ID, Source: "roadshow", Kind: domain.EventRoadshow, Title: r.Title, Description: r.Description,
				StartsAt: r.StartsAt, EndsAt: end, SpaceID: r.SpaceID, Status: r.Status, IsHost: actor.UserID != "" && actor.Owns(r.OwnerID), UpdatedAt: r.UpdatedAt}
			if sp, ok := rm.recipientByID(domain.RecipientSpace, r.SpaceID); ok {
				it.SpaceName, it.District = sp.Name, sp.District
			}
			if q.District != "" && it.District != q.District {
				continue
			}
			if it.Registered, err = rm.CountRegistrations(ctx, r.ID); err != nil {
				return nil, err
			}
			if actor.UserID != "" {
				if it.IsRegistered, err = rm.IsRegistered(ctx, r.ID, actor.UserID); err != nil {
					return nil, err
				}
			}
			if q.mine && !it.IsRegistered && !(q.hosted && it.IsHost) && !r.Presents(actor.UserID) && r.GuestStatus(actor.UserID) != domain.GuestAccepted {
				continue
			}
			out = append(out, it)
		}
		if page*domain.MaxPageSize >= total {
			return out, nil
		}
	}
}

// roadshowEnd is when a roadshow's agenda ends: its slots' minutes (an
// hour when it has none yet), or when it ended.
func roadshowEnd(r *domain.Roadshow) time.Time {
	if r.EndedAt != nil && r.EndedAt.After(r.StartsAt) {
		return *r.EndedAt
	}
	var minutes int
	for _, s := range r.Slots {
		minutes += s.Minutes
	}
	if minutes == 0 {
		minutes = 60
	}
	return r.StartsAt.Add(time.Duration(minutes) * time.Minute)
}

// takesPart reports whether user judges contest e or entered it.
func (svc *Alliance) takesPart(user string, e *domain.Event) bool {
	if e.Contest == nil || user == "" {
		return false
	}
	if slices.Contains(e.Contest.Judges, user) {
		return true
	}
	return slices.ContainsFunc(svc.book.contestEntries(e.ID), func(en domain.ContestEntry) bool { return en.FounderID == user })
}
