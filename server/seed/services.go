package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
)

// ServiceDeps are what the demo's services (#18) are built with: the plan's
// services themselves, so the demo obeys their rules.
type ServiceDeps struct {
	Plan   *app.PlanServices
	Users  ServiceUsers
	Hasher *auth.Hasher
	Spaces []domain.Space // the demo's spaces
	// Startups are published demo startups to pay support to.
	Startups []domain.Startup
	// Events stores a past contest as history, which the calendar's
	// rules (events are scheduled ahead) would refuse.
	Events interface {
		CreateEvent(ctx context.Context, e *domain.Event) error
	}
	// AfterStep, when set, is called after each group of writes is stored
	// (services:accounts, services:mentors created, services:mentors, …,
	// services:contest), as seed.Deps.AfterStep: the server logs each and
	// its crash test kills the process at each in turn.
	AfterStep func(step string)
}

// ServiceUsers stores and finds the demo's service accounts.
type ServiceUsers interface {
	InsertUsers(ctx context.Context, us []*domain.User) error
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
}

// Services adds the plan's other services to the demo set: a district
// officer, mentors and providers with sign-ins, verified, with office
// hours; a support ledger with a correction; the alliance's events and a
// judged past contest (alliance.go). It returns the sign-ins.
//
// A start killed inside it completes the same set on the next start
// (TestDemoLoadCompletesAfterKill): the services choose their records'
// ids, so each write is first looked up by its natural key through the
// services (a profile by its owner, a payment by its document number and
// recipient, an event by its title and space) and skipped when it is
// stored already.
func Services(ctx context.Context, d ServiceDeps) ([]Account, error) {
	if len(d.Spaces) == 0 || len(d.Startups) == 0 {
		return nil, nil
	}
	if d.AfterStep == nil {
		d.AfterStep = func(string) {}
	}
	admin, err := d.Users.UserByEmail(ctx, "admin@demo.yuechuang.cn")
	if err != nil {
		return nil, fmt.Errorf("seed services: the demo admin: %w", err)
	}
	hash, err := d.Hasher.Hash(ctx, DemoPassword)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	user := func(r domain.Role, email, name string, districts []string) *domain.User {
		return &domain.User{Email: email, Role: r, Name: name, PasswordHash: hash, CreatedAt: now, Districts: districts}
	}
	officer := user(domain.RoleOfficer, "officer@demo.yuechuang.cn", "越城区科技局（演示区县管理员）", []string{d.Spaces[0].District})
	mentor := user(domain.RoleMentor, "mentor@demo.yuechuang.cn", "周衡（演示创业导师）", nil)
	provider := user(domain.RoleProvider, "provider@demo.yuechuang.cn", "绍兴检验检测认证中心（演示）", nil)
	mentor2 := user(domain.RoleMentor, "mentor-002@seed.yuechuang.cn", "沈知远", nil)
	mentor2.PasswordHash = ""
	provider2 := user(domain.RoleProvider, "provider-002@seed.yuechuang.cn", "越州技术转移中心", nil)
	provider2.PasswordHash = ""
	if err := serviceAccounts(ctx, d.Users, []*domain.User{officer, mentor, provider, mentor2, provider2}); err != nil {
		return nil, err
	}
	d.AfterStep("services:accounts")
	adminActor := domain.Actor{UserID: admin.ID, Role: domain.RoleAdmin}
	sp := func(i int) domain.Space { return d.Spaces[i%len(d.Spaces)] }
	hour := func(days, h int, space string) app.OfficeHourInput {
		day := now.Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour)
		return app.OfficeHourInput{StartsAt: day.Add(time.Duration(h-8) * time.Hour), Minutes: 60, SpaceID: space}
	}
	mentors := []struct {
		u  *domain.User
		in app.MentorInput
	}{
		{mentor, app.MentorInput{Name: "周衡", Title: "创始人、董事长", Organization: "越芯微电子", Bio: "芯片设计二十年，带领公司完成三轮融资并上市；关注车规芯片、功率器件。",
			Sectors: []string{"ic", "electronics", "auto-parts"}, Stages: []string{"seed", "angel", "pre-a"}, SpaceIDs: []string{sp(0).ID, sp(1).ID},
			OfficeHours: []app.OfficeHourInput{hour(2, 14, sp(0).ID), hour(5, 10, ""), hour(9, 15, sp(1).ID)}}},
		{mentor2, app.MentorInput{Name: "沈知远", Title: "合伙人", Organization: "鉴湖创投", Bio: "早期投资人，关注生物医药与医疗器械，擅长融资辅导与商业计划书。",
			Sectors: []string{"biomedicine", "medical-devices", "health-services"}, Stages: []string{"idea", "seed", "angel"}, SpaceIDs: []string{sp(2).ID},
			OfficeHours: []app.OfficeHourInput{hour(3, 9, sp(2).ID), hour(6, 16, "")}}},
	}
	// Created first, verified after, so that a kill between the two
	// (step "services:mentors created") leaves profiles to verify.
	mentorIDs := make([]string, len(mentors))
	for i, m := range mentors {
		if mentorIDs[i], err = seedMentor(ctx, d.Plan.Mentors, m.u.ID, m.in); err != nil {
			return nil, err
		}
	}
	d.AfterStep("services:mentors created")
	for _, id := range mentorIDs {
		if err := verifyMentor(ctx, d.Plan.Mentors, adminActor, id); err != nil {
			return nil, err
		}
	}
	d.AfterStep("services:mentors")
	providers := []struct {
		u  *domain.User
		in app.ProviderInput
	}{
		{provider, app.ProviderInput{Name: "绍兴检验检测认证中心", Kinds: []string{"testing", "consulting"}, SpaceIDs: []string{sp(0).ID, sp(3).ID},
			Description: "电子电气、汽车零部件与纺织品的检验检测和认证，出具 CMA/CNAS 报告。"}},
		{provider2, app.ProviderInput{Name: "越州技术转移中心", Kinds: []string{"techTransfer", "rnd", "ip"}, SpaceIDs: []string{sp(1).ID, sp(2).ID},
			Description: "高校院所成果转化、联合研发与专利布局服务。"}},
	}
	providerIDs := make([]string, len(providers))
	for i, p := range providers {
		if providerIDs[i], err = seedProvider(ctx, d.Plan.Providers, p.u.ID, p.in); err != nil {
			return nil, err
		}
	}
	d.AfterStep("services:providers created")
	for _, id := range providerIDs {
		if err := verifyProvider(ctx, d.Plan.Providers, adminActor, id); err != nil {
			return nil, err
		}
	}
	d.AfterStep("services:providers")
	if err := ledger(ctx, d, adminActor, now); err != nil {
		return nil, err
	}
	var attendees []domain.Actor
	for _, s := range d.Startups[:min(6, len(d.Startups))] {
		attendees = append(attendees, domain.Actor{UserID: s.OwnerID, Role: domain.RoleFounder})
	}
	if err := alliance(ctx, d, now, append(attendees, domain.Actor{UserID: mentor.ID, Role: domain.RoleMentor})); err != nil {
		return nil, err
	}
	d.AfterStep("services:alliance")
	if err := pastContest(ctx, d, now, []string{mentor.ID, mentor2.ID}); err != nil {
		return nil, err
	}
	d.AfterStep("services:contest")
	return []Account{
		{Role: domain.RoleOfficer, Email: officer.Email, Password: DemoPassword},
		{Role: domain.RoleMentor, Email: mentor.Email, Password: DemoPassword},
		{Role: domain.RoleProvider, Email: provider.Email, Password: DemoPassword},
	}, nil
}
