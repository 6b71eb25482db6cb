package app

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// Event limits.
const (
	maxEventDays     = 14 // an exhibition may run for two weeks
	maxCapacity      = 100_000
	maxCalendarRange = 400 * 24 * time.Hour
	defaultEventLen  = 2 * time.Hour
)

// Alliance runs the alliance's city calendar (众创空间联盟): forums,
// contests, exhibitions and flea markets hosted by maker spaces, shown
// with the roadshows (which keep their own record and are only viewed
// here), with registration, reminders and iCalendar feeds (feeds.go); and
// the contests' judging (contests.go). It is safe for concurrent use.
type Alliance struct {
	book      *ServiceBook
	users     Users
	notify    Notify
	publicURL string
	log       *slog.Logger
	now       func() time.Time
}

// NewAlliance returns the calendar service; publicURL (PUBLIC_URL, may be
// empty) makes the links in the feeds.
func NewAlliance(book *ServiceBook, users Users, notify Notify, publicURL string) *Alliance {
	return &Alliance{book: book, users: users, notify: notify, publicURL: strings.TrimRight(publicURL, "/"), log: slog.Default(), now: time.Now}
}

// EventInput is an event as its host edits it; Kind is fixed at creation.
type EventInput struct {
	Kind        string        `json:"kind"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	SpaceID     string        `json:"spaceId"`
	Location    string        `json:"location"`
	StartsAt    time.Time     `json:"startsAt"`
	EndsAt      time.Time     `json:"endsAt"`
	Capacity    int           `json:"capacity"`
	Contest     *ContestInput `json:"contest,omitempty"`
}

// ContestInput is a contest's score sheet and how many places win.
type ContestInput struct {
	Criteria []domain.Criterion `json:"criteria"`
	Winners  int                `json:"winners"`
}

// EventView is an event with where it is and the caller's part in it.
type EventView struct {
	*domain.Event
	SpaceName    string `json:"spaceName"`
	District     string `json:"district"`
	Registered   int    `json:"registered"`
	IsRegistered bool   `json:"isRegistered"`
	IsHost       bool   `json:"isHost"`
}

// host checks that actor may host events at space id and returns it.
func (svc *Alliance) host(ctx context.Context, actor domain.Actor, spaceID string) (*domain.Space, error) {
	if !domain.ValidID(spaceID) {
		return nil, fieldProblem("spaceId", "invalid_id", "malformed id")
	}
	sp, err := svc.book.rm.SpaceByID(ctx, spaceID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil, fieldProblem("spaceId", "space_unknown", "no such maker space")
	}
	if err != nil {
		return nil, err
	}
	if !actor.Owns(sp.OwnerID) {
		return nil, domain.CodedError(domain.KindForbidden, "not_space_manager", "only the space's manager hosts its events")
	}
	return sp, nil
}

func (svc *Alliance) check(e *domain.Event, in EventInput, creating, scored bool) error {
	var v domain.Validator
	if creating {
		e.Kind = in.Kind
		v.CheckCode(in.Kind != domain.EventRoadshow, "kind", "roadshow_elsewhere", "roadshows are scheduled as roadshows")
		v.CheckCode(in.Kind == domain.EventRoadshow || slices.Contains(domain.EventKinds, in.Kind), "kind", "invalid_choice", "forum, contest, exhibition or flea_market")
	} else {
		v.CheckCode(in.Kind == "" || in.Kind == e.Kind, "kind", "kind_fixed", "an event's kind does not change")
	}
	e.Title, e.Description, e.Location = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Location)
	checkText(&v, "title", e.Title, maxLine, true)
	checkText(&v, "description", e.Description, maxDescription, false)
	checkText(&v, "location", e.Location, maxLine, false)
	now := svc.now()
	start, end := in.StartsAt.UTC().Truncate(time.Minute), in.EndsAt.UTC().Truncate(time.Minute)
	if end.IsZero() && !start.IsZero() {
		end = start.Add(defaultEventLen)
	}
	v.CheckCode(!start.IsZero(), "startsAt", "required", "an RFC 3339 time")
	if !start.IsZero() && (creating || !start.Equal(e.StartsAt)) {
		v.CheckCode(start.After(now) && start.Before(now.Add(domain.ScheduleHorizon)), "startsAt", "date_out_of_range", "in the future, at most two years ahead")
	}
	v.CheckCode(start.IsZero() || end.After(start) && !end.After(start.AddDate(0, 0, maxEventDays)), "endsAt", "date_out_of_range", "after the start, at most 14 days later")
	v.CheckCode(in.Capacity >= 0 && in.Capacity <= maxCapacity, "capacity", "out_of_range", "0 (no limit) to 100000")
	e.StartsAt, e.EndsAt, e.Capacity = start, end, in.Capacity
	if e.Kind == domain.EventContest {
		checkContest(&v, e, in.Contest, scored)
	} else {
		v.CheckCode(in.Contest == nil, "contest", "not_a_contest", "only a contest has judging")
	}
	return v.Err()
}

// Create stores an event hosted at a space the caller manages (admins:
// any space).
func (svc *Alliance) Create(ctx context.Context, actor domain.Actor, in EventInput) (*EventView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleManager && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only space managers host events")
	}
	now := svc.now().UTC()
	e := &domain.Event{OwnerID: actor.UserID, Status: domain.EventScheduled, CreatedAt: now, UpdatedAt: now}
	if err := svc.check(e, in, true, false); err != nil {
		return nil, err
	}
	if _, err := svc.host(ctx, actor, in.SpaceID); err != nil {
		return nil, err
	}
	e.SpaceID = in.SpaceID
	if err := svc.book.db.CreateEvent(ctx, e); err != nil {
		return nil, err
	}
	svc.book.storedEvent(e)
	return svc.view(actor, e), nil
}

// Update changes a scheduled event; its host (or an admin) may. Those
// registered hear of a new time or place.
func (svc *Alliance) Update(ctx context.Context, actor domain.Actor, id string, in EventInput) (*EventView, error) {
	e, err := svc.hosted(actor, id)
	if err != nil {
		return nil, err
	}
	if e.Status == domain.EventCancelled {
		return nil, domain.CodedError(domain.KindConflict, "event_cancelled", "the event is cancelled")
	}
	before := *e
	if err := svc.check(e, in, false, len(svc.book.contestSheets(id)) > 0); err != nil {
		return nil, err
	}
	if in.SpaceID != e.SpaceID {
		if _, err := svc.host(ctx, actor, in.SpaceID); err != nil {
			return nil, err
		}
		e.SpaceID = in.SpaceID
	}
	if !e.StartsAt.Equal(before.StartsAt) {
		e.Reminded = false
	}
	if err := svc.store(ctx, e); err != nil {
		return nil, err
	}
	if !e.StartsAt.Equal(before.StartsAt) || !e.EndsAt.Equal(before.EndsAt) || e.SpaceID != before.SpaceID || e.Location != before.Location {
		svc.tell(e, domain.NoteEventChanged, svc.book.registeredUsers(id))
	}
	return svc.view(actor, e), nil
}

// Cancel calls an event off; those registered are told. It stays on the
// calendar, marked cancelled.
func (svc *Alliance) Cancel(ctx context.Context, actor domain.Actor, id string) (*EventView, error) {
	e, err := svc.hosted(actor, id)
	if err != nil {
		return nil, err
	}
	if e.Status == domain.EventCancelled {
		return svc.view(actor, e), nil
	}
	if e.Contest != nil && e.Contest.Stage == domain.ContestPublished {
		return nil, domain.CodedError(domain.KindConflict, "contest_published", "a published contest stands")
	}
	e.Status = domain.EventCancelled
	if err := svc.store(ctx, e); err != nil {
		return nil, err
	}
	svc.tell(e, domain.NoteEventCancelled, svc.book.registeredUsers(id))
	return svc.view(actor, e), nil
}

func (svc *Alliance) store(ctx context.Context, e *domain.Event) error {
	e.UpdatedAt = svc.now().UTC()
	if err := svc.book.db.UpdateEvent(ctx, e, e.Version); err != nil {
		return err
	}
	svc.book.storedEvent(e)
	return nil
}

// hosted returns event id for its host or an admin.
func (svc *Alliance) hosted(actor domain.Actor, id string) (*domain.Event, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	e, err := svc.book.event(id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(e.OwnerID) {
		return nil, domain.CodedError(domain.KindForbidden, "host_only", "only the host may do this")
	}
	return e, nil
}

// Get returns an event; anyone may read the calendar.
func (svc *Alliance) Get(_ context.Context, actor domain.Actor, id string) (*EventView, error) {
	e, err := svc.book.event(id)
	if err != nil {
		return nil, err
	}
	return svc.view(actor, e), nil
}

func (svc *Alliance) view(actor domain.Actor, e *domain.Event) *EventView {
	v := &EventView{Event: e, IsHost: !actor.Anonymous() && actor.Owns(e.OwnerID)}
	if sp, ok := svc.book.rm.recipientByID(domain.RecipientSpace, e.SpaceID); ok {
		v.SpaceName, v.District = sp.Name, sp.District
	}
	v.Registered, v.IsRegistered = svc.book.registrations(e.ID, actor.UserID)
	return v
}

// Register signs the caller up for a scheduled event that has not ended,
// while it has room; registering again changes nothing.
func (svc *Alliance) Register(ctx context.Context, actor domain.Actor, id string) (*EventView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	e, err := svc.book.event(id)
	if err != nil {
		return nil, err
	}
	n, mine := svc.book.registrations(id, actor.UserID)
	switch {
	case mine:
		return svc.view(actor, e), nil
	case e.Status == domain.EventCancelled:
		return nil, domain.CodedError(domain.KindConflict, "event_cancelled", "the event is cancelled")
	case !e.EndsAt.After(svc.now()):
		return nil, domain.CodedError(domain.KindConflict, "event_ended", "the event has ended")
	case e.Capacity > 0 && n >= e.Capacity:
		return nil, domain.CodedError(domain.KindConflict, "event_full", "the event is full")
	}
	r := domain.EventRegistration{ID: id + ":" + actor.UserID, EventID: id, UserID: actor.UserID, At: svc.now().UTC()}
	if err := svc.book.db.PutEventRegistration(ctx, r); err != nil {
		return nil, err
	}
	svc.book.withAlliance(func(a *allianceRecords) { a.putReg(r) })
	return svc.view(actor, e), nil
}

// Unregister withdraws the caller's registration.
func (svc *Alliance) Unregister(ctx context.Context, actor domain.Actor, id string) (*EventView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	e, err := svc.book.event(id)
	if err != nil {
		return nil, err
	}
	if err := svc.book.db.DeleteEventRegistration(ctx, id+":"+actor.UserID); err != nil {
		return nil, err
	}
	svc.book.withAlliance(func(a *allianceRecords) { delete(a.regs[id], actor.UserID) })
	return svc.view(actor, e), nil
}
