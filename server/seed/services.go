package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
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
}

// ServiceUsers stores and finds the demo's service accounts.
type ServiceUsers interface {
	InsertUsers(ctx context.Context, us []*domain.User) error
	UserByEmail(ctx context.Context, email string) (*domain.User, error)
}

// Services adds the plan's other services to the demo set: a district
// officer, mentors and providers with sign-ins, verified, with office
// hours; and a support ledger with a correction. It adds nothing when the
// demo's mentor account exists already (a load run again), and returns
// the sign-ins.
func Services(ctx context.Context, d ServiceDeps) ([]Account, error) {
	if len(d.Spaces) == 0 || len(d.Startups) == 0 {
		return nil, nil
	}
	if _, err := d.Users.UserByEmail(ctx, "mentor@demo.yuechuang.cn"); err == nil {
		return nil, nil
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
	if err := d.Users.InsertUsers(ctx, []*domain.User{officer, mentor, provider, mentor2, provider2}); err != nil {
		return nil, err
	}
	adminActor := domain.Actor{UserID: admin.ID, Role: domain.RoleAdmin}
	rnd := rand.New(rand.NewPCG(2026, 18))
	sp := func(i int) domain.Space { return d.Spaces[i%len(d.Spaces)] }
	hour := func(days, h int, space string) app.OfficeHourInput {
		day := now.Add(time.Duration(days) * 24 * time.Hour).Truncate(24 * time.Hour)
		return app.OfficeHourInput{StartsAt: day.Add(time.Duration(h-8) * time.Hour), Minutes: 60, SpaceID: space}
	}
	for _, m := range []struct {
		u  *domain.User
		in app.MentorInput
	}{
		{mentor, app.MentorInput{Name: "周衡", Title: "创始人、董事长", Organization: "越芯微电子", Bio: "芯片设计二十年，带领公司完成三轮融资并上市；关注车规芯片、功率器件。",
			Sectors: []string{"ic", "electronics", "auto-parts"}, Stages: []string{"seed", "angel", "pre-a"}, SpaceIDs: []string{sp(0).ID, sp(1).ID},
			OfficeHours: []app.OfficeHourInput{hour(2, 14, sp(0).ID), hour(5, 10, ""), hour(9, 15, sp(1).ID)}}},
		{mentor2, app.MentorInput{Name: "沈知远", Title: "合伙人", Organization: "鉴湖创投", Bio: "早期投资人，关注生物医药与医疗器械，擅长融资辅导与商业计划书。",
			Sectors: []string{"biomedicine", "medical-devices", "health-services"}, Stages: []string{"idea", "seed", "angel"}, SpaceIDs: []string{sp(2).ID},
			OfficeHours: []app.OfficeHourInput{hour(3, 9, sp(2).ID), hour(6, 16, "")}}},
	} {
		v, err := d.Plan.Mentors.Create(ctx, domain.Actor{UserID: m.u.ID, Role: domain.RoleMentor}, m.in)
		if err != nil {
			return nil, fmt.Errorf("seed mentor: %w", err)
		}
		if _, err := d.Plan.Mentors.Update(ctx, adminActor, v.ID, app.MentorInput{Verified: ptr(true)}); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		u  *domain.User
		in app.ProviderInput
	}{
		{provider, app.ProviderInput{Name: "绍兴检验检测认证中心", Kinds: []string{"testing", "consulting"}, SpaceIDs: []string{sp(0).ID, sp(3).ID},
			Description: "电子电气、汽车零部件与纺织品的检验检测和认证，出具 CMA/CNAS 报告。"}},
		{provider2, app.ProviderInput{Name: "越州技术转移中心", Kinds: []string{"techTransfer", "rnd", "ip"}, SpaceIDs: []string{sp(1).ID, sp(2).ID},
			Description: "高校院所成果转化、联合研发与专利布局服务。"}},
	} {
		pr, err := d.Plan.Providers.Create(ctx, domain.Actor{UserID: p.u.ID, Role: domain.RoleProvider}, p.in)
		if err != nil {
			return nil, fmt.Errorf("seed provider: %w", err)
		}
		if _, err := d.Plan.Providers.Update(ctx, adminActor, pr.ID, app.ProviderInput{Verified: ptr(true)}); err != nil {
			return nil, err
		}
	}
	// The ledger: a space subsidy per district's first spaces, first-round
	// awards to some startups, one corrected.
	var first *app.LedgerEntry
	for i := range min(6, len(d.Spaces)) {
		s := d.Spaces[i]
		e, err := d.Plan.Ledger.Record(ctx, adminActor, app.PaymentInput{RecipientKind: domain.RecipientSpace, RecipientID: s.ID,
			AmountWan: float64(30 + 10*rnd.IntN(8)), Policy: "众创空间建设补助", DocNumber: fmt.Sprintf("绍市科〔%d〕%d号", now.Year(), 3+i),
			Date: now.AddDate(0, -1-i, 0).Format(time.DateOnly), Status: domain.PaymentPaid})
		if err != nil {
			return nil, fmt.Errorf("seed ledger: %w", err)
		}
		if first == nil {
			first = e
		}
	}
	for i := range min(8, len(d.Startups)) {
		s := d.Startups[i]
		status := domain.PaymentPaid
		if i%4 == 3 {
			status = domain.PaymentApproved
		}
		if _, err := d.Plan.Ledger.Record(ctx, adminActor, app.PaymentInput{RecipientKind: domain.RecipientStartup, RecipientID: s.ID,
			AmountWan: float64(5 + 5*rnd.IntN(6)), Policy: "创业企业首次融资奖励", DocNumber: fmt.Sprintf("绍市科〔%d〕%d号", now.Year(), 20+i),
			Date: now.AddDate(0, 0, -10-7*i).Format(time.DateOnly), Status: status}); err != nil {
			return nil, fmt.Errorf("seed ledger: %w", err)
		}
	}
	if first != nil {
		if _, err := d.Plan.Ledger.Correct(ctx, adminActor, first.ID, app.PaymentInput{RecipientKind: first.RecipientKind, RecipientID: first.RecipientID,
			AmountWan: first.AmountWan + 5, Policy: first.Policy, DocNumber: first.DocNumber, District: first.District, Date: first.Date,
			Status: domain.PaymentPaid, Note: "金额更正：含设备补助 5 万元"}); err != nil {
			return nil, fmt.Errorf("seed ledger correction: %w", err)
		}
	}
	var attendees []domain.Actor
	for _, s := range d.Startups[:min(6, len(d.Startups))] {
		attendees = append(attendees, domain.Actor{UserID: s.OwnerID, Role: domain.RoleFounder})
	}
	if err := alliance(ctx, d, now, append(attendees, domain.Actor{UserID: mentor.ID, Role: domain.RoleMentor})); err != nil {
		return nil, err
	}
	if err := pastContest(ctx, d, now, []string{mentor.ID, mentor2.ID}); err != nil {
		return nil, err
	}
	return []Account{
		{Role: domain.RoleOfficer, Email: officer.Email, Password: DemoPassword},
		{Role: domain.RoleMentor, Email: mentor.Email, Password: DemoPassword},
		{Role: domain.RoleProvider, Email: provider.Email, Password: DemoPassword},
	}, nil
}
