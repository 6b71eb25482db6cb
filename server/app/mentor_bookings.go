package app

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
)

// BookingView is a booking with the names each side reads.
type BookingView struct {
	domain.Booking
	MentorName  string `json:"mentorName"`
	StartupName string `json:"startupName"`
}

// BookingInput is a founder's request for an office hour.
type BookingInput struct {
	SlotID    string `json:"slotId"`
	StartupID string `json:"startupId"`
	Message   string `json:"message"`
}

// Book asks a verified mentor for one of their free office hours, for the
// caller's startup. The mentor confirms or declines (Decide).
func (svc *Mentors) Book(ctx context.Context, actor domain.Actor, mentorID string, in BookingInput) (*BookingView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	if actor.Role != domain.RoleFounder {
		return nil, domain.CodedError(domain.KindForbidden, "role_required", "only founders book mentors")
	}
	m, err := svc.book.mentor(mentorID)
	if err != nil || !m.Verified {
		return nil, domain.ErrNotFound
	}
	s, err := svc.book.rm.StartupByID(ctx, in.StartupID)
	if err != nil || s.OwnerID != actor.UserID {
		return nil, fieldProblem("startupId", "startup_unknown", "not a startup of yours")
	}
	in.Message = strings.TrimSpace(in.Message)
	var v domain.Validator
	checkText(&v, "message", in.Message, maxShortText, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(m.OfficeHours, func(h domain.OfficeHour) bool { return h.ID == in.SlotID })
	if i < 0 {
		return nil, fieldProblem("slotId", "slot_unknown", "no such office hour")
	}
	slot := m.OfficeHours[i]
	now := svc.now().UTC()
	if !slot.StartsAt.After(now) {
		return nil, domain.CodedError(domain.KindConflict, "slot_past", "the office hour has begun")
	}
	if svc.book.bookedSlots(m.ID)[slot.ID] {
		return nil, domain.CodedError(domain.KindConflict, "slot_taken", "the slot has been booked")
	}
	where := slot.SpaceID
	if where == "" {
		where = s.ResidentSpace()
	}
	b := &domain.Booking{MentorID: m.ID, MentorOwnerID: m.OwnerID, FounderID: actor.UserID, StartupID: s.ID, SlotID: slot.ID,
		StartsAt: slot.StartsAt, Minutes: slot.Minutes, SpaceID: where, Message: in.Message, Status: domain.BookingRequested, CreatedAt: now, UpdatedAt: now}
	if err := svc.book.db.CreateBooking(ctx, b); err != nil {
		return nil, err
	}
	svc.book.storedBooking(b)
	svc.tell(ctx, m.OwnerID, domain.NoteMentorRequested, b, map[string]any{"founderId": actor.UserID})
	return svc.bookingView(b), nil
}

// Decide is the mentor's answer to a request: confirmed or declined.
func (svc *Mentors) Decide(ctx context.Context, actor domain.Actor, id string, confirm bool) (*BookingView, error) {
	return svc.change(ctx, actor, id, func(b *domain.Booking, mentor bool) error {
		if !mentor {
			return domain.ErrForbidden
		}
		if b.Status != domain.BookingRequested {
			return domain.CodedError(domain.KindConflict, "booking_decided", "the booking has been answered already")
		}
		b.Status = domain.BookingDeclined
		if confirm {
			b.Status = domain.BookingConfirmed
		}
		return nil
	}, func(ctx context.Context, b *domain.Booking) {
		svc.tell(ctx, b.FounderID, domain.NoteMentorAnswered, b, map[string]any{"confirmed": confirm})
	})
}

// Cancel withdraws a request or a confirmed booking before it starts;
// either side.
func (svc *Mentors) Cancel(ctx context.Context, actor domain.Actor, id string) (*BookingView, error) {
	var other string
	return svc.change(ctx, actor, id, func(b *domain.Booking, mentor bool) error {
		if b.Status != domain.BookingRequested && b.Status != domain.BookingConfirmed || !b.StartsAt.After(svc.now()) {
			return domain.CodedError(domain.KindConflict, "booking_fixed", "only a booking that has not begun may be cancelled")
		}
		b.Status = domain.BookingCancelled
		other = b.MentorOwnerID
		if mentor {
			other = b.FounderID
		}
		return nil
	}, func(ctx context.Context, b *domain.Booking) { svc.tell(ctx, other, domain.NoteMentorCancelled, b, nil) })
}

// RecordInput is one side's short record after a session.
type RecordInput struct {
	Held bool   `json:"held"`
	Note string `json:"note"`
}

// Record keeps one side's record of a confirmed session once it has
// begun, once per side. With both records it is held (both say so) or
// missed; only held sessions count as mentoring given.
func (svc *Mentors) Record(ctx context.Context, actor domain.Actor, id string, in RecordInput) (*BookingView, error) {
	in.Note = strings.TrimSpace(in.Note)
	var v domain.Validator
	checkText(&v, "note", in.Note, maxShortText, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var other string
	return svc.change(ctx, actor, id, func(b *domain.Booking, mentor bool) error {
		now := svc.now().UTC()
		if b.Status != domain.BookingConfirmed {
			return domain.CodedError(domain.KindConflict, "booking_not_confirmed", "only a confirmed session is recorded")
		}
		if b.StartsAt.After(now) {
			return domain.CodedError(domain.KindConflict, "session_not_begun", "a session is recorded once it has begun")
		}
		rec := &domain.SessionRecord{Held: in.Held, Note: in.Note, At: now}
		mine, theirs := &b.FounderRecord, b.MentorRecord
		other = b.MentorOwnerID
		if mentor {
			mine, theirs, other = &b.MentorRecord, b.FounderRecord, b.FounderID
		}
		if *mine != nil {
			return domain.CodedError(domain.KindConflict, "already_recorded", "you have recorded this session already")
		}
		*mine = rec
		if theirs != nil {
			b.Status = domain.BookingMissed
			if theirs.Held && rec.Held {
				b.Status = domain.BookingHeld
			}
		}
		return nil
	}, func(ctx context.Context, b *domain.Booking) { svc.tell(ctx, other, domain.NoteMentorRecorded, b, nil) })
}

// change applies fn to booking id as its founder or mentor and stores it.
func (svc *Mentors) change(ctx context.Context, actor domain.Actor, id string, fn func(b *domain.Booking, mentor bool) error, after func(context.Context, *domain.Booking)) (*BookingView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	b, err := svc.book.booking(id)
	if err != nil {
		return nil, err
	}
	mentor := actor.UserID == b.MentorOwnerID
	if !mentor && actor.UserID != b.FounderID {
		return nil, domain.ErrNotFound
	}
	if err := fn(b, mentor); err != nil {
		return nil, err
	}
	b.UpdatedAt = svc.now().UTC()
	if err := svc.book.db.UpdateBooking(ctx, b, b.Version); err != nil {
		return nil, err
	}
	svc.book.storedBooking(b)
	after(ctx, b)
	return svc.bookingView(b), nil
}

// Bookings returns the caller's bookings, as founder or as mentor, soonest
// first.
func (svc *Mentors) Bookings(_ context.Context, actor domain.Actor) ([]BookingView, error) {
	if actor.Anonymous() {
		return nil, domain.ErrUnauthorized
	}
	out := []BookingView{}
	for _, b := range svc.book.bookingsOf(actor.UserID) {
		out = append(out, *svc.bookingView(b))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	return out, nil
}

func (svc *Mentors) bookingView(b *domain.Booking) *BookingView {
	v := &BookingView{Booking: *b}
	if m, err := svc.book.mentor(b.MentorID); err == nil {
		v.MentorName = m.Name
	}
	if r, ok := svc.book.rm.recipientByID(domain.RecipientStartup, b.StartupID); ok {
		v.StartupName = r.Name
	}
	return v
}

func (svc *Mentors) tell(ctx context.Context, userID, typ string, b *domain.Booking, extra map[string]any) {
	if userID == "" || svc.notify == nil {
		return
	}
	v := svc.bookingView(b)
	data := map[string]any{"bookingId": b.ID, "mentorId": b.MentorID, "mentorName": v.MentorName, "startupId": b.StartupID,
		"startupName": v.StartupName, "startsAt": b.StartsAt, "status": b.Status}
	for k, x := range extra {
		data[k] = x
	}
	// A notification lost is not worth failing a booking that is stored.
	_ = svc.notify.Notify(context.WithoutCancel(ctx), userID, typ, data)
}

// Hosted is the mentoring a space hosted: sessions held there in the last
// twelve months, newest first, and the verified mentors who serve it.
type Hosted struct {
	Held     int             `json:"held"`
	Sessions []BookingView   `json:"sessions"`
	Mentors  []domain.Mentor `json:"mentors"`
}

// SpaceMentoring returns the mentoring space id hosted; anyone reads it.
func (svc *Mentors) SpaceMentoring(_ context.Context, spaceID string) (*Hosted, error) {
	if _, ok := svc.book.rm.recipientByID(domain.RecipientSpace, spaceID); !ok {
		return nil, domain.ErrNotFound
	}
	since := svc.now().AddDate(-1, 0, 0)
	out := &Hosted{Sessions: []BookingView{}, Mentors: []domain.Mentor{}}
	for _, b := range svc.book.heldIn(spaceID, since) {
		out.Sessions = append(out.Sessions, *svc.bookingView(b))
	}
	sort.Slice(out.Sessions, func(i, j int) bool { return out.Sessions[i].StartsAt.After(out.Sessions[j].StartsAt) })
	out.Held = len(out.Sessions)
	for _, m := range svc.book.mentorList() {
		if m.Verified && slices.Contains(m.SpaceIDs, spaceID) {
			out.Mentors = append(out.Mentors, *m)
		}
	}
	return out, nil
}

// mentoringSpaces are the spaces with at least one session held from
// from, up to to unless zero (the program's 辅导与培训 coverage).
func (b *ServiceBook) mentoringSpaces(from, to time.Time) map[string]bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := map[string]bool{}
	for _, bk := range b.bookings {
		if bk.Status == domain.BookingHeld && bk.SpaceID != "" && !bk.StartsAt.Before(from) && (to.IsZero() || !bk.StartsAt.After(to)) {
			out[bk.SpaceID] = true
		}
	}
	return out
}

// fieldProblem is a validation error of one field.
func fieldProblem(field, code, message string) error {
	return &domain.Error{Kind: domain.KindInvalid, Code: "validation_failed", Detail: "validation failed",
		Fields: []domain.FieldError{{Field: field, Code: code, Message: message}}}
}
