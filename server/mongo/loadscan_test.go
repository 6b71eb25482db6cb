package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestLoadScansAnswerAsTheDriver: on the embedded engine the start-up
// loads of whole collections (the read model's, the plan's, the
// notification settings) read straight from storage find the same records
// as the same loads through FerretDB and the driver (the MongoDB path):
// profiles as created, edited (with the marks the embedded engine keeps in
// the document) and deleted, nested fields, optional times, bulk inserts;
// and each straight load is told to the scan watcher, like the driver's.
// The profiles' reads by _id (StartupByID…, the dispatcher's re-reads)
// answer alike on both roads too.
func TestLoadScansAnswerAsTheDriver(t *testing.T) {
	db := mongotest.OpenEmbedded(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)
	var startups []*domain.Startup
	for i := range 40 {
		s := &domain.Startup{OwnerID: fmt.Sprint("founder", i%7), Name: fmt.Sprintf("越芯 \"%d\" <b>", i), Sector: "ic", Stage: "seed", AskWan: 300.5,
			Team: []domain.TeamMember{{Name: "甲", Role: "CEO", Bio: "x"}, {Name: "乙", Role: "CTO"}}, Tags: []string{"芯片", fmt.Sprint(i)},
			Links: []domain.Link{{Label: "site", URL: "https://example.com"}}, Status: domain.StatusDraft, CreatedAt: at, UpdatedAt: at}
		if i%3 == 0 {
			s.Status, s.PublishedAt = domain.StatusPublished, &at
			s.Private = &domain.StartupPrivate{RevenueWan: 12, UseOfFunds: "研发"}
		}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		startups = append(startups, s)
	}
	edited := *startups[4]
	edited.Name = "改名"
	if err := db.UpdateStartup(ctx, &edited, 1); err != nil { // keeps its change mark in the document
		t.Fatal(err)
	}
	if err := db.DeleteStartup(ctx, startups[5].ID); err != nil {
		t.Fatal(err)
	}
	bulk := []*domain.Startup{{OwnerID: "bulk", Name: "批量", Status: domain.StatusPublished, CreatedAt: at, UpdatedAt: at}}
	if err := db.InsertStartups(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		inv := &domain.Investor{OwnerID: fmt.Sprint("investor", i), Name: fmt.Sprint("投资人 ", i), Sectors: []string{"ic", "bio"}, CheckMinWan: 50, CheckMaxWan: 500.5}
		if err := db.CreateInvestor(ctx, inv); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveFeedback(ctx, domain.Feedback{InvestorID: inv.OwnerID, StartupID: startups[i].ID, Action: "interested", At: at}); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePipelineItem(ctx, domain.PipelineItem{ID: inv.OwnerID + ":" + startups[i].ID, InvestorID: inv.OwnerID, StartupID: startups[i].ID, Stage: "watch", UpdatedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	space := &domain.Space{OwnerID: "manager", Name: "柯桥创客空间", Services: []string{"office"}, Districts: []string{"keqiao"}, IsBase: true}
	if err := db.CreateSpace(ctx, space); err != nil {
		t.Fatal(err)
	}
	show := &domain.Roadshow{OwnerID: "manager", SpaceID: space.ID, Title: "路演", StartsAt: at, Slots: []domain.Slot{{StartupID: startups[0].ID, Minutes: 10}}, Invited: []string{}}
	if err := db.CreateRoadshow(ctx, show); err != nil {
		t.Fatal(err)
	}
	var att []domain.Attendance
	for i := range 30 {
		att = append(att, domain.Attendance{RoadshowID: show.ID, UserID: fmt.Sprint("user", i), Name: "创客", Role: "investor", FirstSeen: at, LastSeen: at.Add(time.Duration(i) * time.Minute)})
	}
	if err := db.InsertAttendance(ctx, att); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveAttendance(ctx, domain.Attendance{RoadshowID: show.ID, UserID: "late", Name: "迟到", Role: "founder", FirstSeen: at, LastSeen: at}); err != nil {
		t.Fatal(err)
	}
	intro := &domain.Intro{StartupID: startups[0].ID, FounderID: "founder0", InvestorUserID: "investor1", Message: "你好", Status: "pending", CreatedAt: at}
	if err := db.CreateIntro(ctx, intro); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveNotificationSettings(ctx, &domain.NotificationSettings{UserID: "investor1", Types: map[string]string{"match": "digest"}}); err != nil {
		t.Fatal(err)
	}

	type loaded struct {
		Startups   []domain.Startup
		Investors  []domain.Investor
		Spaces     []domain.Space
		Feedback   []domain.Feedback
		Roadshows  []domain.Roadshow
		Intros     []domain.Intro
		Pipeline   []domain.PipelineItem
		Attendance []domain.Attendance
		Settings   []domain.NotificationSettings
		ByID       []any
	}
	collect := func(t *testing.T) (loaded, []string) {
		var l loaded
		var scans []string
		db.WatchScans(func(s mongo.Scan) { scans = append(scans, s.Collection) })
		defer db.WatchScans(func(mongo.Scan) {})
		add := func(dst any) func(v any) error {
			return func(v any) error {
				d := reflect.ValueOf(dst).Elem()
				d.Set(reflect.Append(d, reflect.ValueOf(v)))
				return nil
			}
		}
		must := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.EachStartup(ctx, func(s domain.Startup) error { return add(&l.Startups)(s) }))
		must(db.EachInvestor(ctx, func(v domain.Investor) error { return add(&l.Investors)(v) }))
		must(db.EachSpace(ctx, func(v domain.Space) error { return add(&l.Spaces)(v) }))
		must(db.EachFeedback(ctx, func(v domain.Feedback) error { return add(&l.Feedback)(v) }))
		must(db.EachRoadshow(ctx, func(v domain.Roadshow) error { return add(&l.Roadshows)(v) }))
		must(db.EachIntro(ctx, func(v domain.Intro) error { return add(&l.Intros)(v) }))
		must(db.EachPipelineItem(ctx, func(v domain.PipelineItem) error { return add(&l.Pipeline)(v) }))
		must(db.EachAttendance(ctx, func(v domain.Attendance) error { return add(&l.Attendance)(v) }))
		must(db.EachNotificationSettings(ctx, func(v *domain.NotificationSettings) error { return add(&l.Settings)(*v) }))
		// Order is not part of either answer.
		sortBy(l.Startups, func(v domain.Startup) string { return v.ID })
		sortBy(l.Investors, func(v domain.Investor) string { return v.ID })
		sortBy(l.Feedback, func(v domain.Feedback) string { return v.ID })
		sortBy(l.Pipeline, func(v domain.PipelineItem) string { return v.ID })
		sortBy(l.Attendance, func(v domain.Attendance) string { return v.ID })
		for _, s := range startups {
			got, err := db.StartupByID(ctx, s.ID)
			l.ByID = append(l.ByID, got, err)
		}
		inv, err := db.InvestorByID(ctx, l.Investors[0].ID)
		sp, err2 := db.SpaceByID(ctx, space.ID)
		l.ByID = append(l.ByID, inv, err, sp, err2)
		return l, scans
	}
	straight, straightScans := collect(t)
	db.SetDocumentScan(nil) // the driver's road from here on
	db.SetDocumentRead(nil)
	driver, driverScans := collect(t)
	if len(straight.Startups) != 40 || len(straight.Investors) != 12 || len(straight.Attendance) != 31 || len(straight.Settings) != 1 {
		t.Fatalf("straight: %d startups, %d investors, %d attendances, %d settings", len(straight.Startups), len(straight.Investors), len(straight.Attendance), len(straight.Settings))
	}
	if !reflect.DeepEqual(straight, driver) {
		t.Errorf("straight loads differ from the driver's:\n%+v\n%+v", straight, driver)
	}
	if !slices.Equal(straightScans, driverScans) || len(straightScans) != 9 {
		t.Errorf("scans told straight %v, through the driver %v", straightScans, driverScans)
	}
}

func sortBy[T any](s []T, key func(T) string) {
	slices.SortFunc(s, func(a, b T) int {
		switch ka, kb := key(a), key(b); {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
}

// TestLoadFallsBackToTheDriver: when the straight road fails part-way (a
// stored form it does not read, after a FerretDB upgrade, say), a start-up
// load still gives every document once, the rest read through the driver;
// and an error of the caller's own stops the load as it is, not retried.
func TestLoadFallsBackToTheDriver(t *testing.T) {
	db := mongotest.OpenEmbedded(t)
	ctx := context.Background()
	var want []string
	for i := range 30 {
		s := &domain.Startup{OwnerID: "founder", Name: fmt.Sprint("项目 ", i), Status: domain.StatusDraft}
		if err := db.CreateStartup(ctx, s); err != nil {
			t.Fatal(err)
		}
		want = append(want, s.ID)
	}
	straight := db.DocumentScanFunc()
	db.SetDocumentScan(func(ctx context.Context, database, collection string, fn func([]byte) error) error {
		n := 0
		return straight(ctx, database, collection, func(doc []byte) error {
			if n++; n > 10 {
				return errors.New("a stored form this road does not read")
			}
			return fn(doc)
		})
	})
	got := map[string]int{}
	if err := db.EachStartup(ctx, func(s domain.Startup) error { got[s.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d startups loaded, want %d", len(got), len(want))
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("startup %s given %d times", id, n)
		}
	}
	stop := errors.New("stop")
	calls := 0
	if err := db.EachStartup(ctx, func(domain.Startup) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("the caller's error: %v after %d calls", err, calls)
	}
}
