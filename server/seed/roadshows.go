package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// roadshows schedules two roadshows at the demo manager's first space: one
// tomorrow, public, and one next week for registered users.
func (s *seeder) roadshows(ctx context.Context, manager *domain.User, spaces []*domain.Space, published []*domain.Startup) error {
	if len(spaces) == 0 || len(published) < 6 || s.Roadshows == nil {
		return nil
	}
	host := domain.Actor{UserID: manager.ID, Role: domain.RoleManager}
	day := time.Now().Truncate(time.Hour)
	// A load run again keeps the roadshows the first run created.
	have := map[string]bool{}
	existing, _, err := s.Store.ListRoadshows(ctx, spaces[0].ID, "", domain.Page{Page: 1, PageSize: domain.MaxPageSize})
	if err != nil {
		return err
	}
	for _, r := range existing {
		have[r.Title] = true
	}
	for i, rs := range []struct {
		title, visibility string
		at                time.Time
	}{
		{"越创汇·集成电路与智能制造专场路演", domain.VisibilityPublic, day.Add(26 * time.Hour)},
		{"鉴湖创投夜·生物医药与新材料专场", domain.VisibilityRegistered, day.Add(7*24*time.Hour + 11*time.Hour)},
	} {
		if have[rs.title] {
			continue
		}
		var slots []domain.Slot
		for j, st := range published[i*3 : i*3+3] {
			slots = append(slots, domain.Slot{StartupID: st.ID, Minutes: 10 + s.rnd.IntN(3)*5})
			if s.Decks != nil { // presenters bring a deck, so the room has pages to turn
				founder := domain.Actor{UserID: st.OwnerID, Role: domain.RoleFounder}
				if _, err := s.Decks.Upload(ctx, founder, st.ID, demoDeck(fmt.Sprintf("Yuechuang demo pitch %d", i*3+j+1), 6)); err != nil {
					return fmt.Errorf("demo deck: %w", err)
				}
			}
		}
		in := app.RoadshowInput{Title: ptr(rs.title), SpaceID: ptr(spaces[0].ID), StartsAt: ptr(rs.at), Visibility: ptr(rs.visibility),
			StreamURL: ptr("https://live.example.cn/yuechuang/" + fmt.Sprint(i+1)), Slots: &slots,
			Description: ptr("每个项目路演后有问答环节，投资人可在直播间点击“感兴趣”。")}
		r, err := s.Roadshows.Create(ctx, host, in)
		if err != nil {
			return err
		}
		// The demo's founders accept to present, as presenting needs their
		// consent; the last one of the second roadshow has not answered yet.
		for j, st := range published[i*3 : i*3+3] {
			if i == 1 && j == 2 {
				break
			}
			founder := domain.Actor{UserID: st.OwnerID, Role: domain.RoleFounder}
			if _, err := s.Roadshows.Answer(ctx, founder, r.ID, st.ID, true); err != nil {
				return fmt.Errorf("demo consent: %w", err)
			}
		}
		s.AfterStep(fmt.Sprint("roadshow", i+1))
	}
	return nil
}
