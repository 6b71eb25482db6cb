package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// cityRoom stores an ended roadshow with a full room as scripts/scalebench
// builds a city's (2,000 events of chat, questions, votes and interest by
// people with accounts), settled long ago.
func cityRoom(tb testing.TB, db *mongo.DB, rm *app.ReadModel, events int) *domain.Roadshow {
	ctx := context.Background()
	rnd := rand.New(rand.NewPCG(1, 2))
	var users []*domain.User
	for i := range 1500 {
		users = append(users, &domain.User{ID: fmt.Sprintf("5ca1e0%018x", i+1), Email: fmt.Sprintf("m%d@x.cn", i), Name: fmt.Sprint("创客", i), Role: domain.RoleFounder})
	}
	if err := db.InsertUsers(ctx, users); err != nil {
		tb.Fatal(err)
	}
	if err := db.LoadUserNames(ctx); err != nil {
		tb.Fatal(err)
	}
	began := time.Now().Add(-48 * time.Hour).UTC().Truncate(time.Millisecond)
	ended := began.Add(2 * time.Hour)
	r := &domain.Roadshow{OwnerID: "owner", SpaceID: "space", Title: "路演", Visibility: domain.VisibilityPublic, Status: domain.RoadshowEnded,
		StartsAt: began, StartedAt: &began, EndedAt: &ended, Invited: []string{}, CreatedAt: began, UpdatedAt: ended}
	for j := range 3 {
		r.Slots = append(r.Slots, domain.Slot{StartupID: fmt.Sprint("startup", j), StartupName: fmt.Sprint("项目", j), OwnerID: fmt.Sprint("founder", j), Minutes: 10})
	}
	if err := rm.CreateRoadshow(ctx, r); err != nil {
		tb.Fatal(err)
	}
	lines := []string{"请问贵公司的毛利率大概是多少？", "产品已经量产了吗？", "团队背景很扎实", "估值怎么考虑的？", "有没有政府补贴？", "欢迎来柯桥看厂"}
	es := make([]domain.RoomEvent, 0, events)
	for seq := int64(1); seq <= int64(events); seq++ {
		u := users[rnd.IntN(len(users))]
		e := domain.RoomEvent{RoadshowID: r.ID, Seq: seq, UserID: u.ID, UserName: "旧" + u.Name, At: began.Add(time.Duration(seq) * 3 * time.Second)}
		switch x := rnd.IntN(100); {
		case x < 75:
			e.Type, e.Data = "chat", map[string]any{"text": lines[rnd.IntN(len(lines))]}
		case x < 85:
			e.Type, e.Data = "question", map[string]any{"text": lines[rnd.IntN(2)]}
		case x < 92:
			e.Type, e.Data = "question.vote", map[string]any{"id": rnd.Int64N(seq)}
		default:
			e.Type, e.Data = "interest", map[string]any{"startupId": r.Slots[rnd.IntN(3)].StartupID}
		}
		es = append(es, e)
	}
	if err := db.InsertRoomEvents(ctx, es); err != nil {
		tb.Fatal(err)
	}
	return r
}

// cityBook stores what a city holds beside a room's 1,500 authors (the
// accounts cityRoom makes, ids 1 to 1,500): accounts up to accounts in
// all, and investor profiles, one for every twentieth account, so that
// about one author in twenty is named by a profile, as scripts/scalebench's
// city has 50,000 accounts and 2,000 investors. Call it before the read
// model is made, which loads the profiles.
func cityBook(tb testing.TB, db *mongo.DB, accounts, investors int) {
	ctx := context.Background()
	var users []*domain.User
	for i := 1500; i < accounts; i++ {
		users = append(users, &domain.User{ID: fmt.Sprintf("5ca1e0%018x", i+1), Email: fmt.Sprintf("m%d@x.cn", i), Name: fmt.Sprint("创客", i), Role: domain.RoleFounder})
	}
	if err := db.InsertUsers(ctx, users); err != nil {
		tb.Fatal(err)
	}
	var invs []*domain.Investor
	for i := range investors {
		invs = append(invs, &domain.Investor{OwnerID: fmt.Sprintf("5ca1e0%018x", 20*i+1), Name: fmt.Sprint("资本", i), Kind: "angel",
			Sectors: []string{"智能制造", "新材料"}, Stages: []string{"天使轮"}, Districts: []string{"柯桥区"}, SpaceIDs: []string{"space"}})
	}
	if err := db.InsertInvestors(ctx, invs); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkRoomRecord serves a full room's record to its host in a
// city-sized book of names (cityBook): "first" as the first read of the
// room since start (its folded record read from the embedded engine),
// "again" from memory; each encoded as the API sends it (RecordJSON, into
// a buffer reused as the handler's is); "stored-read" is the read of the
// stored settled record alone, as a first read makes it (its bytes, not
// decoded); "scheduled" is a
// scheduled roadshow's record (its room empty), as the demo set's are.
func BenchmarkRoomRecord(b *testing.B) {
	db := mongotest.Open(b)
	cityBook(b, db, 50000, 2000)
	tax, _ := taxonomy.Load("")
	rm, err := app.NewReadModel(db, tax, slog.New(slog.DiscardHandler))
	if err == nil {
		err = rm.Load(context.Background())
	}
	if err != nil {
		b.Fatal(err)
	}
	r := cityRoom(b, db, rm, 2000)
	svc := app.NewRoadshows(rm, nil, nil, nil, slog.New(slog.DiscardHandler))
	ctx := context.Background()
	admin := domain.Actor{UserID: "admin", Role: domain.RoleAdmin}
	rec, err := svc.Record(ctx, admin, r.ID) // folds the record
	if err != nil {
		b.Fatal(err)
	}
	profiles := 0
	for _, c := range rec.Chat {
		if strings.HasPrefix(c.UserName, "资本") {
			profiles++
		}
	}
	if profiles == 0 {
		b.Fatal("no author is named by an investor profile")
	}
	for _, first := range []bool{true, false} {
		b.Run(map[bool]string{true: "first", false: "again"}[first], func(b *testing.B) {
			size, buf := 0, []byte(nil)
			cpu := cpuTime()
			for b.Loop() {
				if first {
					rm.ForgetRooms()
				}
				out, err := svc.RecordJSON(ctx, admin, r.ID, buf[:0])
				if err != nil {
					b.Fatal(err)
				}
				size, buf = len(out), out
			}
			b.ReportMetric(float64(size), "bytes/answer")
			b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
	// The demo's records: a scheduled roadshow, its room empty (a 1 KB answer).
	began := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	sched := &domain.Roadshow{OwnerID: "owner", SpaceID: "space", Title: "路演", Visibility: domain.VisibilityPublic, Status: domain.RoadshowScheduled,
		StartsAt: began, Invited: []string{}, CreatedAt: began, UpdatedAt: began,
		Slots: []domain.Slot{{StartupID: "startup0", StartupName: "项目", OwnerID: "founder0", Minutes: 10}}}
	if err := rm.CreateRoadshow(ctx, sched); err != nil {
		b.Fatal(err)
	}
	b.Run("scheduled", func(b *testing.B) {
		size, buf := 0, []byte(nil)
		cpu := cpuTime()
		for b.Loop() {
			out, err := svc.RecordJSON(ctx, admin, sched.ID, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			size, buf = len(out), out
		}
		b.ReportMetric(float64(size), "bytes/answer")
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
	b.Run("stored-read", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			if _, _, err := db.SettledRecord(ctx, r.ID); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	})
}

// cpuTime is the CPU time this process has used (the embedded engine runs
// in it too): on a machine shared with others' work it says more than the
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
