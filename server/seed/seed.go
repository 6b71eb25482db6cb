// Package seed loads the demo data set: a realistic Shaoxing program with a
// few hundred startups, about a hundred investors, twenty maker spaces and
// one sign-in account per role. Profiles are built and checked by the app
// services (Prepare), so the demo data obeys the same validation as user
// input, and stored in bulk, a batch per collection. Ids are derived from
// the seeded random sequence's order, so a load interrupted at any point
// and run again writes the same records and completes the set.
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

// DemoPassword is the password of every demo sign-in account. The demo set
// is for trying the platform out; production runs with SEED_DEMO=false.
const DemoPassword = "yuechuang2026"

// Store writes the demo set in bulk; records already stored are kept.
type Store interface {
	InsertUsers(ctx context.Context, us []*domain.User) error
	InsertSpaces(ctx context.Context, sps []*domain.Space) error
	InsertInvestors(ctx context.Context, invs []*domain.Investor) error
	InsertStartups(ctx context.Context, ss []*domain.Startup) error
	ListRoadshows(ctx context.Context, spaceID, status string, p domain.Page) ([]domain.Roadshow, int, error)
	RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error)
	SaveFeedback(ctx context.Context, f domain.Feedback) error
	HistoryStore
}

// Deps are what the seeder builds with and writes through.
type Deps struct {
	Store     Store
	Hasher    *auth.Hasher
	Startups  *app.Startups
	Investors *app.Investors
	Spaces    *app.Spaces
	Roadshows *app.Roadshows
	Decks     *app.Decks
	Taxonomy  *domain.Taxonomy
	// Alerts and Notes, when set, give the investors the match alerts the
	// published startups sent (alerts.go).
	Alerts Alerter
	Notes  NoteStore
	// AfterStep, when set, is called after each step is stored (spaces,
	// investors, startups, users, alerts, roadshow1, roadshow2, roadshows,
	// interest notes, past1, past2, history; ServiceDeps.AfterStep names
	// seed.Services' own); the server logs each and its crash test kills
	// the process at each in turn (TestDemoLoadCompletesAfterKill).
	AfterStep func(step string)
}

// Sizes says how much to generate. PublishShare is the share of the
// startups published (zero: nine in ten, as in the demo set); the scale
// benchmark uses the generator at a city's size.
type Sizes struct {
	Startups, Investors, Spaces int
	PublishShare                float64
}

// DefaultSizes is the demo set's size.
var DefaultSizes = Sizes{Startups: 300, Investors: 100, Spaces: 20}

// Account is a demo sign-in.
type Account struct {
	Role     domain.Role
	Email    string
	Password string
}

type seeder struct {
	Deps
	rnd   *rand.Rand
	n     int
	ids   int
	users []*domain.User
	hash  string // the demo password's, computed once
	// The profiles as planned, in order, for the history steps.
	investorPlans []*domain.Investor
	plans         []*domain.Startup
}

// id returns the next demo id: 24 hex digits, unlike any ObjectID made
// after 2015, in the same order on every run.
func (s *seeder) id() string {
	s.ids++
	return fmt.Sprintf("de30%020x", s.ids)
}

// Demo writes the demo set and returns the sign-in accounts. The same seed
// always gives the same data.
func Demo(ctx context.Context, d Deps, sz Sizes) ([]Account, error) {
	if d.AfterStep == nil {
		d.AfterStep = func(string) {}
	}
	s := &seeder{Deps: d, rnd: rand.New(rand.NewPCG(2026, 4))}
	h, err := s.Hasher.Hash(ctx, DemoPassword)
	if err != nil {
		return nil, err
	}
	s.hash = h
	accounts := []Account{}
	login := map[domain.Role]*domain.User{}
	for _, r := range []domain.Role{domain.RoleAdmin, domain.RoleFounder, domain.RoleInvestor, domain.RoleManager} {
		email := string(r) + "@demo.yuechuang.cn"
		u, err := s.user(ctx, r, email, demoName(r), true)
		if err != nil {
			return nil, err
		}
		login[r] = u
		accounts = append(accounts, Account{Role: r, Email: email, Password: DemoPassword})
	}

	spaces, err := s.spaces(ctx, sz.Spaces, login[domain.RoleManager])
	if err != nil {
		return nil, fmt.Errorf("seed spaces: %w", err)
	}
	s.AfterStep("spaces")
	if err := s.investors(ctx, sz.Investors, login[domain.RoleInvestor]); err != nil {
		return nil, fmt.Errorf("seed investors: %w", err)
	}
	s.AfterStep("investors")
	published, err := s.startups(ctx, sz, spaces, login[domain.RoleFounder])
	if err != nil {
		return nil, fmt.Errorf("seed startups: %w", err)
	}
	s.AfterStep("startups")
	if err := s.Store.InsertUsers(ctx, s.users); err != nil {
		return nil, fmt.Errorf("seed users: %w", err)
	}
	s.AfterStep("users")
	if err := s.matchAlerts(ctx); err != nil {
		return nil, fmt.Errorf("seed match alerts: %w", err)
	}
	s.AfterStep("alerts")
	if err := s.roadshows(ctx, login[domain.RoleManager], spaces, published); err != nil {
		return nil, fmt.Errorf("seed roadshows: %w", err)
	}
	s.AfterStep("roadshows")
	if err := s.pastRoadshows(ctx, login[domain.RoleManager], spaces, published); err != nil {
		return nil, fmt.Errorf("seed past roadshows: %w", err)
	}
	s.AfterStep("history")
	return accounts, nil
}

func demoName(r domain.Role) string {
	return map[domain.Role]string{
		domain.RoleAdmin: "绍兴市科技局管理员", domain.RoleFounder: "陈越（演示创业者）",
		domain.RoleInvestor: "王鉴（演示投资人）", domain.RoleManager: "李兰（演示空间管理者）",
	}[r]
}

// user plans an account, stored with the others; generated owners get no
// password and cannot sign in.
func (s *seeder) user(_ context.Context, r domain.Role, email, name string, canLogin bool) (*domain.User, error) {
	u := &domain.User{ID: s.id(), Email: email, Role: r, Name: name, CreatedAt: time.Now().UTC()}
	if canLogin {
		// The demo accounts obey the password policy like everyone else's.
		if code := auth.CheckPassword(DemoPassword, email); code != "" {
			return nil, fmt.Errorf("seed user %s: demo password refused by the policy: %s", email, code)
		}
		u.PasswordHash = s.hash
	}
	s.users = append(s.users, u)
	return u, nil
}

func (s *seeder) owner(ctx context.Context, r domain.Role) (domain.Actor, error) {
	return s.namedOwner(ctx, r, s.person())
}

// namedOwner is owner with the account's name given: an investor's account
// bears the profile's name, as Investors.Create keeps it.
func (s *seeder) namedOwner(ctx context.Context, r domain.Role, name string) (domain.Actor, error) {
	s.n++
	u, err := s.user(ctx, r, fmt.Sprintf("%s-%03d@seed.yuechuang.cn", r, s.n), name, false)
	if err != nil {
		return domain.Actor{}, err
	}
	return domain.Actor{UserID: u.ID, Role: r}, nil
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func (s *seeder) person() string { return pick(s.rnd, surnames) + pick(s.rnd, givenNames) }

func ptr[T any](v T) *T { return &v }

func (s *seeder) spaces(ctx context.Context, n int, manager *domain.User) ([]*domain.Space, error) {
	levels := []string{"city", "city", "city", "provincial", "provincial", "national"}
	out := []*domain.Space{}
	for i := 0; i < n; i++ {
		name := spaceNames[i%len(spaceNames)]
		if i >= len(spaceNames) {
			name = fmt.Sprintf("%s（%d）", name, i/len(spaceNames)+1)
		}
		actor := domain.Actor{UserID: manager.ID, Role: domain.RoleManager}
		if i >= 2 { // the demo manager runs the first two spaces
			var err error
			if actor, err = s.owner(ctx, domain.RoleManager); err != nil {
				return nil, err
			}
		}
		services := []string{}
		for _, sv := range domain.SpaceServices {
			if s.rnd.Float64() < 0.55 {
				services = append(services, sv)
			}
		}
		district := s.Taxonomy.Districts[i%len(s.Taxonomy.Districts)].Code
		in := app.SpaceInput{
			Name: ptr(name), Level: ptr(levels[i%len(levels)]), Model: ptr(domain.SpaceModels[i%len(domain.SpaceModels)]),
			Services: &services, District: &district, IsBase: ptr(i%10 == 9),
			Address:     ptr(fmt.Sprintf("绍兴市%s创业大道%d号", s.districtZh(district), 10+i*7)),
			Description: ptr("面向" + s.districtZh(district) + "创业者提供办公空间、创业辅导、投融资对接和技术服务。"),
		}
		sp, err := s.Spaces.Prepare(actor, in)
		if err != nil {
			return nil, err
		}
		sp.ID, sp.Verified = s.id(), i%4 != 3
		out = append(out, sp)
	}
	return out, s.Store.InsertSpaces(ctx, out)
}

func (s *seeder) districtZh(code string) string {
	for _, d := range s.Taxonomy.Districts {
		if d.Code == code {
			return d.Zh
		}
	}
	return code
}

// sectorsOfFamily returns the sector codes in family.
func (s *seeder) sectorsOfFamily(family string) []string {
	var out []string
	for _, sec := range s.Taxonomy.Sectors {
		if sec.Family == family {
			out = append(out, sec.Code)
		}
	}
	return out
}

func (s *seeder) investors(ctx context.Context, n int, demo *domain.User) error {
	stages := domain.StageCodes()
	var out []*domain.Investor
	for i := 0; i < n; i++ {
		if i > 0 {
			s.person() // the draw that once named the account apart: kept, so the demo set stays as it was
		}
		kind := domain.KindAngel
		name := s.person()
		org := ""
		lo := 1 + s.rnd.IntN(2) // seed or angel
		if i%3 == 2 {
			kind, org = domain.KindInstitution, institutionNames[i%len(institutionNames)]
			name, lo = org, 2+s.rnd.IntN(3)
		}
		// One name per person: the profile's is the account's.
		actor := domain.Actor{UserID: demo.ID, Role: domain.RoleInvestor}
		if i == 0 {
			name = demo.Name
		} else {
			var err error
			if actor, err = s.namedOwner(ctx, domain.RoleInvestor, name); err != nil {
				return err
			}
		}
		hi := min(lo+1+s.rnd.IntN(2), len(stages)-1)
		fam := pick(s.rnd, s.Taxonomy.Families).Code
		sectors := s.sectorsOfFamily(fam)
		if len(sectors) > 2 {
			s.rnd.Shuffle(len(sectors), func(a, b int) { sectors[a], sectors[b] = sectors[b], sectors[a] })
			sectors = sectors[:2]
		}
		if i == 0 { // the demo investor backs chips and AI, as in the example
			sectors, lo, hi = []string{"ic", "ai"}, 1, 3
		}
		districts := []string{}
		if s.rnd.Float64() < 0.5 {
			districts = append(districts, pick(s.rnd, s.Taxonomy.Districts).Code)
		}
		minW := []float64{0, 20, 50, 100, 500, 1000, 3000, 5000}[lo]
		maxW := []float64{50, 200, 500, 1000, 3000, 8000, 20000, 50000}[hi]
		in := app.InvestorInput{
			Name: ptr(name), Kind: ptr(kind), Organization: ptr(org), Sectors: &sectors,
			Stages: ptr(stages[lo : hi+1]), CheckMinWan: ptr(minW), CheckMaxWan: ptr(maxW), Districts: &districts,
			Bio: ptr(fmt.Sprintf("关注%s领域的早期项目，偏好有核心技术和清晰商业模式的团队。", s.sectorZh(sectors[0]))),
		}
		if kind == domain.KindAngel {
			in.Title = ptr("天使投资人")
		} else {
			in.Title = ptr("投资总监")
		}
		inv, err := s.Investors.Prepare(actor, in)
		if err != nil {
			return err
		}
		inv.ID, inv.Verified = s.id(), i == 0 || s.rnd.Float64() < 0.6
		out = append(out, inv)
	}
	s.investorPlans = out
	return s.Store.InsertInvestors(ctx, out)
}

func (s *seeder) sectorZh(code string) string {
	if sec, ok := s.Taxonomy.Sector(code); ok {
		return sec.Zh
	}
	return code
}
