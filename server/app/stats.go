package app

import (
	"context"
	"math"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// StatsStore is what the program's figures are counted from. Counting is
// done here in Go, from plain scans: FerretDB's $group is not to be trusted
// with more than one accumulator (docs/STORAGE.md).
type StatsStore interface {
	TargetsSaved(ctx context.Context) (*domain.Targets, error)
	SaveTargets(ctx context.Context, t *domain.Targets) error
	EachSpace(ctx context.Context, fn func(domain.Space) error) error
	EachStartup(ctx context.Context, fn func(domain.Startup) error) error
	EachInvestor(ctx context.Context, fn func(domain.Investor) error) error
	EachRoadshow(ctx context.Context, fn func(domain.Roadshow) error) error
	EachIntro(ctx context.Context, fn func(domain.Intro) error) error
	EachPipelineItem(ctx context.Context, fn func(domain.PipelineItem) error) error
	EachFeedback(ctx context.Context, fn func(domain.Feedback) error) error
	EachAttendance(ctx context.Context, fn func(domain.Attendance) error) error
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
}

// Stats counts the program's figures against its targets. It is safe for
// concurrent use.
type Stats struct {
	store    StatsStore
	defaults *domain.Targets
	tax      *domain.Taxonomy
	book     *ServiceBook // the plan's other services' records (stats_services.go)
}

// NewStats returns a Stats service; defaults are the plan's targets, used
// until an admin saves others.
func NewStats(store StatsStore, defaults *domain.Targets, tax *domain.Taxonomy) *Stats {
	return &Stats{store: store, defaults: defaults, tax: tax}
}

// Targets returns the targets in force.
func (svc *Stats) Targets(ctx context.Context) (*domain.Targets, error) {
	t, err := svc.store.TargetsSaved(ctx)
	if domain.IsKind(err, domain.KindNotFound) {
		cp := *svc.defaults
		return &cp, nil
	}
	return t, err
}

// SaveTargets replaces the targets; admins only.
func (svc *Stats) SaveTargets(ctx context.Context, actor domain.Actor, t *domain.Targets) (*domain.Targets, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if !actor.IsAdmin() {
		return nil, domain.ErrForbidden
	}
	var v domain.Validator
	v.CheckCode(t.Year >= 2000 && t.Year <= 2100, "year", "out_of_range", "invalid year")
	for _, n := range []int{t.SpacesCity, t.SpacesProvincial, t.SpacesNational, t.MakerBases, t.Startups, t.HighTech, t.Talent, t.VentureInstitutions} {
		v.CheckCode(n >= 0 && n <= 10_000_000, "targets", "out_of_range", "targets are non-negative numbers")
	}
	for _, sh := range []float64{t.IncubationTeamShare, t.FinancingShare, t.MentoringShare, t.TechServicesShare} {
		v.CheckCode(sh >= 0 && sh <= 1, "shares", "out_of_range", "shares are 0..1")
	}
	for d := range t.Districts {
		v.CheckCode(svc.tax.HasDistrict(d), "districts", "invalid_choice", "unknown district: "+clip(d))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if t.Districts == nil {
		t.Districts = map[string]domain.DistrictTargets{}
	}
	if err := svc.store.SaveTargets(ctx, t); err != nil {
		return nil, err
	}
	return t, nil
}

// tally is everything counted for the program or one district or space.
type tally struct {
	spaces, city, provincial, national, bases      int
	incubationTeam, financing, mentoring, techSvc  int
	startups, highTech, graduated, talent          int
	institutions                                   int
	roadshows, attendance, interest, intros, deals int
	services                                       serviceTally
}

func figure(key, zh, en string, value, target float64) domain.Figure {
	f := domain.Figure{Key: key, Zh: zh, En: en, Value: value, Target: target, Basis: domain.FigureBasis(key)}
	if target > 0 {
		p := math.Round(value/target*1000) / 10
		f.Percent = &p
	}
	return f
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*1000) / 1000
}

func shareFigure(key, zh, en string, n, of int, target float64) domain.Figure {
	f := figure(key, zh, en, share(n, of), target)
	f.Unit = "share"
	return f
}

func (t *tally) figures(tg *domain.Targets) []domain.Figure {
	return []domain.Figure{
		figure("spaces.city", "市级众创空间", "City-level maker spaces", float64(t.city), float64(tg.SpacesCity)),
		figure("spaces.provincial", "省级众创空间", "Provincial maker spaces", float64(t.provincial), float64(tg.SpacesProvincial)),
		figure("spaces.national", "国家级众创空间", "National maker spaces", float64(t.national), float64(tg.SpacesNational)),
		figure("makerBases", "创客基地", "Maker bases", float64(t.bases), float64(tg.MakerBases)),
		figure("startups", "孵化科技型小微企业", "Tech SMEs incubated", float64(t.startups), float64(tg.Startups)),
		figure("highTech", "高新技术企业", "High-tech enterprises", float64(t.highTech), float64(tg.HighTech)),
		figure("talent", "集聚创新创业人才", "Talent attracted", float64(t.talent), float64(tg.Talent)),
		figure("ventureInstitutions", "创投机构", "Venture institutions", float64(t.institutions), float64(tg.VentureInstitutions)),
		shareFigure("share.incubationTeam", "具备职业孵化服务队伍的空间占比", "Spaces with an incubation team", t.incubationTeam, t.spaces, tg.IncubationTeamShare),
		shareFigure("share.financing", "提供投融资服务的空间占比", "Spaces offering financing", t.financing, t.spaces, tg.FinancingShare),
		shareFigure("share.mentoring", "提供辅导培训的空间占比", "Spaces offering mentoring and training", t.mentoring, t.spaces, tg.MentoringShare),
		shareFigure("share.techServices", "提供技术服务的空间占比", "Spaces offering technical services", t.techSvc, t.spaces, tg.TechServicesShare),
		figure("platform.roadshows", "已举办路演", "Roadshows held", float64(t.roadshows), 0),
		figure("platform.attendance", "路演参与人次", "Roadshow attendees", float64(t.attendance), 0),
		figure("platform.interest", "投资意向", "Interest signals", float64(t.interest), 0),
		figure("platform.intros", "成功引荐", "Intros accepted", float64(t.intros), 0),
		figure("platform.deals", "已投项目", "Deals reported", float64(t.deals), 0),
		figure("support.paidWan", "已兑现扶持资金（万元）", "Support paid (万元)", t.services.paidWan, 0),
		figure("support.recipients", "获扶持的空间和企业", "Spaces and startups supported", float64(len(t.services.recipients)), 0),
	}
}

// ProgramStats are the program's figures; Districts only for admins.
type ProgramStats struct {
	Targets   *domain.Targets            `json:"targets"`
	Figures   []domain.Figure            `json:"figures"`
	Districts map[string][]domain.Figure `json:"districts,omitempty"`
}

// counts scans everything once, by the official counting rules
// (domain.CountsSpace, domain.CountsStartup). space, when set, narrows the
// counts to that space's residents and roadshows, the space itself counted
// whether or not verified yet (its manager's own view).
// asOf, when not zero, counts only what had happened by then, from the
// dates stored with each record.
func (svc *Stats) counts(ctx context.Context, space string, asOf time.Time) (*tally, map[string]*tally, error) {
	counted := func(t time.Time) bool { return asOf.IsZero() || !t.After(asOf) }
	all := &tally{}
	by := map[string]*tally{}
	at := func(d string) *tally {
		if by[d] == nil {
			by[d] = &tally{}
		}
		return by[d]
	}
	spaceCounts := map[string]bool{}
	covered := svc.coverage(asOf) // services counted from records, not the spaces' own flags
	err := svc.store.EachSpace(ctx, func(s domain.Space) error {
		if s.ID == space || (space == "" && domain.CountsSpace(&s)) {
			spaceCounts[s.ID] = true // its residents count; verification has no date, so as it stands now
		}
		if (space != "" && s.ID != space) || !counted(s.CreatedAt) || !spaceCounts[s.ID] {
			return nil
		}
		for _, t := range []*tally{all, at(s.District)} {
			t.spaces++
			switch s.Level {
			case "city":
				t.city++
			case "provincial":
				t.provincial++
			case "national":
				t.national++
			}
			if s.IsBase {
				t.bases++
			}
			t.mentoring += covered.count("mentoring", s.ID)
			t.techSvc += covered.count("techServices", s.ID)
			for _, sv := range s.Services {
				if covered.has(sv) {
					continue
				}
				switch sv {
				case "incubationTeam":
					t.incubationTeam++
				case "financing":
					t.financing++
				case "mentoring":
					t.mentoring++
				case "techServices":
					t.techSvc++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	startupSpace := map[string]bool{}
	err = svc.store.EachStartup(ctx, func(s domain.Startup) error {
		if !domain.CountsStartup(&s, func(id string) bool { return spaceCounts[id] }) {
			return nil // the program counts published, confirmed residents of counted spaces
		}
		since := s.CreatedAt
		if s.IncubatedSince != nil {
			since = *s.IncubatedSince
		}
		if !counted(since) {
			return nil
		}
		startupSpace[s.ID] = true
		for _, t := range []*tally{all, at(s.District)} {
			t.startups++
			t.talent += s.TeamSize
			if s.HighTech {
				t.highTech++
			}
			if s.Graduated {
				t.graduated++
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if space == "" {
		err = svc.store.EachInvestor(ctx, func(inv domain.Investor) error {
			if inv.Kind == domain.KindInstitution && counted(inv.CreatedAt) {
				all.institutions++
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	held := map[string]bool{}
	err = svc.store.EachRoadshow(ctx, func(r domain.Roadshow) error {
		if (space == "" || r.SpaceID == space) && r.Status != domain.RoadshowScheduled && (asOf.IsZero() || r.StartedAt != nil && counted(*r.StartedAt)) {
			held[r.ID] = true
			all.roadshows++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = svc.store.EachAttendance(ctx, func(a domain.Attendance) error {
		if held[a.RoadshowID] && counted(a.FirstSeen) {
			all.attendance++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = svc.store.EachFeedback(ctx, func(f domain.Feedback) error {
		if f.Action == domain.FeedbackInterested && (space == "" || startupSpace[f.StartupID]) && counted(f.At) {
			all.interest++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = svc.store.EachIntro(ctx, func(i domain.Intro) error {
		if i.Status == domain.IntroAccepted && (space == "" || startupSpace[i.StartupID]) && (asOf.IsZero() || i.DecidedAt != nil && counted(*i.DecidedAt)) {
			all.intros++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = svc.store.EachPipelineItem(ctx, func(p domain.PipelineItem) error {
		if p.Stage == "invested" && (space == "" || startupSpace[p.StartupID]) && counted(p.UpdatedAt) {
			all.deals++
		}
		return nil
	})
	svc.countServices(all, at, space, startupSpace, asOf)
	return all, by, err
}

// viewer is a store that keeps views of its memory current (ReadModel.View).
type viewer interface {
	View(key string, build func() (any, error)) (any, error)
}

type programTally struct {
	all *tally
	by  map[string]*tally
}

// programCounts are the program's counts as they stand: from the read
// model's view, counted again only after a change (the counts are not
// changed by their readers).
func (svc *Stats) programCounts(ctx context.Context) (*tally, map[string]*tally, error) {
	build := func() (any, error) {
		all, by, err := svc.counts(ctx, "", time.Time{})
		return programTally{all: all, by: by}, err
	}
	v, ok := svc.store.(viewer)
	if !ok {
		t, err := build()
		if err != nil {
			return nil, nil, err
		}
		return t.(programTally).all, t.(programTally).by, nil
	}
	t, err := v.View("stats.program", build)
	if err != nil {
		return nil, nil, err
	}
	return t.(programTally).all, t.(programTally).by, nil
}

// Program returns the program's figures; admins also get every district's.
func (svc *Stats) Program(ctx context.Context, actor domain.Actor) (*ProgramStats, error) {
	tg, err := svc.Targets(ctx)
	if err != nil {
		return nil, err
	}
	all, by, err := svc.programCounts(ctx)
	if err != nil {
		return nil, err
	}
	out := &ProgramStats{Targets: tg, Figures: all.figures(tg)}
	if actor.IsAdmin() {
		out.Districts = map[string][]domain.Figure{}
		for _, d := range svc.tax.Districts {
			t := by[d.Code]
			if t == nil {
				t = &tally{}
			}
			dt := tg.Districts[d.Code]
			out.Districts[d.Code] = []domain.Figure{
				figure("spaces", d.Zh+"众创空间", d.En+" maker spaces", float64(t.spaces), float64(dt.Spaces)),
				figure("startups", d.Zh+"孵化企业", d.En+" startups incubated", float64(t.startups), float64(dt.Startups)),
				figure("highTech", d.Zh+"高新技术企业", d.En+" high-tech enterprises", float64(t.highTech), float64(dt.HighTech)),
				figure("talent", d.Zh+"人才", d.En+" talent", float64(t.talent), 0),
			}
		}
	}
	return out, nil
}

// SpaceStats are one space's figures.
type SpaceStats struct {
	SpaceID string          `json:"spaceId"`
	Figures []domain.Figure `json:"figures"`
}

// Space returns one space's figures; its manager and admins only.
func (svc *Stats) Space(ctx context.Context, actor domain.Actor, id string) (*SpaceStats, error) {
	if _, err := managedSpace(ctx, svc.store, actor, id); err != nil {
		return nil, err
	}
	t, _, err := svc.counts(ctx, id, time.Time{})
	if err != nil {
		return nil, err
	}
	return &SpaceStats{SpaceID: id, Figures: []domain.Figure{
		figure("startups", "入驻企业", "Resident startups", float64(t.startups), 0),
		figure("highTech", "高新技术企业", "High-tech enterprises", float64(t.highTech), 0),
		figure("graduated", "已毕业企业", "Graduated startups", float64(t.graduated), 0),
		figure("talent", "创业人才", "Talent", float64(t.talent), 0),
		figure("platform.roadshows", "已举办路演", "Roadshows held", float64(t.roadshows), 0),
		figure("platform.attendance", "路演参与人次", "Roadshow attendees", float64(t.attendance), 0),
		figure("platform.interest", "投资意向", "Interest signals", float64(t.interest), 0),
		figure("platform.intros", "成功引荐", "Intros accepted", float64(t.intros), 0),
		figure("platform.deals", "已投项目", "Deals reported", float64(t.deals), 0),
	}}, nil
}
