package app

import (
	"context"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// IntroStore is what intros and the pipeline read and write.
type IntroStore interface {
	CreateIntro(ctx context.Context, i *domain.Intro) error
	IntroByID(ctx context.Context, id string) (*domain.Intro, error)
	UpdateIntro(ctx context.Context, i *domain.Intro, prev int) error
	IntrosOf(ctx context.Context, userID string) ([]domain.Intro, error)
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	ListStartups(ctx context.Context, f domain.StartupFilter, p domain.Page) ([]domain.Startup, int, error)
	InvestorByID(ctx context.Context, id string) (*domain.Investor, error)
	UserByID(ctx context.Context, id string) (*domain.User, error)
	SavePipelineItem(ctx context.Context, it domain.PipelineItem) error
	PipelineOf(ctx context.Context, investorID string) ([]domain.PipelineItem, error)
}

// Notify sends notifications; Notifier implements it. A note a person
// causes names them (Note.From) and its subject, so that one rule
// de-duplicates and limits every kind (domain.NoteRuleOf); an act that
// saves something before it notifies calls Admit first.
type Notify interface {
	Notify(ctx context.Context, userID, typ string, data map[string]any) error
	NotifyMany(ctx context.Context, notes []Note) error
	Admit(ctx context.Context, nt *Note) error
}

// Intro limits.
const (
	maxIntroMessage    = 500
	maxOpenIntrosDaily = 10 // pending requests one user may send per 24 hours
)

// Intros runs double opt-in introductions and investors' pipelines. It is
// safe for concurrent use.
type Intros struct {
	store     IntroStore
	investors InvestorReader
	notify    Notify
	now       func() time.Time
}

// NewIntros returns an Intros service; investors finds the calling
// investor's profile (the matcher answers from memory).
func NewIntros(store IntroStore, investors InvestorReader, notify Notify) *Intros {
	return &Intros{store: store, investors: investors, notify: notify, now: time.Now}
}

// IntroInput proposes an introduction: an investor names a startup, a
// founder names an investor (and optionally which of their startups).
type IntroInput struct {
	StartupID  string `json:"startupId"`
	InvestorID string `json:"investorId"`
	Message    string `json:"message"`
}

// Contact is what each side sees of the other once both agreed.
type Contact struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Phone string `json:"phone,omitempty"`
}

// IntroView is an intro as one side sees it.
type IntroView struct {
	domain.Intro
	Contact *Contact `json:"contact,omitempty"` // the other side, after accept only
}

// Create proposes an introduction and tells the other side.
func (svc *Intros) Create(ctx context.Context, actor domain.Actor, in IntroInput) (*IntroView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	in.Message = strings.TrimSpace(in.Message)
	var v domain.Validator
	checkText(&v, "message", in.Message, maxIntroMessage, false)
	v.CheckCode(in.StartupID == "" || domain.ValidID(in.StartupID), "startupId", "invalid_id", "malformed id")
	v.CheckCode(in.InvestorID == "" || domain.ValidID(in.InvestorID), "investorId", "invalid_id", "malformed id")
	switch actor.Role {
	case domain.RoleInvestor:
		v.CheckCode(in.StartupID != "", "startupId", "required", "required")
	case domain.RoleFounder:
		v.CheckCode(in.InvestorID != "", "investorId", "required", "required")
	default:
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors and founders request intros")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	i := &domain.Intro{FromID: actor.UserID, Message: in.Message, Status: domain.IntroPending, CreatedAt: svc.now().UTC()}
	var inv *domain.Investor
	var st *domain.Startup
	var err error
	if actor.Role == domain.RoleInvestor {
		if inv, err = svc.investors.InvestorByOwner(ctx, actor.UserID); domain.IsKind(err, domain.KindNotFound) {
			return nil, domain.CodedError(domain.KindConflict, "profile_required", "create your investor profile first")
		} else if err != nil {
			return nil, err
		}
		if st, err = svc.store.StartupByID(ctx, in.StartupID); err != nil || st.Status != domain.StatusPublished {
			return nil, notFoundOr(err)
		}
	} else {
		if inv, err = svc.store.InvestorByID(ctx, in.InvestorID); err != nil {
			return nil, err
		}
		if in.StartupID != "" {
			if st, err = svc.store.StartupByID(ctx, in.StartupID); err != nil {
				return nil, err
			}
			if st.OwnerID != actor.UserID {
				return nil, domain.ErrNotFound
			}
		} else {
			mine, _, err := svc.store.ListStartups(ctx, domain.StartupFilter{OwnerID: actor.UserID}, domain.Page{Page: 1, PageSize: 1})
			if err != nil {
				return nil, err
			}
			if len(mine) == 0 {
				return nil, domain.CodedError(domain.KindConflict, "profile_required", "create your startup profile first")
			}
			st = &mine[0]
		}
	}
	i.StartupID, i.StartupName, i.FounderID = st.ID, st.Name, st.OwnerID
	i.InvestorID, i.InvestorUserID = inv.ID, inv.OwnerID
	i.InvestorName = newNames(ctx, peopleOf(svc.store, svc.investors)).of(inv.OwnerID, inv.Name)
	existing, err := svc.store.IntrosOf(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	sent := 0
	day := svc.now().Add(-24 * time.Hour)
	for _, e := range existing {
		if e.Status != domain.IntroPending {
			continue
		}
		if e.StartupID == i.StartupID && e.InvestorUserID == i.InvestorUserID {
			return nil, domain.CodedError(domain.KindConflict, "intro_pending", "an intro between you is already pending")
		}
		if e.FromID == actor.UserID && e.CreatedAt.After(day) {
			sent++
		}
	}
	if sent >= maxOpenIntrosDaily {
		return nil, domain.CodedError(domain.KindRateLimited, "intro_limit", "at most 10 open intro requests a day")
	}
	other := i.FounderID
	if actor.UserID == i.FounderID {
		other = i.InvestorUserID
	}
	note := Note{UserID: other, Type: domain.NoteIntroRequested, From: actor.UserID, Subject: i.StartupID}
	if err := svc.notify.Admit(ctx, &note); err != nil {
		return nil, err // before the intro is saved: a refused request leaves nothing
	}
	if err := svc.store.CreateIntro(ctx, i); err != nil {
		return nil, err
	}
	note.Data = introData(i)
	if err := svc.notify.NotifyMany(ctx, []Note{note}); err != nil {
		return nil, err
	}
	return &IntroView{Intro: *i}, nil
}

func notFoundOr(err error) error {
	if err != nil {
		return err
	}
	return domain.ErrNotFound
}

func introData(i *domain.Intro) map[string]any {
	return map[string]any{"introId": i.ID, "startupId": i.StartupID, "startupName": i.StartupName,
		"investorId": i.InvestorID, "investorName": i.InvestorName, "message": i.Message, "status": i.Status}
}

// Decide accepts or declines an intro; only the side that did not propose may.
func (svc *Intros) Decide(ctx context.Context, actor domain.Actor, id string, accept bool) (*IntroView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	i, err := svc.store.IntroByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.UserID != i.FounderID && actor.UserID != i.InvestorUserID {
		return nil, domain.ErrNotFound
	}
	if actor.UserID == i.FromID {
		return nil, domain.CodedError(domain.KindForbidden, "other_side_only", "only the other side may accept or decline")
	}
	if i.Status != domain.IntroPending {
		return nil, domain.CodedError(domain.KindConflict, "intro_decided", "this intro was already decided")
	}
	now := svc.now().UTC()
	i.Status, i.DecidedAt = domain.IntroDeclined, &now
	typ := domain.NoteIntroDeclined
	if accept {
		i.Status, typ = domain.IntroAccepted, domain.NoteIntroAccepted
	}
	if err := svc.store.UpdateIntro(ctx, i, i.Version); err != nil {
		return nil, err
	}
	if err := svc.notify.NotifyMany(ctx, []Note{{UserID: i.FromID, Type: typ, Data: introData(i), From: actor.UserID, Subject: i.ID}}); err != nil {
		return nil, err
	}
	return svc.view(ctx, actor, i)
}

// view adds the other side's contact to an accepted intro.
func (svc *Intros) view(ctx context.Context, actor domain.Actor, i *domain.Intro) (*IntroView, error) {
	v := &IntroView{Intro: *i}
	v.InvestorName = newNames(ctx, peopleOf(svc.store, svc.investors)).of(i.InvestorUserID, i.InvestorName)
	if i.Status != domain.IntroAccepted {
		return v, nil
	}
	if actor.UserID == i.InvestorUserID {
		u, err := svc.store.UserByID(ctx, i.FounderID)
		if err != nil {
			return nil, err
		}
		v.Contact = &Contact{Name: u.Name, Email: u.Email}
		if st, err := svc.store.StartupByID(ctx, i.StartupID); err == nil && st.Private != nil {
			if st.Private.ContactName != "" {
				v.Contact.Name = st.Private.ContactName
			}
			v.Contact.Phone = st.Private.ContactPhone
		}
		return v, nil
	}
	u, err := svc.store.UserByID(ctx, i.InvestorUserID)
	if err != nil {
		return nil, err
	}
	v.Contact = &Contact{Name: u.Name, Email: u.Email}
	return v, nil
}

// List returns the caller's intros, newest first, with contacts where both agreed.
func (svc *Intros) List(ctx context.Context, actor domain.Actor) ([]IntroView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	all, err := svc.store.IntrosOf(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]IntroView, 0, len(all))
	for idx := len(all) - 1; idx >= 0; idx-- {
		v, err := svc.view(ctx, actor, &all[idx])
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	sortIntros(out)
	return out, nil
}

func sortIntros(v []IntroView) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j].CreatedAt.After(v[j-1].CreatedAt); j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}

// PipelineInput moves a startup in the caller's pipeline.
type PipelineInput struct {
	Stage string `json:"stage"`
	Note  string `json:"note"`
}

// SetPipeline records where a startup stands in the calling investor's
// private pipeline.
func (svc *Intros) SetPipeline(ctx context.Context, actor domain.Actor, startupID string, in PipelineInput) (*domain.PipelineItem, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors keep a pipeline")
	}
	var v domain.Validator
	v.CheckCode(contains(domain.PipelineStages, in.Stage), "stage", "invalid_choice", "unknown stage")
	checkText(&v, "note", in.Note, maxDescription, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	st, err := svc.store.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if st.Status != domain.StatusPublished {
		return nil, domain.ErrNotFound
	}
	it := domain.PipelineItem{InvestorID: actor.UserID, StartupID: startupID, Stage: in.Stage, Note: in.Note, UpdatedAt: svc.now().UTC()}
	if err := svc.store.SavePipelineItem(ctx, it); err != nil {
		return nil, err
	}
	return &it, nil
}

// PipelineEntry is a pipeline item with the startup's card.
type PipelineEntry struct {
	domain.PipelineItem
	Startup *domain.StartupCard `json:"startup,omitempty"`
}

// Pipeline returns the calling investor's pipeline; nobody else sees it.
func (svc *Intros) Pipeline(ctx context.Context, actor domain.Actor) ([]PipelineEntry, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleInvestor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only investors keep a pipeline")
	}
	items, err := svc.store.PipelineOf(ctx, actor.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]PipelineEntry, 0, len(items))
	for _, it := range items {
		e := PipelineEntry{PipelineItem: it}
		if st, err := svc.store.StartupByID(ctx, it.StartupID); err == nil {
			e.Startup = st.Card()
		}
		out = append(out, e)
	}
	return out, nil
}
