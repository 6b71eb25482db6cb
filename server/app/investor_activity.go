package app

import (
	"context"
	"sort"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// InvestorActivity is what an investor has done on the platform, as their
// page shows it: the roadshows they attended, and the startups they are
// interested in if they allow that to be public (Investor.PublicInterest).
// The investor themself (and admins) always see both, with whether the
// interest is public.
type InvestorActivity struct {
	Roadshows      []AttendedRoadshow `json:"roadshows"`
	Interests      []PublicInterest   `json:"interests"`
	PublicInterest bool               `json:"publicInterest"`
	// InterestShown says whether Interests is filled for this caller.
	InterestShown bool `json:"interestShown"`
}

// AttendedRoadshow is a roadshow an investor was seen in.
type AttendedRoadshow struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"startsAt"`
}

// PublicInterest is a published startup an investor marked interested.
type PublicInterest struct {
	StartupID   string    `json:"startupId"`
	StartupName string    `json:"startupName"`
	At          time.Time `json:"at"`
}

// maxActivity bounds each list on an investor's page.
const maxActivity = 50

// Activity answers investorID's activity as actor may see it: roadshows
// the room let anyone see (public ones; all, to the investor and admins),
// newest first; interest only with the investor's consent.
func (m *Matcher) Activity(ctx context.Context, actor domain.Actor, investorID string) (*InvestorActivity, error) {
	inv, err := m.rm.InvestorByID(ctx, investorID)
	if err != nil {
		return nil, err
	}
	self := !actor.Anonymous() && actor.Owns(inv.OwnerID)
	out := &InvestorActivity{Roadshows: []AttendedRoadshow{}, Interests: []PublicInterest{}, PublicInterest: inv.PublicInterest,
		InterestShown: self || inv.PublicInterest}
	err = m.rm.EachAttendance(ctx, func(a domain.Attendance) error {
		if a.UserID != inv.OwnerID {
			return nil
		}
		r, err := m.rm.RoadshowByID(ctx, a.RoadshowID)
		if err != nil {
			return nil // deleted since
		}
		if self || r.Visibility == domain.VisibilityPublic {
			out.Roadshows = append(out.Roadshows, AttendedRoadshow{ID: r.ID, Title: r.Title, StartsAt: r.StartsAt})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out.Roadshows, func(i, j int) bool { return out.Roadshows[i].StartsAt.After(out.Roadshows[j].StartsAt) })
	out.Roadshows = out.Roadshows[:min(len(out.Roadshows), maxActivity)]
	if !out.InterestShown {
		return out, nil
	}
	m.rm.mu.RLock()
	words := make([]domain.Feedback, 0, len(m.rm.feedback[inv.OwnerID]))
	for _, f := range m.rm.feedback[inv.OwnerID] {
		if f.Action == domain.FeedbackInterested {
			words = append(words, *f)
		}
	}
	m.rm.mu.RUnlock()
	for _, f := range words {
		if s := m.rm.published(f.StartupID); s != nil {
			out.Interests = append(out.Interests, PublicInterest{StartupID: s.ID, StartupName: s.Name, At: f.At})
		}
	}
	sort.Slice(out.Interests, func(i, j int) bool { return out.Interests[i].At.After(out.Interests[j].At) })
	out.Interests = out.Interests[:min(len(out.Interests), maxActivity)]
	return out, nil
}
