package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

func scores(pairs ...any) app.ScoreInput {
	var in app.ScoreInput
	for i := 0; i < len(pairs); i += 2 {
		in.Scores = append(in.Scores, app.ScoreLine{Criterion: pairs[i].(string), Score: pairs[i+1].(float64)})
	}
	return in
}

// TestContestRules: who may create a contest, enter it, name its judges,
// score and publish it; invalid score sheets refused field by field; a
// judge never scores a conflict (declared, or mentored) nor after the
// ranking is published; the ranking is the weighted mean with ties
// stated; the winners show as awards and in the deal flow's reasons
// (contest_winner); and a restart reads it all back.
func TestContestRules(t *testing.T) {
	ctx := context.Background()
	db := mongotest.Open(t)
	w := newMentorWorld(t, db)
	al, ms := w.plan.Alliance, w.plan.Mentors
	now := time.Now().UTC().Truncate(time.Minute)
	mgr := domain.Actor{UserID: "mgr", Role: domain.RoleManager}
	startups := w.startups
	if _, err := startups.SetPublished(ctx, w.founder, w.startup, true); err != nil {
		t.Fatal(err)
	}
	rival, err := startups.Create(ctx, w.other, app.StartupInput{Name: ptr("兰亭智能"), OneLiner: ptr("工业视觉"), Description: ptr("这是一个足够长的项目介绍，用来满足发布要求。"),
		Sector: ptr("ai"), Stage: ptr("seed"), AskWan: ptr(200.0), District: ptr("yuecheng")})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := startups.Create(ctx, w.other, app.StartupInput{Name: ptr("草稿"), Sector: ptr("ai"), Stage: ptr("seed"), AskWan: ptr(10.0), District: ptr("yuecheng")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := startups.SetPublished(ctx, w.other, rival.ID, true); err != nil {
		t.Fatal(err)
	}
	// Judges: two verified mentors; mentorA mentored the founder's startup.
	judge := map[string]*app.MentorView{}
	for _, a := range []domain.Actor{w.mentorA, w.mentorB} {
		m, err := ms.Create(ctx, a, app.MentorInput{Name: "导师" + a.UserID, Sectors: []string{"ic"},
			OfficeHours: []app.OfficeHourInput{{StartsAt: now.Add(24 * time.Hour), Minutes: 60}}})
		if err != nil {
			t.Fatal(err)
		}
		judge[a.UserID] = m
	}
	unverified := domain.Actor{UserID: "mentorC", Role: domain.RoleMentor}
	if _, err := ms.Create(ctx, unverified, app.MentorInput{Name: "未认证", Sectors: []string{"ic"}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range judge {
		if _, err := ms.Update(ctx, w.admin, m.ID, app.MentorInput{Verified: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	bk, err := ms.Book(ctx, w.founder, judge["mentorA"].ID, app.BookingInput{SlotID: judge["mentorA"].Slots[0].ID, StartupID: w.startup})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ms.Decide(ctx, w.mentorA, bk.ID, true); err != nil {
		t.Fatal(err)
	}

	// Creating: managers at their space; a contest needs valid criteria.
	in := app.EventInput{Kind: domain.EventContest, Title: "越创杯创客大赛", SpaceID: w.spaceK, StartsAt: now.Add(72 * time.Hour),
		Contest: &app.ContestInput{Winners: 1, Criteria: []domain.Criterion{{Name: "创新性", Weight: 3}, {Name: "团队", Weight: 1}}}}
	_, err = al.Create(ctx, w.founder, in)
	wantCode(t, err, "role_required")
	bad := in
	bad.Contest = &app.ContestInput{Winners: 11, Criteria: []domain.Criterion{{Name: "", Weight: 0}}}
	_, err = al.Create(ctx, mgr, bad)
	for _, f := range []string{"contest.winners", "contest.criteria[0].name", "contest.criteria[0].weight"} {
		if e, _ := domain.AsError(err); e == nil || !hasField(e, f) {
			t.Fatalf("want a field error on %s: %v", f, err)
		}
	}
	bad.Contest = nil
	_, err = al.Create(ctx, mgr, bad)
	wantCode(t, err, "required")
	ev, err := al.Create(ctx, mgr, in)
	if err != nil {
		t.Fatal(err)
	}
	id := ev.ID
	c1, c2 := ev.Contest.Criteria[0].ID, ev.Contest.Criteria[1].ID

	// Entering: founders, their own published startup, while open.
	_, err = al.Enter(ctx, w.mentorA, id, w.startup)
	wantCode(t, err, "role_required")
	_, err = al.Enter(ctx, w.founder, id, rival.ID)
	wantCode(t, err, "startup_unknown")
	_, err = al.Enter(ctx, w.other, id, draft.ID)
	wantCode(t, err, "startup_unpublished")
	for _, e := range []struct {
		a  domain.Actor
		id string
	}{{w.founder, w.startup}, {w.other, rival.ID}, {w.other, rival.ID}} {
		if _, err := al.Enter(ctx, e.a, id, e.id); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := al.Contest(ctx, w.founder, id); len(v.Entries) != 2 || !v.Entries[0].Mine || v.Entries[1].Mine {
		t.Fatalf("entries: %+v", v.Entries)
	}
	_, err = al.Withdraw(ctx, w.founder, id, rival.ID)
	wantCode(t, err, "not_found")

	// The panel: the host names verified mentors (or investors) only.
	_, err = al.SetJudges(ctx, w.founder, id, []string{"mentorA"})
	wantCode(t, err, "host_only")
	_, err = al.SetJudges(ctx, mgr, id, []string{"mentorA", "mentorC", "founder"})
	wantCode(t, err, "judge_unverified")
	_, err = al.CloseEntries(ctx, mgr, id)
	wantCode(t, err, "no_judges")
	if _, err := al.SetJudges(ctx, mgr, id, []string{"mentorA", "mentorB"}); err != nil {
		t.Fatal(err)
	}
	waitNotes(t, w.notifier, "mentorB", domain.NoteContestJudge, 1)
	_, err = al.Score(ctx, w.mentorB, id, w.startup, scores(c1, 8.0, c2, 6.0))
	wantCode(t, err, "contest_not_judging")
	_, err = al.Publish(ctx, mgr, id)
	wantCode(t, err, "contest_not_judging")
	if v, err := al.CloseEntries(ctx, mgr, id); err != nil || v.Stage != domain.ContestJudging {
		t.Fatalf("judging: %v %+v", err, v)
	}
	_, err = al.Enter(ctx, w.founder, id, w.startup)
	wantCode(t, err, "contest_closed")

	// Scoring: judges only; every criterion once, 0..10 whole numbers.
	_, err = al.Score(ctx, w.founder, id, w.startup, scores(c1, 8.0, c2, 6.0))
	wantCode(t, err, "not_a_judge")
	_, err = al.Score(ctx, w.mentorB, id, draft.ID, scores(c1, 8.0, c2, 6.0))
	wantCode(t, err, "not_entered")
	_, err = al.Score(ctx, w.mentorB, id, w.startup, scores(c1, 11.0, "nope", 5.0, c1, 7.5))
	e, _ := domain.AsError(err)
	if e == nil || !hasField(e, "scores[0].score") || !hasField(e, "scores[1].criterion") || !hasField(e, "scores[2].criterion") ||
		!hasField(e, "scores[2].score") || !hasField(e, "scores") {
		t.Fatalf("invalid sheet: %v", err)
	}
	// mentorA mentored the founder's startup: a conflict.
	_, err = al.Score(ctx, w.mentorA, id, w.startup, scores(c1, 10.0, c2, 10.0))
	wantCode(t, err, "judge_conflict")
	if v, _ := al.Contest(ctx, w.mentorA, id); len(v.Conflicts) != 1 || v.Conflicts[0] != w.startup {
		t.Fatalf("the judge's conflicts: %+v", v.Conflicts)
	}
	// founder's: (8*3+6)/4 = 7.5; rival's: mentorB (6*3+12... ) see below.
	if _, err := al.Score(ctx, w.mentorB, id, w.startup, scores(c1, 8.0, c2, 6.0)); err != nil {
		t.Fatal(err)
	}
	if _, err := al.Score(ctx, w.mentorB, id, rival.ID, scores(c1, 6.0, c2, 6.0)); err != nil {
		t.Fatal(err)
	}
	if _, err := al.Score(ctx, w.mentorB, id, rival.ID, scores(c1, 7.0, c2, 9.0)); err != nil { // replaced: 7.5
		t.Fatal(err)
	}
	if _, err := al.Score(ctx, w.mentorA, id, rival.ID, scores(c1, 9.0, c2, 3.0)); err != nil { // 7.5
		t.Fatal(err)
	}
	// mentorA now declares a conflict with the rival: their sheet stops counting.
	if _, err := al.DeclareConflict(ctx, w.mentorA, id, rival.ID); err != nil {
		t.Fatal(err)
	}
	_, err = al.Score(ctx, w.mentorA, id, rival.ID, scores(c1, 9.0, c2, 3.0))
	wantCode(t, err, "judge_conflict")
	if v, _ := al.Contest(ctx, w.founder, id); v.Provisional || len(v.Results) != 0 {
		t.Fatalf("an entrant sees the ranking before it is published: %+v", v.Results)
	}
	_, err = al.Publish(ctx, w.founder, id)
	wantCode(t, err, "host_only")
	pub, err := al.Publish(ctx, mgr, id)
	if err != nil {
		t.Fatal(err)
	}
	r := pub.Results
	if pub.Stage != domain.ContestPublished || len(r) != 2 || r[0].Score != 7.5 || r[1].Score != 7.5 || r[0].Rank != 1 || r[1].Rank != 1 ||
		!r[0].Tied || !r[1].Tied || !r[0].Winner || !r[1].Winner || r[0].Sheets != 1 {
		t.Fatalf("the ranking (a tie at 7.5, both first, both winning one place): %+v", r)
	}
	waitNotes(t, w.notifier, "founder", domain.NoteContestResults, 1)

	// After publication nothing is scored, judged or re-published.
	_, err = al.Score(ctx, w.mentorB, id, w.startup, scores(c1, 1.0, c2, 1.0))
	wantCode(t, err, "contest_published")
	_, err = al.SetJudges(ctx, mgr, id, []string{"mentorB"})
	wantCode(t, err, "contest_published")
	_, err = al.Publish(ctx, mgr, id)
	wantCode(t, err, "contest_published")
	_, err = al.Cancel(ctx, mgr, id)
	wantCode(t, err, "contest_published")

	// The winners: awards on the startup's page and reasons in the deal flow.
	aw, err := al.Awards(ctx, domain.Actor{}, w.startup)
	if err != nil || len(aw) != 1 || aw[0].Place != 1 || !aw[0].Tied || aw[0].Title != "越创杯创客大赛" {
		t.Fatalf("awards: %v %+v", err, aw)
	}
	if rs := w.plan.Book.Awards(rival.ID); len(rs) != 1 || rs[0].Code != "contest_winner" || rs[0].Contest != "越创杯创客大赛" || rs[0].Place != 1 {
		t.Fatalf("the deal flow's reasons: %+v", rs)
	}

	// A contest called off during judging is neither scored nor published.
	off, err := al.Create(ctx, mgr, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := al.Enter(ctx, w.other, off.ID, rival.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := al.SetJudges(ctx, mgr, off.ID, []string{"mentorB"}); err != nil {
		t.Fatal(err)
	}
	if _, err := al.CloseEntries(ctx, mgr, off.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := al.Cancel(ctx, mgr, off.ID); err != nil {
		t.Fatal(err)
	}
	_, err = al.Score(ctx, w.mentorB, off.ID, rival.ID, scores(c1, 5.0, c2, 5.0))
	wantCode(t, err, "event_cancelled")
	_, err = al.Publish(ctx, mgr, off.ID)
	wantCode(t, err, "event_cancelled")

	// A restart reads the contest, its sheets and the awards back.
	w2 := newMentorWorld(t, db)
	v1, _ := al.Contest(ctx, mgr, id)
	v2, err := w2.plan.Alliance.Contest(ctx, mgr, id)
	if err != nil || v2.Stage != v1.Stage || len(v2.Results) != 2 || v2.SheetsIn != v1.SheetsIn || len(v2.Entries) != 2 || len(w2.plan.Book.Awards(w.startup)) != 1 {
		t.Fatalf("after a restart: %v %+v\nbefore %+v", err, v2, v1)
	}
}

func hasField(e *domain.Error, field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
