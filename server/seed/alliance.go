package seed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// alliance puts the alliance's events on the demo calendar: each kind the
// plan names (roadshows come with the roadshows), hosted by the spaces'
// managers, some of them with registrations. An event an earlier,
// interrupted run stored is not created again; registering again changes
// nothing (Alliance.Register).
func alliance(ctx context.Context, d ServiceDeps, now time.Time, attendees []domain.Actor) error {
	stored, err := storedEvents(ctx, d.Plan.Alliance, now)
	if err != nil {
		return err
	}
	day := func(days, h int) time.Time {
		return now.Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour).Add(time.Duration(h-8) * time.Hour) // h o'clock in Shaoxing
	}
	sp := func(i int) domain.Space { return d.Spaces[i%len(d.Spaces)] }
	events := []app.EventInput{
		{Kind: domain.EventForum, Title: "主题论坛：AI 大模型赋能纺织与黄酒产业", SpaceID: sp(0).ID, Location: "二楼路演厅", StartsAt: day(3, 14), EndsAt: day(3, 17), Capacity: 120,
			Description: "邀请本地龙头企业、投资机构和高校专家，讨论大模型在传统产业数字化中的落地场景。"},
		{Kind: domain.EventForum, Title: "主题论坛：集成电路产业链与早期投资", SpaceID: sp(1).ID, StartsAt: day(12, 9), EndsAt: day(12, 12), Capacity: 80,
			Description: "芯片设计、封测与装备企业创始人对话天使投资人。"},
		{Kind: domain.EventExhibition, Title: "创客成果展：智能制造与新材料", SpaceID: sp(2).ID, Location: "一楼展厅", StartsAt: day(6, 9), EndsAt: day(9, 17),
			Description: "入驻项目的样机、样品与专利成果展示，开放参观。"},
		{Kind: domain.EventExhibition, Title: "创客成果展：生物医药与医疗器械", SpaceID: sp(3).ID, StartsAt: day(20, 9), EndsAt: day(22, 17)},
		{Kind: domain.EventFleaMarket, Title: "创客跳蚤市场：闲置设备与元器件交换", SpaceID: sp(0).ID, Location: "园区广场", StartsAt: day(5, 13), EndsAt: day(5, 17),
			Description: "3D 打印机、示波器、开发板、元器件……带上闲置，换走需要。"},
		{Kind: domain.EventFleaMarket, Title: "创客跳蚤市场（冬季场）", SpaceID: sp(4).ID, StartsAt: day(26, 10), EndsAt: day(26, 16)},
		{Kind: domain.EventContest, Title: "越创杯创客大赛（复赛）", SpaceID: sp(1).ID, Location: "路演中心", StartsAt: day(18, 9), EndsAt: day(18, 18), Capacity: 200,
			Description: "初赛晋级项目现场路演，评审团现场打分。",
			Contest:     &app.ContestInput{Winners: 3, Criteria: []domain.Criterion{{Name: "创新性", Weight: 3}, {Name: "市场前景", Weight: 3}, {Name: "团队", Weight: 2}, {Name: "完成度", Weight: 2}}}},
	}
	for i, in := range events {
		host := domain.Actor{Role: domain.RoleManager}
		for _, s := range d.Spaces {
			if s.ID == in.SpaceID {
				host.UserID = s.OwnerID
			}
		}
		id := stored[eventKey{in.Title, in.SpaceID}]
		if id == "" {
			e, err := d.Plan.Alliance.Create(ctx, host, in)
			if err != nil {
				return fmt.Errorf("seed event %q: %w", in.Title, err)
			}
			id = e.ID
		}
		for j, a := range attendees {
			if (i+j)%2 == 0 {
				if _, err := d.Plan.Alliance.Register(ctx, a, id); err != nil {
					return fmt.Errorf("seed event registration: %w", err)
				}
			}
		}
	}
	return nil
}

// eventKey names a demo event: its title at its space. Not its day, which
// is counted from now, so that a load resumed on a later day finds the
// events an earlier day stored.
type eventKey struct{ title, space string }

// storedEvents returns the ids of the alliance's events stored around now,
// by their keys. The demo's lie within two months of the day the load
// began; the window is the widest the calendar answers (400 days), so that
// a load resumed months after it was cut still finds them.
func storedEvents(ctx context.Context, al *app.Alliance, now time.Time) (map[eventKey]string, error) {
	items, err := al.Calendar(ctx, domain.Actor{}, app.CalendarQuery{From: now.AddDate(0, 0, -199), To: now.AddDate(0, 0, 199)})
	if err != nil {
		return nil, fmt.Errorf("seed events: the calendar: %w", err)
	}
	ids := map[eventKey]string{}
	for _, it := range items {
		if it.Source == "event" {
			ids[eventKey{it.Title, it.SpaceID}] = it.ID
		}
	}
	return ids, nil
}

// pastContest adds last month's contest with its results: stored as
// history (it began in the past), then entered, judged and published
// through the contest's rules. A run resuming an interrupted one finds the
// contest by its title and takes it on from the stage it is at, skipping
// the entries, the panel and the judges' sheets already stored.
func pastContest(ctx context.Context, d ServiceDeps, now time.Time, judges []string) error {
	if d.Events == nil || len(d.Startups) < 4 {
		return nil
	}
	host := d.Spaces[0]
	const title = "越创杯创客大赛（初赛）"
	stored, err := storedEvents(ctx, d.Plan.Alliance, now)
	if err != nil {
		return err
	}
	id := stored[eventKey{title, host.ID}]
	if id == "" {
		start := now.AddDate(0, -1, 0).Truncate(24 * time.Hour).Add(time.Hour) // 9:00 in Shaoxing
		e := &domain.Event{OwnerID: host.OwnerID, Kind: domain.EventContest, Title: title, SpaceID: host.ID, Location: "路演中心",
			Description: "全市众创空间推荐项目参赛，评审团按创新性、市场前景、团队和完成度打分。", StartsAt: start, EndsAt: start.Add(9 * time.Hour),
			Status: domain.EventScheduled, Reminded: true, CreatedAt: start.AddDate(0, 0, -30), UpdatedAt: start,
			Contest: &domain.Contest{Winners: 3, Stage: domain.ContestOpen, Judges: []string{},
				Criteria: []domain.Criterion{{ID: "c1", Name: "创新性", Weight: 3}, {ID: "c2", Name: "市场前景", Weight: 3}, {ID: "c3", Name: "团队", Weight: 2}, {ID: "c4", Name: "完成度", Weight: 2}}}}
		if err := d.Events.CreateEvent(ctx, e); err != nil {
			return fmt.Errorf("seed past contest: %w", err)
		}
		if err := d.Plan.Load(ctx); err != nil {
			return err
		}
		id = e.ID
	}
	d.AfterStep("services:contest stored")
	al, mgr := d.Plan.Alliance, domain.Actor{UserID: host.OwnerID, Role: domain.RoleManager}
	c, err := al.Contest(ctx, mgr, id)
	if err != nil {
		return fmt.Errorf("seed past contest: %w", err)
	}
	stage := c.Stage
	entries := d.Startups[:min(6, len(d.Startups))]
	if stage == domain.ContestOpen {
		if err := openContest(ctx, al, mgr, c, entries, judges); err != nil {
			return err
		}
		stage = domain.ContestJudging
	}
	if stage == domain.ContestJudging {
		if err := judgeContest(ctx, al, id, entries, judges); err != nil {
			return err
		}
	}
	d.AfterStep("services:contest judged")
	if stage == domain.ContestJudging {
		if _, err := al.Publish(ctx, mgr, id); err != nil {
			return fmt.Errorf("seed contest results: %w", err)
		}
	}
	return nil
}

// openContest enters the startups not entered yet in contest c, names its
// panel unless named, and closes its entries.
func openContest(ctx context.Context, al *app.Alliance, mgr domain.Actor, c *app.ContestView, entries []domain.Startup, judges []string) error {
	entered := map[string]bool{}
	for _, en := range c.Entries {
		entered[en.StartupID] = true
	}
	for _, s := range entries {
		if entered[s.ID] {
			continue
		}
		if _, err := al.Enter(ctx, domain.Actor{UserID: s.OwnerID, Role: domain.RoleFounder}, c.EventID, s.ID); err != nil {
			return fmt.Errorf("seed contest entry: %w", err)
		}
	}
	var named []string
	for _, j := range c.Judges {
		named = append(named, j.UserID)
	}
	if !slices.Equal(named, judges) {
		if _, err := al.SetJudges(ctx, mgr, c.EventID, judges); err != nil {
			return fmt.Errorf("seed contest judges: %w", err)
		}
	}
	if _, err := al.CloseEntries(ctx, mgr, c.EventID); err != nil {
		return fmt.Errorf("seed contest: closing entries: %w", err)
	}
	return nil
}

// judgeContest gives each judge's sheet per entry that the judge has not
// sent yet (ContestView.MySheets); the second and third entries tie.
func judgeContest(ctx context.Context, al *app.Alliance, id string, entries []domain.Startup, judges []string) error {
	marks := [][]float64{{9, 8, 9, 8}, {8, 7, 8, 7}, {7, 8, 7, 8}, {6, 7, 6, 7}, {5, 6, 7, 5}, {4, 5, 5, 6}}
	for j, judge := range judges {
		actor := domain.Actor{UserID: judge, Role: domain.RoleMentor}
		mine, err := al.Contest(ctx, actor, id)
		if err != nil {
			return fmt.Errorf("seed contest: a judge's view: %w", err)
		}
		sent := map[string]bool{}
		for _, s := range mine.MySheets {
			sent[s.StartupID] = true
		}
		for i, s := range entries {
			if sent[s.ID] {
				continue
			}
			var in app.ScoreInput
			for k, m := range marks[i] {
				if j == 1 && k == 0 && i != 1 && i != 2 {
					m = max(0, m-1) // the second judge is stricter on innovation
				}
				in.Scores = append(in.Scores, app.ScoreLine{Criterion: fmt.Sprintf("c%d", k+1), Score: m})
			}
			if _, err := al.Score(ctx, actor, id, s.ID, in); err != nil {
				return fmt.Errorf("seed contest score: %w", err)
			}
		}
	}
	return nil
}
