package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// waitNotes waits (the notices go out in the background) until user has n
// notifications of typ, and fails if more come.
func waitNotes(t *testing.T, n *app.Notifier, user, typ string, want int) {
	t.Helper()
	p, _ := domain.NewPage(1, 100)
	count := func() int {
		l, err := n.List(context.Background(), domain.Actor{UserID: user, Role: domain.RoleFounder}, false, p)
		if err != nil {
			t.Fatal(err)
		}
		c := 0
		for _, x := range l.Items {
			if x.Type == typ {
				c++
			}
		}
		return c
	}
	end := time.Now().Add(10 * time.Second)
	for count() < want && time.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // a second one would have come by now
	if got := count(); got != want {
		t.Fatalf("%s has %d notifications %s, want %d", user, got, typ, want)
	}
}

// TestCalendarRules: who may host, change and cancel alliance events, the
// calendar's filters, registration (capacity, cancelled, ended), the
// reminder sent once, the per-person and per-space iCalendar feeds (a
// renewed token revokes the old address), and that a restart reads the
// same calendar back.
func TestCalendarRules(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	w := newMentorWorld(t, db)
	al := w.plan.Alliance
	now := time.Now().UTC().Truncate(time.Minute)
	clock := now
	al.SetClock(func() time.Time { return clock })
	mgr, mgr2 := domain.Actor{UserID: "mgr", Role: domain.RoleManager}, domain.Actor{UserID: "mgr2", Role: domain.RoleManager}
	forum := app.EventInput{Kind: domain.EventForum, Title: "主题论坛：AI 与制造", SpaceID: w.spaceK, StartsAt: now.Add(48 * time.Hour), Capacity: 1}

	_, err := al.Create(ctx, w.founder, forum)
	wantCode(t, err, "role_required")
	_, err = al.Create(ctx, domain.Actor{}, forum)
	wantCode(t, err, "unauthorized")
	_, err = al.Create(ctx, mgr2, forum)
	wantCode(t, err, "not_space_manager")
	for _, c := range []struct {
		code string
		edit func(in *app.EventInput)
	}{
		{"roadshow_elsewhere", func(in *app.EventInput) { in.Kind = domain.EventRoadshow }},
		{"invalid_choice", func(in *app.EventInput) { in.Kind = "party" }},
		{"date_out_of_range", func(in *app.EventInput) { in.StartsAt = now.Add(-time.Hour) }},
		{"date_out_of_range", func(in *app.EventInput) { in.EndsAt = in.StartsAt.Add(-time.Minute) }},
		{"date_out_of_range", func(in *app.EventInput) { in.EndsAt = in.StartsAt.AddDate(0, 0, 15) }},
		{"required", func(in *app.EventInput) { in.Title = " " }},
		{"out_of_range", func(in *app.EventInput) { in.Capacity = -1 }},
		{"not_a_contest", func(in *app.EventInput) { in.Contest = &app.ContestInput{} }},
		{"space_unknown", func(in *app.EventInput) { in.SpaceID = "0123456789abcdef01234567" }},
	} {
		in := forum
		c.edit(&in)
		_, err := al.Create(ctx, mgr, in)
		wantCode(t, err, c.code)
	}
	f, err := al.Create(ctx, mgr, forum)
	if err != nil {
		t.Fatal(err)
	}
	if f.EndsAt != f.StartsAt.Add(2*time.Hour) || f.District != "keqiao" || !f.IsHost || f.Status != domain.EventScheduled {
		t.Fatalf("created: %+v", f)
	}
	expo, err := al.Create(ctx, w.admin, app.EventInput{Kind: domain.EventExhibition, Title: "创客成果展", SpaceID: w.spaceY,
		StartsAt: now.Add(72 * time.Hour), EndsAt: now.Add(5 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	market, err := al.Create(ctx, mgr, app.EventInput{Kind: domain.EventFleaMarket, Title: "创客跳蚤市场", SpaceID: w.spaceK, StartsAt: now.Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}

	ids := func(q app.CalendarQuery) string {
		t.Helper()
		items, err := al.Calendar(ctx, w.founder, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return strings.Join(out, ",")
	}
	if got := ids(app.CalendarQuery{}); got != f.ID+","+expo.ID+","+market.ID {
		t.Fatalf("calendar, soonest first: %s", got)
	}
	if got := ids(app.CalendarQuery{District: "keqiao"}); got != f.ID+","+market.ID {
		t.Fatalf("by district: %s", got)
	}
	if got := ids(app.CalendarQuery{SpaceID: w.spaceY}); got != expo.ID {
		t.Fatalf("by space: %s", got)
	}
	if got := ids(app.CalendarQuery{Kind: domain.EventFleaMarket}); got != market.ID {
		t.Fatalf("by kind: %s", got)
	}
	// The exhibition runs for days: a range in its middle finds it.
	if got := ids(app.CalendarQuery{From: now.Add(4 * 24 * time.Hour), To: now.Add(4*24*time.Hour + time.Hour)}); got != expo.ID {
		t.Fatalf("an event under way: %s", got)
	}
	_, err = al.Calendar(ctx, w.founder, app.CalendarQuery{Kind: "party", From: now, To: now.AddDate(2, 0, 0)})
	wantCode(t, err, "invalid_choice")
	wantCode(t, err, "date_out_of_range")

	// Registration: signed in, once, within capacity.
	_, err = al.Register(ctx, domain.Actor{}, f.ID)
	wantCode(t, err, "unauthorized")
	if v, err := al.Register(ctx, w.founder, f.ID); err != nil || !v.IsRegistered || v.Registered != 1 {
		t.Fatalf("registered: %v %+v", err, v)
	}
	if v, err := al.Register(ctx, w.founder, f.ID); err != nil || v.Registered != 1 {
		t.Fatalf("registered twice: %v %+v", err, v)
	}
	_, err = al.Register(ctx, w.other, f.ID)
	wantCode(t, err, "event_full")

	// The host moves it: the registered hear of it; others may not change it.
	_, err = al.Update(ctx, mgr2, f.ID, forum)
	wantCode(t, err, "host_only")
	moved := forum
	moved.StartsAt = now.Add(10 * time.Minute)
	moved.Kind = domain.EventContest
	_, err = al.Update(ctx, mgr, f.ID, moved)
	wantCode(t, err, "kind_fixed")
	moved.Kind = ""
	if _, err := al.Update(ctx, mgr, f.ID, moved); err != nil {
		t.Fatal(err)
	}
	waitNotes(t, w.notifier, "founder", domain.NoteEventChanged, 1)

	// The reminder goes out once, fifteen minutes before.
	if err := al.Remind(ctx); err != nil {
		t.Fatal(err)
	}
	if err := al.Remind(ctx); err != nil {
		t.Fatal(err)
	}
	waitNotes(t, w.notifier, "founder", domain.NoteEventSoon, 1)

	// Feeds: the founder's has what they registered for; a space's has its events.
	addr, err := al.Feed(ctx, w.founder, false)
	if err != nil || !strings.HasSuffix(addr.Path, addr.Token+".ics") || len(addr.Token) < 30 {
		t.Fatalf("feed address: %v %+v", err, addr)
	}
	if again, _ := al.Feed(ctx, w.founder, false); again.Token != addr.Token {
		t.Fatal("the address changed without renewal")
	}
	feed, err := al.UserFeed(ctx, addr.Token)
	if err != nil || !strings.Contains(string(feed), "SUMMARY:主题论坛：AI 与制造") || strings.Contains(string(feed), "创客成果展") {
		t.Fatalf("the founder's feed: %v\n%s", err, feed)
	}
	renewed, _ := al.Feed(ctx, w.founder, true)
	_, err = al.UserFeed(ctx, addr.Token)
	wantCode(t, err, "not_found")
	if _, err := al.UserFeed(ctx, renewed.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := al.Feed(ctx, domain.Actor{}, false); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Fatalf("an anonymous feed: %v", err)
	}
	space, err := al.SpaceFeed(ctx, w.spaceK)
	if err != nil || !strings.Contains(string(space), "创客跳蚤市场") || strings.Contains(string(space), "创客成果展") {
		t.Fatalf("the space's feed: %v\n%s", err, space)
	}
	host, _ := al.Feed(ctx, mgr, false)
	if hf, _ := al.UserFeed(ctx, host.Token); !strings.Contains(string(hf), "创客跳蚤市场") {
		t.Fatalf("the host's feed lacks their events:\n%s", hf)
	}

	// Cancelled: the registered are told, it stays on the calendar marked so, nobody registers.
	_, err = al.Cancel(ctx, mgr2, market.ID)
	wantCode(t, err, "host_only")
	if _, err := al.Register(ctx, w.founder, market.ID); err != nil {
		t.Fatal(err)
	}
	if c, err := al.Cancel(ctx, mgr, market.ID); err != nil || c.Status != domain.EventCancelled {
		t.Fatalf("cancelled: %v %+v", err, c)
	}
	waitNotes(t, w.notifier, "founder", domain.NoteEventCancelled, 1)
	_, err = al.Register(ctx, w.other, market.ID)
	wantCode(t, err, "event_cancelled")
	if sf, _ := al.SpaceFeed(ctx, w.spaceK); !strings.Contains(string(sf), "STATUS:CANCELLED") {
		t.Fatalf("a cancelled event in the feed:\n%s", sf)
	}
	// Ended: no registration after its end; withdrawing works before.
	if v, err := al.Unregister(ctx, w.founder, f.ID); err != nil || v.Registered != 0 {
		t.Fatalf("unregistered: %v %+v", err, v)
	}
	clock = now.Add(24 * time.Hour)
	_, err = al.Register(ctx, w.other, f.ID)
	wantCode(t, err, "event_ended")

	// A restart reads the same calendar, registrations and feeds back.
	w2 := newMentorWorld(t, db)
	w2.plan.Alliance.SetClock(func() time.Time { return now })
	before, _ := al.Calendar(ctx, w.founder, app.CalendarQuery{From: now.Add(-time.Hour), To: now.Add(40 * 24 * time.Hour)})
	after, _ := w2.plan.Alliance.Calendar(ctx, w.founder, app.CalendarQuery{From: now.Add(-time.Hour), To: now.Add(40 * 24 * time.Hour)})
	if len(before) != 3 || len(after) != len(before) {
		t.Fatalf("after a restart: %d items, before %d", len(after), len(before))
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.ID != b.ID || a.Status != b.Status || a.Registered != b.Registered || !a.StartsAt.Equal(b.StartsAt) {
			t.Fatalf("after a restart: %+v\nbefore: %+v", a, b)
		}
	}
	if _, err := w2.plan.Alliance.UserFeed(ctx, renewed.Token); err != nil {
		t.Fatalf("the feed after a restart: %v", err)
	}
}
