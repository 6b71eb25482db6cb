package app

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/roadshow"
)

// RoadshowStore stores roadshows and their registrations and record.
type RoadshowStore interface {
	CreateRoadshow(ctx context.Context, r *domain.Roadshow) error
	RoadshowByID(ctx context.Context, id string) (*domain.Roadshow, error)
	UpdateRoadshow(ctx context.Context, r *domain.Roadshow, prev int) error
	ListRoadshows(ctx context.Context, spaceID, status string, p domain.Page) ([]domain.Roadshow, int, error)
	Register(ctx context.Context, reg domain.Registration) (bool, error)
	IsRegistered(ctx context.Context, roadshowID, userID string) (bool, error)
	CountRegistrations(ctx context.Context, roadshowID string) (int, error)
	AttendanceOf(ctx context.Context, roadshowID string) ([]domain.Attendance, error)
	StartupByID(ctx context.Context, id string) (*domain.Startup, error)
	SpaceByID(ctx context.Context, id string) (*domain.Space, error)
	RegisteredUsers(ctx context.Context, roadshowID string) ([]string, error)
	Unregister(ctx context.Context, roadshowID, userID string) (bool, error)
	GuestDirectory
	People // the record's names (names.go)
}

// RoadshowReader is a RoadshowStore that also gives each roadshow's room
// log as its record shows it (ReadModel.RoomFold) and the version of the
// names it answers (ReadModel.NamesVersion).
type RoadshowReader interface {
	RoadshowStore
	RoomFold(ctx context.Context, roadshowID string) (*RoomFold, error)
	NamesVersion() (NamesVersion, bool)
}

// Audience finds who should hear of a roadshow: investors whose thesis
// names one of its sectors. Matcher implements it.
type Audience interface {
	InvestorsInSectors(sectors []string) []string
}

// RoomControl drives the live room of a roadshow; the realtime hub
// implements it.
type RoomControl interface {
	// Command carries out a lifecycle command (roadshow.Start, Advance,
	// End) as actor under the room's rules, and returns once the room
	// stored it and the roadshow's status follows its log.
	Command(ctx context.Context, roadshowID string, actor domain.Actor, cmd roadshow.Command) error
	// Reload makes a live room re-read the roadshow after it was changed.
	Reload(ctx context.Context, roadshowID string) error
}

// Roadshow limits.
const (
	maxSlots       = 30
	maxSlotMinutes = 120
	maxInvited     = 500
)

// Roadshows schedules and runs roadshows. It is safe for concurrent use.
type Roadshows struct {
	store    RoadshowReader
	rooms    RoomControl
	notify   Notify
	audience Audience
	log      *slog.Logger
	now      func() time.Time
}

// NewRoadshows returns a Roadshows service.
func NewRoadshows(store RoadshowReader, rooms RoomControl, notify Notify, audience Audience, log *slog.Logger) *Roadshows {
	return &Roadshows{store: store, rooms: rooms, notify: notify, audience: audience, log: log, now: time.Now}
}

// RoadshowInput creates or changes a roadshow; nil fields stay.
type RoadshowInput struct {
	Title       *string        `json:"title"`
	Description *string        `json:"description"`
	SpaceID     *string        `json:"spaceId"`
	StartsAt    *time.Time     `json:"startsAt"`
	StreamURL   *string        `json:"streamUrl"`
	Visibility  *string        `json:"visibility"`
	Slots       *[]domain.Slot `json:"slots"`
	Invited     *[]string      `json:"invited"`
}

func (svc *Roadshows) apply(ctx context.Context, actor domain.Actor, r *domain.Roadshow, in RoadshowInput, creating bool) error {
	setIf(&r.Title, in.Title)
	setIf(&r.Description, in.Description)
	setIf(&r.SpaceID, in.SpaceID)
	setIf(&r.StartsAt, in.StartsAt)
	setIf(&r.StreamURL, in.StreamURL)
	setIf(&r.Visibility, in.Visibility)
	setIf(&r.Invited, in.Invited)
	r.Title = strings.TrimSpace(r.Title)
	var v domain.Validator
	checkText(&v, "title", r.Title, maxName*2, true)
	checkText(&v, "description", r.Description, maxDescription, false)
	v.CheckCode(r.StreamURL == "" || validURL(r.StreamURL), "streamUrl", "invalid_url", "must be an http(s) URL")
	v.CheckCode(contains([]string{domain.VisibilityPublic, domain.VisibilityRegistered, domain.VisibilityInvited}, r.Visibility), "visibility", "invalid_choice", "must be public, registered or invited")
	v.CheckCode(!r.StartsAt.IsZero(), "startsAt", "required", "required, an RFC 3339 time")
	if in.StartsAt != nil {
		v.CheckCode(r.StartsAt.After(svc.now().Add(-time.Hour)), "startsAt", "in_past", "must not be in the past")
		v.CheckCode(r.StartsAt.Before(svc.now().Add(domain.ScheduleHorizon)), "startsAt", "date_out_of_range", "at most two years ahead")
	}
	v.CheckCode(len(r.Invited) <= maxInvited, "invited", "too_many", "at most 500 invitations")
	for _, u := range r.Invited {
		v.CheckCode(domain.ValidID(u), "invited", "invalid_id", "must be user ids")
	}
	if in.Slots != nil {
		v.CheckCode(len(*in.Slots) >= 1 && len(*in.Slots) <= maxSlots, "slots", "out_of_range", "1 to 30 pitch slots")
	} else if creating {
		v.CheckCode(false, "slots", "required", "required")
	}
	if err := v.Err(); err != nil {
		return err
	}
	sp, err := svc.store.SpaceByID(ctx, r.SpaceID)
	if domain.IsKind(err, domain.KindNotFound) || !domain.ValidID(r.SpaceID) {
		return domain.FieldInvalid("spaceId", "not_found", "no such maker space")
	}
	if err != nil {
		return err
	}
	if !actor.Owns(sp.OwnerID) {
		return domain.CodedError(domain.KindForbidden, "not_space_manager", "you can only host roadshows for spaces you manage")
	}
	if in.Slots != nil {
		slots := make([]domain.Slot, 0, len(*in.Slots))
		for i, s := range *in.Slots {
			field := "slots[" + itoa(i) + "]"
			if !domain.ValidID(s.StartupID) {
				return domain.FieldInvalid(field+".startupId", "invalid_id", "must be a startup id")
			}
			if s.Minutes < 1 || s.Minutes > maxSlotMinutes {
				return domain.FieldInvalid(field+".minutes", "out_of_range", "1 to 120 minutes")
			}
			if runes(s.Presenter) > maxName {
				return domain.FieldInvalid(field+".presenter", "too_long", tooLong(maxName))
			}
			st, err := svc.store.StartupByID(ctx, s.StartupID)
			if domain.IsKind(err, domain.KindNotFound) || (err == nil && st.Status != domain.StatusPublished) {
				return domain.FieldInvalid(field+".startupId", "not_found", "no such published startup")
			}
			if err != nil {
				return err
			}
			s.StartupName, s.OwnerID, s.Sector = st.Name, st.OwnerID, st.Sector
			slots = append(slots, s)
		}
		// The agenda is a list of invitations; only what founders accepted is presented.
		r.Slots, r.Invitations = domain.PlanAgenda(slots, r, r.OwnerID)
	}
	return nil
}

// Create schedules a roadshow hosted by the calling space manager.
func (svc *Roadshows) Create(ctx context.Context, actor domain.Actor, in RoadshowInput) (*domain.Roadshow, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleManager && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only space managers host roadshows")
	}
	now := svc.now().UTC()
	r := &domain.Roadshow{OwnerID: actor.UserID, Status: domain.RoadshowScheduled, Invited: []string{}, Slots: []domain.Slot{},
		CreatedAt: now, UpdatedAt: now}
	if err := svc.apply(ctx, actor, r, in, true); err != nil {
		return nil, err
	}
	guests := r.Invited
	r.Invited = []string{}
	r.SetGuests(guests)
	if err := svc.store.CreateRoadshow(ctx, r); err != nil {
		return nil, err
	}
	var sectors, users []string
	for _, s := range append(append([]domain.Slot{}, r.Slots...), r.Invitations...) {
		sectors = append(sectors, s.Sector)
	}
	users = svc.audience.InvestorsInSectors(sectors)
	if r.Visibility == domain.VisibilityInvited {
		users = nil // invitation-only: only the guests hear of it, invited
	}
	svc.announce(domain.NoteRoadshowNew, r, users)
	svc.announce(domain.NoteRoadshowGuest, r, r.Invited)
	svc.invite(r, nil) // founders hear of it as an invitation to answer
	return r, nil
}

// canSee reports whether actor may see r at all: by the room's entry rule,
// an invited-only roadshow exists only for its guests, host and presenters.
func (svc *Roadshows) canSee(actor domain.Actor, r *domain.Roadshow) bool {
	return canSeeRoadshow(actor, r)
}

// canSeeRoadshow is canSee's rule, which the city calendar uses too.
func canSeeRoadshow(actor domain.Actor, r *domain.Roadshow) bool {
	err := r.EntryRefusal(actor.UserID, actor.Role, func() (bool, error) { return true, nil })
	return err != domain.ErrNotFound || (actor.UserID != "" && r.InvitedToPresent(actor.UserID))
}

// RoadshowView is a roadshow with what the caller needs to know about it.
type RoadshowView struct {
	*domain.Roadshow
	IsHost       bool `json:"isHost"`
	IsRegistered bool `json:"isRegistered"`
	// Entry is why the caller may not enter the live room yet
	// (sign_in_required, registration_required), or empty if they may.
	Entry string `json:"entry"`
	// Guest is the caller's answer to their invitation to attend, if invited.
	Guest string `json:"guest,omitempty"`
}

// Get returns the roadshow with id if actor may see it.
func (svc *Roadshows) Get(ctx context.Context, actor domain.Actor, id string) (*RoadshowView, error) {
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !svc.canSee(actor, r) {
		return nil, domain.ErrNotFound
	}
	if err := svc.counted(ctx, r); err != nil {
		return nil, err
	}
	v := &RoadshowView{Roadshow: r, IsHost: actor.Owns(r.OwnerID), Guest: r.GuestStatus(actor.UserID)}
	if actor.UserID != "" {
		if v.IsRegistered, err = svc.store.IsRegistered(ctx, id, actor.UserID); err != nil {
			return nil, err
		}
	}
	var refusal *domain.Error
	if errors.As(r.EntryRefusal(actor.UserID, actor.Role, func() (bool, error) { return v.IsRegistered, nil }), &refusal) {
		v.Entry = refusal.Code
	}
	hideAgendaWork(actor, r) // the guest list and invitations are the host's business
	return v, nil
}

// Update changes a scheduled roadshow; only its host may.
func (svc *Roadshows) Update(ctx context.Context, actor domain.Actor, id string, in RoadshowInput) (*domain.Roadshow, error) {
	r, err := svc.hosted(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if r.Status == domain.RoadshowEnded {
		return nil, domain.CodedError(domain.KindConflict, "roadshow_ended", "the roadshow has ended")
	}
	if r.Status == domain.RoadshowLive && (in.Slots != nil || in.StartsAt != nil) {
		return nil, domain.CodedError(domain.KindConflict, "roadshow_live", "agenda and time are fixed while live")
	}
	before := agendaOf(r)
	prevGuests := slices.Clone(r.Invited)
	if err := svc.apply(ctx, actor, r, in, false); err != nil {
		return nil, err
	}
	var newGuests []string
	if in.Invited != nil {
		// The guest list as a whole (an API client's PATCH): the answers of
		// those who stay are kept, the new guests are told.
		list := r.Invited
		r.Invited = prevGuests
		newGuests = r.SetGuests(list)
	}
	r.UpdatedAt = svc.now().UTC()
	if err := svc.store.UpdateRoadshow(ctx, r, r.Version); err != nil {
		return nil, err
	}
	// Rooms admit from memory: tell a loaded room about the change.
	if err := svc.rooms.Reload(ctx, id); err != nil {
		return nil, err
	}
	svc.invite(r, before)
	if len(newGuests) > 0 {
		svc.announce(domain.NoteRoadshowGuest, r, newGuests)
	}
	return r, svc.counted(ctx, r)
}

func (svc *Roadshows) hosted(ctx context.Context, actor domain.Actor, id string) (*domain.Roadshow, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(r.OwnerID) {
		if !svc.canSee(actor, r) {
			return nil, domain.ErrNotFound
		}
		return nil, domain.CodedError(domain.KindForbidden, "host_only", "only the host may do this")
	}
	return r, nil
}

// List returns roadshows the caller may see, soonest first.
func (svc *Roadshows) List(ctx context.Context, actor domain.Actor, spaceID, status string, p domain.Page) (*domain.List[domain.Roadshow], error) {
	var v domain.Validator
	v.CheckCode(status == "" || contains([]string{domain.RoadshowScheduled, domain.RoadshowLive, domain.RoadshowEnded}, status), "status", "invalid_choice", "must be scheduled, live or ended")
	v.CheckCode(spaceID == "" || domain.ValidID(spaceID), "spaceId", "invalid_id", "malformed id")
	if err := v.Err(); err != nil {
		return nil, err
	}
	items, total, err := svc.store.ListRoadshows(ctx, spaceID, status, p)
	if err != nil {
		return nil, err
	}
	out := &domain.List[domain.Roadshow]{Items: []domain.Roadshow{}, Total: total, Page: p.Page, PageSize: p.PageSize}
	for _, r := range items {
		if !svc.canSee(actor, &r) {
			out.Total-- // invitation-only events are not advertised
			continue
		}
		if err := svc.counted(ctx, &r); err != nil {
			return nil, err
		}
		hideAgendaWork(actor, &r)
		out.Items = append(out.Items, r)
	}
	return out, nil
}

// Register signs the caller up for a roadshow they may see.
func (svc *Roadshows) Register(ctx context.Context, actor domain.Actor, id string) (*RoadshowView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !svc.canSee(actor, r) {
		return nil, domain.ErrNotFound
	}
	if r.Status == domain.RoadshowEnded {
		return nil, domain.ErrRoadshowEnded
	}
	if s := r.GuestStatus(actor.UserID); s == domain.GuestInvited || s == domain.GuestDeclined {
		// A guest registering accepts the invitation: one answer, one road.
		return svc.AnswerGuest(ctx, actor, id, true)
	}
	if _, err := svc.store.Register(ctx, domain.Registration{RoadshowID: id, UserID: actor.UserID, At: svc.now().UTC()}); err != nil {
		return nil, err
	}
	return svc.Get(ctx, actor, id)
}

// counted fills r.Registered from the registrations, the count's one
// owner: the roadshow document keeps no copy of it to go stale.
func (svc *Roadshows) counted(ctx context.Context, r *domain.Roadshow) error {
	n, err := svc.store.CountRegistrations(ctx, r.ID)
	r.Registered = n
	return err
}

// lifecycle are the roadshow's lifecycle commands by their REST names.
var lifecycle = map[string]roadshow.Command{"start": roadshow.Start{}, "advance": roadshow.Advance{}, "end": roadshow.End{}}

// Transition moves a roadshow through its life: start, advance, end. The
// room decides and logs it (the log is the lifecycle's one source); the
// roadshow's status is its copy, written before the room answers.
func (svc *Roadshows) Transition(ctx context.Context, actor domain.Actor, id, action string) (*domain.Roadshow, error) {
	if _, err := svc.hosted(ctx, actor, id); err != nil {
		return nil, err
	}
	cmd, ok := lifecycle[action]
	if !ok {
		return nil, domain.ErrNotFound
	}
	if err := svc.rooms.Command(ctx, id, actor, cmd); err != nil {
		return nil, err
	}
	r, err := svc.store.RoadshowByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if action == "start" {
		users, err := svc.attendees(ctx, r)
		if err != nil {
			return nil, err
		}
		svc.announce(domain.NoteRoadshowLive, r, users)
	}
	return r, svc.counted(ctx, r)
}
