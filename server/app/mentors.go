package app

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/matching"
	"github.com/yuechuang/yuechuang/server/domain"
)

// MentorStore stores mentors and their bookings (server/mongo/mentors.go).
type MentorStore interface {
	CreateMentor(ctx context.Context, m *domain.Mentor) error
	UpdateMentor(ctx context.Context, m *domain.Mentor, prev int) error
	EachMentor(ctx context.Context, fn func(domain.Mentor) error) error
	CreateBooking(ctx context.Context, b *domain.Booking) error
	UpdateBooking(ctx context.Context, b *domain.Booking, prev int) error
	EachBooking(ctx context.Context, fn func(domain.Booking) error) error
}

// Mentors runs the mentor role (培训辅导): profiles verified by admins,
// mentors ranked for a founder's startup by the matching scorer with a
// mentor thesis, and bookings of office hours (mentor_bookings.go). It is
// safe for concurrent use.
type Mentors struct {
	book    *ServiceBook
	matcher *Matcher
	notify  Notify
	tax     *domain.Taxonomy
	now     func() time.Time
}

// Limits of a mentor's office hours.
const (
	maxOfficeHours   = 50
	maxOfficeMinutes = 240
	slotHorizonDays  = 366
)

// MentorInput is a mentor profile as its owner edits it; Verified is the
// admin's alone.
type MentorInput struct {
	Name         string            `json:"name"`
	Title        string            `json:"title"`
	Organization string            `json:"organization"`
	Bio          string            `json:"bio"`
	Sectors      []string          `json:"sectors"`
	Stages       []string          `json:"stages"`
	SpaceIDs     []string          `json:"spaceIds"`
	OfficeHours  []OfficeHourInput `json:"officeHours"`
	Verified     *bool             `json:"verified,omitempty"`
}

// OfficeHourInput is one slot; an id keeps a slot already offered.
type OfficeHourInput struct {
	ID       string    `json:"id"`
	StartsAt time.Time `json:"startsAt"`
	Minutes  int       `json:"minutes"`
	SpaceID  string    `json:"spaceId"`
}

// MentorView is a mentor with each slot's state.
type MentorView struct {
	*domain.Mentor
	Slots []SlotView `json:"slots"`
}

// SlotView is an office hour and whether it is free.
type SlotView struct {
	domain.OfficeHour
	Taken bool `json:"taken"`
}

// MentorItem is a mentor ranked for a startup, with the reasons.
type MentorItem struct {
	Mentor  MentorView      `json:"mentor"`
	Score   float64         `json:"score"`
	Reasons []domain.Reason `json:"reasons"`
}

// NewMentors returns the mentor service.
func NewMentors(book *ServiceBook, matcher *Matcher, notify Notify, tax *domain.Taxonomy) *Mentors {
	return &Mentors{book: book, matcher: matcher, notify: notify, tax: tax, now: time.Now}
}

func (svc *Mentors) check(m *domain.Mentor, in MentorInput, booked map[string]bool) error {
	var v domain.Validator
	m.Name, m.Title, m.Organization, m.Bio = strings.TrimSpace(in.Name), strings.TrimSpace(in.Title), strings.TrimSpace(in.Organization), strings.TrimSpace(in.Bio)
	m.Sectors, m.Stages, m.SpaceIDs = orEmpty(in.Sectors), orEmpty(in.Stages), orEmpty(in.SpaceIDs)
	checkText(&v, "name", m.Name, maxName, true)
	checkText(&v, "title", m.Title, maxName, false)
	checkText(&v, "organization", m.Organization, maxName, false)
	checkText(&v, "bio", m.Bio, maxDescription, false)
	v.CheckCode(len(m.Sectors) > 0, "sectors", "required", "at least one sector")
	checkCodes(&v, "sectors", m.Sectors, svc.tax.HasSector)
	checkCodes(&v, "stages", m.Stages, svc.tax.HasStage)
	checkCodes(&v, "spaceIds", m.SpaceIDs, func(id string) bool { _, ok := svc.book.rm.recipientByID(domain.RecipientSpace, id); return ok })
	v.CheckCode(len(in.OfficeHours) <= maxOfficeHours, "officeHours", "too_many", "at most 50 office hours")
	now := svc.now()
	old := map[string]domain.OfficeHour{}
	for _, h := range m.OfficeHours {
		old[h.ID] = h
	}
	hours := []domain.OfficeHour{}
	for _, h := range in.OfficeHours {
		prev, kept := old[h.ID]
		if h.ID != "" && !kept {
			v.CheckCode(false, "officeHours", "slot_unknown", "no such office hour")
			continue
		}
		slot := domain.OfficeHour{ID: h.ID, StartsAt: h.StartsAt.UTC().Truncate(time.Minute), Minutes: h.Minutes, SpaceID: h.SpaceID}
		if kept && booked[h.ID] && (slot.StartsAt != prev.StartsAt || slot.Minutes != prev.Minutes || slot.SpaceID != prev.SpaceID) {
			v.CheckCode(false, "officeHours", "slot_booked", "a booked office hour cannot be changed")
		}
		if !kept || slot.StartsAt != prev.StartsAt {
			v.CheckCode(slot.StartsAt.After(now) && slot.StartsAt.Before(now.AddDate(0, 0, slotHorizonDays)), "officeHours", "date_out_of_range", "a new office hour lies within the next year")
		}
		v.CheckCode(slot.Minutes >= 15 && slot.Minutes <= maxOfficeMinutes, "officeHours", "out_of_range", "15 to 240 minutes")
		v.CheckCode(slot.SpaceID == "" || slices.Contains(m.SpaceIDs, slot.SpaceID), "officeHours", "space_not_served", "at a space the mentor serves, or online")
		if slot.ID == "" {
			slot.ID = newEntryID()
		}
		hours = append(hours, slot)
	}
	for id := range booked {
		if !slices.ContainsFunc(hours, func(h domain.OfficeHour) bool { return h.ID == id }) {
			v.CheckCode(false, "officeHours", "slot_booked", "a booked office hour cannot be removed")
		}
	}
	sort.Slice(hours, func(i, j int) bool { return hours[i].StartsAt.Before(hours[j].StartsAt) })
	m.OfficeHours = hours
	return v.Err()
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Create stores the caller's mentor profile, unverified; mentors only, one
// each.
func (svc *Mentors) Create(ctx context.Context, actor domain.Actor, in MentorInput) (*MentorView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleMentor {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only mentors have a mentor profile")
	}
	now := svc.now().UTC()
	m := &domain.Mentor{OwnerID: actor.UserID, CreatedAt: now, UpdatedAt: now}
	if err := svc.check(m, in, nil); err != nil {
		return nil, err
	}
	if err := svc.book.db.CreateMentor(ctx, m); err != nil {
		return nil, err
	}
	svc.book.storedMentor(m)
	return svc.view(m.ID)
}

// Update changes a mentor profile: its owner the profile, an admin also
// its verification.
func (svc *Mentors) Update(ctx context.Context, actor domain.Actor, id string, in MentorInput) (*MentorView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	m, err := svc.book.mentor(id)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(m.OwnerID) {
		return nil, domain.ErrForbidden
	}
	if in.Verified != nil {
		if !actor.IsAdmin() {
			return nil, domain.CodedError(domain.KindForbidden, "admin_only", "only admins verify mentors")
		}
		m.Verified = *in.Verified
	}
	if in.Name != "" || actor.UserID == m.OwnerID {
		if err := svc.check(m, in, svc.book.bookedSlots(id)); err != nil {
			return nil, err
		}
	}
	m.UpdatedAt = svc.now().UTC()
	if err := svc.book.db.UpdateMentor(ctx, m, m.Version); err != nil {
		return nil, err
	}
	svc.book.storedMentor(m)
	return svc.view(id)
}

// Get returns a mentor; an unverified one only to its owner and admins.
func (svc *Mentors) Get(_ context.Context, actor domain.Actor, id string) (*MentorView, error) {
	v, err := svc.view(id)
	if err != nil {
		return nil, err
	}
	if !v.Verified && !actor.Owns(v.OwnerID) {
		return nil, domain.ErrNotFound
	}
	return v, nil
}

// Mine returns the caller's mentor profile.
func (svc *Mentors) Mine(_ context.Context, actor domain.Actor) (*MentorView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	id := svc.book.mentorOf(actor.UserID)
	if id == "" {
		return nil, domain.ErrNotFound
	}
	return svc.view(id)
}

// List returns verified mentors (admins: verified or not, by the filter),
// newest first.
func (svc *Mentors) List(_ context.Context, actor domain.Actor, verified *bool, p domain.Page) (*domain.List[MentorView], error) {
	if verified != nil && !*verified && !actor.IsAdmin() {
		return nil, domain.CodedError(domain.KindForbidden, "admin_only", "only admins see unverified mentors")
	}
	want := true
	if verified != nil {
		want = *verified
	}
	var items []MentorView
	for _, m := range svc.book.mentorList() {
		if m.Verified == want {
			items = append(items, *svc.viewOf(m))
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].CreatedAt.After(items[j].CreatedAt) })
	return page(items, p), nil
}

// ForStartup ranks the verified mentors for the caller's startup with the
// matching scorer (the investors' one): a mentor's expertise is a thesis
// with their sectors and stages, the districts of the spaces they serve
// and those spaces, and no cheque range.
func (svc *Mentors) ForStartup(ctx context.Context, actor domain.Actor, startupID string, p domain.Page) (*domain.List[MentorItem], error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	s, err := svc.book.rm.StartupByID(ctx, startupID)
	if err != nil {
		return nil, err
	}
	if !actor.Owns(s.OwnerID) {
		return nil, domain.ErrNotFound
	}
	f := features(s)
	now := svc.now()
	var items []MentorItem
	for _, m := range svc.book.mentorList() {
		if !m.Verified {
			continue
		}
		mt := svc.matcher.idx.Score(svc.mentorThesis(m), f, now)
		reasons := svc.matcher.reasons(nil, matching.Parts{Sector: mt.Parts.Sector, Stage: mt.Parts.Stage, District: mt.Parts.District,
			SharedSpace: mt.Parts.SharedSpace, Cheque: mt.Parts.Cheque}, nil, s.Sector, s.Stage, s.District, s.AskWan)
		items = append(items, MentorItem{Mentor: *svc.viewOf(m), Score: round1(mt.Score), Reasons: reasons})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].Score != items[j].Score {
			return items[i].Score > items[j].Score
		}
		return items[i].Mentor.ID < items[j].Mentor.ID
	})
	return page(items, p), nil
}

func (svc *Mentors) mentorThesis(m *domain.Mentor) matching.Thesis {
	t := matching.Thesis{Sectors: m.Sectors, Spaces: m.SpaceIDs}
	for _, s := range m.Stages {
		t.Stages = append(t.Stages, domain.StageIndex(s))
	}
	for _, id := range m.SpaceIDs {
		if r, ok := svc.book.rm.recipientByID(domain.RecipientSpace, id); ok && !slices.Contains(t.Districts, r.District) {
			t.Districts = append(t.Districts, r.District)
		}
	}
	return t
}

func (svc *Mentors) view(id string) (*MentorView, error) {
	m, err := svc.book.mentor(id)
	if err != nil {
		return nil, err
	}
	return svc.viewOf(m), nil
}

func (svc *Mentors) viewOf(m *domain.Mentor) *MentorView {
	booked := svc.book.bookedSlots(m.ID)
	v := &MentorView{Mentor: m, Slots: make([]SlotView, 0, len(m.OfficeHours))}
	for _, h := range m.OfficeHours {
		v.Slots = append(v.Slots, SlotView{OfficeHour: h, Taken: booked[h.ID]})
	}
	return v
}
