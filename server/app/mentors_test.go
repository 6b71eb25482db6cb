package app_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

type mentorWorld struct {
	t                       *testing.T
	db                      *mongo.DB
	plan                    *app.PlanServices
	stats                   *app.Stats
	spaceK, spaceY, startup string
	founder, other          domain.Actor
	admin, mentorA, mentorB domain.Actor
}

func newMentorWorld(t *testing.T, db *mongo.DB) *mentorWorld {
	t.Helper()
	ctx := context.Background()
	tax, _ := taxonomy.Load("")
	targets, _ := taxonomy.LoadTargets("")
	log := slog.New(slog.DiscardHandler)
	rm, err := app.NewReadModel(db, tax, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := rm.Load(ctx); err != nil {
		t.Fatal(err)
	}
	notifier := app.NewNotifier(db, nopPusher{}, log)
	matcher := app.NewMatcher(rm, tax, notifier, log)
	stats := app.NewStats(rm, targets, tax)
	plan := app.NewPlanServices(db, rm, matcher, notifier, tax, stats, app.PlanConfig{})
	if err := plan.Load(ctx); err != nil {
		t.Fatal(err)
	}
	w := &mentorWorld{t: t, db: db, plan: plan, stats: stats,
		founder: domain.Actor{UserID: "founder", Role: domain.RoleFounder}, other: domain.Actor{UserID: "other", Role: domain.RoleFounder},
		admin: domain.Actor{UserID: "admin", Role: domain.RoleAdmin}, mentorA: domain.Actor{UserID: "mentorA", Role: domain.RoleMentor},
		mentorB: domain.Actor{UserID: "mentorB", Role: domain.RoleMentor}}
	spaces := app.NewSpaces(rm, rm, tax)
	list, _, _ := rm.ListSpaces(ctx, domain.SpaceFilter{}, domain.Page{Page: 1, PageSize: 10})
	if len(list) == 2 { // a restart: the world is stored already
		for _, sp := range list {
			if sp.District == "keqiao" {
				w.spaceK = sp.ID
			} else {
				w.spaceY = sp.ID
			}
		}
		mine, _, _ := rm.ListStartups(ctx, domain.StartupFilter{OwnerID: "founder"}, domain.Page{Page: 1, PageSize: 1})
		w.startup = mine[0].ID
		return w
	}
	mgr := domain.Actor{UserID: "mgr", Role: domain.RoleManager}
	for _, d := range []string{"keqiao", "yuecheng"} {
		sp, err := spaces.Create(ctx, mgr, app.SpaceInput{Name: ptr(d + "空间"), Level: ptr("city"), Model: ptr("training"), Services: &[]string{}, District: ptr(d)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := spaces.Update(ctx, w.admin, sp.ID, app.SpaceInput{Verified: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if d == "keqiao" {
			w.spaceK = sp.ID
		} else {
			w.spaceY = sp.ID
		}
	}
	startups := app.NewStartups(rm, rm, rm, tax)
	s, err := startups.Create(ctx, w.founder, app.StartupInput{Name: ptr("越芯"), OneLiner: ptr("车规芯片"), Description: ptr("这是一个足够长的项目介绍，用来满足发布要求。"),
		Sector: ptr("ic"), Stage: ptr("angel"), AskWan: ptr(300.0), District: ptr("keqiao")})
	if err != nil {
		t.Fatal(err)
	}
	w.startup = s.ID
	return w
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok || e.Code != code && !slices.ContainsFunc(e.Fields, func(f domain.FieldError) bool { return f.Code == code }) {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// TestMentorRules: who may have, verify, rank, book, answer, cancel and
// record mentoring, and that only a session both sides record as held
// counts as the mentoring a space gave (the program's coverage).
func TestMentorRules(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	w := newMentorWorld(t, db)
	m := w.plan.Mentors
	now := time.Now().UTC()
	clock := now
	m.SetClock(func() time.Time { return clock })
	slot := func(in time.Duration, space string) app.OfficeHourInput {
		return app.OfficeHourInput{StartsAt: now.Add(in), Minutes: 60, SpaceID: space}
	}
	inA := app.MentorInput{Name: "周导师", Title: "芯片公司创始人", Sectors: []string{"ic"}, Stages: []string{"angel", "pre-a"}, SpaceIDs: []string{w.spaceK},
		OfficeHours: []app.OfficeHourInput{slot(48*time.Hour, w.spaceK), slot(72*time.Hour, "")}}
	_, err := m.Create(ctx, w.founder, inA)
	wantCode(t, err, "role_required")
	bad := inA
	bad.Sectors, bad.SpaceIDs = []string{"nothing"}, []string{w.spaceY}
	_, err = m.Create(ctx, w.mentorA, bad)
	wantCode(t, err, "space_not_served")
	a, err := m.Create(ctx, w.mentorA, inA)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Create(ctx, w.mentorA, inA)
	wantCode(t, err, "profile_exists")
	b, err := m.Create(ctx, w.mentorB, app.MentorInput{Name: "吴导师", Sectors: []string{"biomedicine"}, Stages: []string{"seed"},
		OfficeHours: []app.OfficeHourInput{slot(24*time.Hour, "")}})
	if err != nil {
		t.Fatal(err)
	}

	p, _ := domain.NewPage(1, 20)
	if l, _ := m.ForStartup(ctx, w.founder, w.startup, p); l.Total != 0 {
		t.Fatalf("unverified mentors ranked: %+v", l.Items)
	}
	_, err = m.Update(ctx, w.mentorA, a.ID, app.MentorInput{Verified: ptr(true)})
	wantCode(t, err, "admin_only")
	for _, id := range []string{a.ID, b.ID} {
		if _, err := m.Update(ctx, w.admin, id, app.MentorInput{Verified: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := m.ForStartup(ctx, w.founder, w.startup, p)
	if err != nil || l.Total != 2 || l.Items[0].Mentor.ID != a.ID || l.Items[0].Score <= l.Items[1].Score {
		t.Fatalf("ranking: %v %+v", err, l)
	}
	var codes []string
	for _, r := range l.Items[0].Reasons {
		if r.OK {
			codes = append(codes, r.Code)
		}
	}
	if !slices.Equal(codes, []string{"sector", "stage", "district"}) {
		t.Fatalf("reasons of the best mentor: %+v", l.Items[0].Reasons)
	}
	_, err = m.ForStartup(ctx, w.other, w.startup, p)
	wantCode(t, err, "not_found")

	// Booking: founders only, their own startup, a free slot of a verified mentor.
	slotK := a.Slots[0].ID
	_, err = m.Book(ctx, w.mentorB, a.ID, app.BookingInput{SlotID: slotK, StartupID: w.startup})
	wantCode(t, err, "role_required")
	_, err = m.Book(ctx, w.other, a.ID, app.BookingInput{SlotID: slotK, StartupID: w.startup})
	wantCode(t, err, "startup_unknown")
	bk, err := m.Book(ctx, w.founder, a.ID, app.BookingInput{SlotID: slotK, StartupID: w.startup, Message: "想聊聊流片"})
	if err != nil || bk.Status != domain.BookingRequested || bk.SpaceID != w.spaceK || bk.MentorName != "周导师" {
		t.Fatalf("booked: %v %+v", err, bk)
	}
	_, err = m.Book(ctx, w.founder, a.ID, app.BookingInput{SlotID: slotK, StartupID: w.startup})
	wantCode(t, err, "slot_taken")
	_, err = m.Decide(ctx, w.founder, bk.ID, true)
	wantCode(t, err, "forbidden")
	_, err = m.Decide(ctx, w.mentorB, bk.ID, true)
	wantCode(t, err, "not_found")
	// A booked slot cannot be moved or removed.
	moved := inA
	moved.OfficeHours = []app.OfficeHourInput{{ID: slotK, StartsAt: now.Add(50 * time.Hour), Minutes: 60, SpaceID: w.spaceK}}
	_, err = m.Update(ctx, w.mentorA, a.ID, moved)
	wantCode(t, err, "slot_booked")
	if bk, err = m.Decide(ctx, w.mentorA, bk.ID, true); err != nil || bk.Status != domain.BookingConfirmed {
		t.Fatalf("confirmed: %v %+v", err, bk)
	}
	_, err = m.Decide(ctx, w.mentorA, bk.ID, false)
	wantCode(t, err, "booking_decided")

	// A cancelled booking frees its slot.
	other, err := m.Book(ctx, w.founder, a.ID, app.BookingInput{SlotID: a.Slots[1].ID, StartupID: w.startup})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Cancel(ctx, w.mentorA, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Book(ctx, w.founder, a.ID, app.BookingInput{SlotID: a.Slots[1].ID, StartupID: w.startup}); err != nil {
		t.Fatalf("slot after a cancellation: %v", err)
	}

	// Records: once begun, once per side; held when both say so.
	_, err = m.Record(ctx, w.founder, bk.ID, app.RecordInput{Held: true, Note: "很有收获"})
	wantCode(t, err, "session_not_begun")
	mentoring := func() float64 {
		st, err := w.stats.Program(ctx, w.admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range st.Figures {
			if f.Key == "share.mentoring" {
				return f.Value
			}
		}
		t.Fatal("no share.mentoring figure")
		return 0
	}
	if got := mentoring(); got != 0 {
		t.Fatalf("mentoring coverage before any session: %v", got)
	}
	clock = now.Add(49 * time.Hour)
	_, err = m.Cancel(ctx, w.founder, bk.ID)
	wantCode(t, err, "booking_fixed")
	if bk, err = m.Record(ctx, w.founder, bk.ID, app.RecordInput{Held: true, Note: "很有收获"}); err != nil || bk.Status != domain.BookingConfirmed {
		t.Fatalf("one record: %v %+v", err, bk)
	}
	_, err = m.Record(ctx, w.founder, bk.ID, app.RecordInput{Held: true})
	wantCode(t, err, "already_recorded")
	if bk, err = m.Record(ctx, w.mentorA, bk.ID, app.RecordInput{Held: true, Note: "讨论了流片计划"}); err != nil || bk.Status != domain.BookingHeld {
		t.Fatalf("both records: %v %+v", err, bk)
	}
	if got := mentoring(); got != 0.5 {
		t.Fatalf("mentoring coverage: %v, want 0.5 (one of two spaces held a session)", got)
	}
	hosted, err := m.SpaceMentoring(ctx, w.spaceK)
	if err != nil || hosted.Held != 1 || len(hosted.Mentors) != 1 || hosted.Sessions[0].StartupName != "越芯" {
		t.Fatalf("hosted: %v %+v", err, hosted)
	}

	// A restart reads the same from the database.
	before, _ := m.Bookings(ctx, w.founder)
	again := newMentorWorld(t, db)
	after, _ := again.plan.Mentors.Bookings(ctx, w.founder)
	if len(before) != 3 || len(after) != len(before) || after[0].Status != before[0].Status || after[0].MentorRecord == nil {
		t.Fatalf("after a restart: %+v\nbefore: %+v", after, before)
	}
}
