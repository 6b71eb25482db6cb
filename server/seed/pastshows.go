package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// PastEvents is how many room events a past roadshow of the demo set
// holds: a city's typical ended roadshow (#12's scale benchmark).
const PastEvents = 2000

// pastShows are the demo's ended roadshows, at the demo manager's spaces.
var pastShows = []struct {
	title, description string
	daysAgo, hour      int // the start, in Shaoxing's time
}{
	{"越创汇·第十二期创客项目路演", "三个驻场项目路演，每个项目路演后有问答环节，投资人可在直播间点击“感兴趣”。", 9, 14},
	{"鉴湖创投夜·数字经济与先进制造专场", "面向驻场企业的晚间专场路演，投资人现场点评与问答。", 23, 19},
}

// pastID is the id of the demo's past roadshow i: fixed, so that a load
// run again finds it, or completes its room under the same id.
func pastID(i int) string { return fmt.Sprintf("de3b%020x", i+1) }

// pastRoadshows stores the demo's ended roadshows, each with three
// published residents of one of the demo manager's spaces presenting (not
// the scheduled roadshows' presenters), and the room history a roadshow
// leaves (GenerateRoom): the demo's investors, founders and managers are
// its audience. A roadshow stored already is kept.
func (s *seeder) pastRoadshows(ctx context.Context, manager *domain.User, spaces []*domain.Space, future []*domain.Startup) error {
	if len(spaces) < 2 || s.Roadshows == nil {
		return nil
	}
	users := map[string]*domain.User{}
	for _, u := range s.users {
		users[u.ID] = u
	}
	taken := map[string]bool{}
	for _, st := range future {
		taken[st.ID] = true
	}
	// Anchored to the day, so that a load completed later the same day
	// writes the same room.
	day := time.Now().UTC().Truncate(24 * time.Hour)
	var rooms []*PastRoom
	var steps []string
	for i, ps := range pastShows {
		sp := spaces[i%2]
		presenting := s.presenters(sp, taken)
		if len(presenting) < 3 {
			break // a set too small for a roadshow
		}
		id := pastID(i)
		if _, err := s.Store.RoadshowByID(ctx, id); err == nil {
			continue
		} else if !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		rnd := rand.New(rand.NewPCG(2026, uint64(100+i)))
		r := &domain.Roadshow{ID: id, OwnerID: manager.ID, SpaceID: sp.ID, Title: ps.title, Description: ps.description,
			StartsAt: day.AddDate(0, 0, -ps.daysAgo).Add(time.Duration(ps.hour-8) * time.Hour), Visibility: domain.VisibilityPublic,
			StreamURL: fmt.Sprintf("https://live.example.cn/yuechuang/past-%d", i+1)}
		var products []string
		pages := 0
		for j, st := range presenting {
			founder := users[st.OwnerID]
			r.Slots = append(r.Slots, domain.Slot{StartupID: st.ID, StartupName: st.Name, OwnerID: st.OwnerID, Sector: st.Sector,
				Presenter: founder.Name, Minutes: 10 + 5*rnd.IntN(2), Consent: domain.ConsentAccepted, Position: j})
			products = append(products, st.Tags[len(st.Tags)-1])
			if s.Decks != nil { // presenters brought a deck, whose pages they turned
				who := domain.Actor{UserID: st.OwnerID, Role: domain.RoleFounder}
				if _, err := s.Decks.Upload(ctx, who, st.ID, demoDeck(fmt.Sprintf("Yuechuang past pitch %d", i*3+j+1), 6)); err != nil {
					return fmt.Errorf("demo deck: %w", err)
				}
				pages = 6
			}
		}
		room, err := GenerateRoom(rnd, PastShow{Roadshow: r, Host: Person{UserID: manager.ID, Name: manager.Name},
			Audience: s.audience(rnd, users, presenting, manager.ID), Products: products, Events: PastEvents, Pages: pages})
		if err != nil {
			return err
		}
		rooms, steps = append(rooms, room), append(steps, fmt.Sprint("past", i+1))
	}
	// What the rooms' interest left, for all of them at once (a founder's
	// log is stored in one write), before any room is stored.
	if err := s.roomInterest(ctx, rooms); err != nil {
		return fmt.Errorf("past roadshows' interest: %w", err)
	}
	for i, room := range rooms {
		if err := StorePast(ctx, s.Store, room); err != nil {
			return fmt.Errorf("past roadshow %s: %w", room.Roadshow.ID, err)
		}
		s.AfterStep(steps[i])
	}
	return nil
}

// presenters picks three published startups for a roadshow at sp: its
// confirmed residents first, then others, none presenting elsewhere.
func (s *seeder) presenters(sp *domain.Space, taken map[string]bool) []*domain.Startup {
	var out []*domain.Startup
	for _, resident := range []bool{true, false} {
		for _, st := range s.plans {
			if len(out) == 3 {
				return out
			}
			here := st.SpaceID == sp.ID && st.Residency == domain.ResidencyConfirmed
			if st.Status == domain.StatusPublished && !taken[st.ID] && here == resident && len(st.Tags) > 0 {
				taken[st.ID] = true
				out = append(out, st)
			}
		}
	}
	return out
}

// audience draws who came to a past roadshow: most of the demo's
// investors (the demo investor always), a share of its founders (the demo
// founder always) and a few other spaces' managers.
func (s *seeder) audience(rnd *rand.Rand, users map[string]*domain.User, presenting []*domain.Startup, host string) []Person {
	skip := map[string]bool{host: true}
	for _, st := range presenting {
		skip[st.OwnerID] = true
	}
	var out []Person
	add := func(id string, investor bool) {
		if u := users[id]; u != nil && !skip[id] {
			skip[id] = true
			out = append(out, Person{UserID: id, Name: u.Name, Investor: investor})
		}
	}
	for i, inv := range s.investorPlans {
		if i == 0 || rnd.IntN(10) < 4 {
			add(inv.OwnerID, true)
		}
	}
	for i, st := range s.plans {
		if i == 0 || st.Status == domain.StatusPublished && rnd.IntN(10) < 2 {
			add(st.OwnerID, false)
		}
	}
	var managers []string
	for _, u := range s.users {
		if u.Role == domain.RoleManager && u.ID != host {
			managers = append(managers, u.ID)
		}
	}
	for _, id := range managers[:min(len(managers), 4)] {
		add(id, false)
	}
	rnd.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] }) // who talks most: anyone
	return out
}
