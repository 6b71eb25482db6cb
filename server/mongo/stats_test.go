package mongo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestSnapshots checks the history's reads and writes on both paths: an
// upsert by day, the days from a date on, oldest first, a day recorded
// again replaced; the MongoDB path asks the collection ($gte on string
// ids, a sort by id), the embedded one reads it once and then answers from
// memory, which must say what the collection says.
func TestSnapshots(t *testing.T) {
	for _, embedded := range []bool{true, false} {
		t.Run(fmt.Sprint("embedded=", embedded), func(t *testing.T) {
			db := mongotest.Open(t)
			db.SetEmbedded(embedded)
			testSnapshots(t, db)
		})
	}
}

func testSnapshots(t *testing.T, db *mongo.DB) {
	ctx := context.Background()
	if got, err := db.Snapshots(ctx, ""); err != nil || len(got) != 0 { // loads an empty history first
		t.Fatalf("empty history: %+v, %v", got, err)
	}
	for _, d := range []string{"2026-03-31", "2025-12-31", "2026-01-31", "2026-02-28"} {
		s := &domain.Snapshot{Date: d, Reconstructed: true, Values: []domain.SnapshotValue{{Key: "spaces.city", Value: 1}}}
		if err := db.SaveSnapshot(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	// Recording the same day again replaces it.
	if err := db.SaveSnapshot(ctx, &domain.Snapshot{Date: "2026-02-28", Values: []domain.SnapshotValue{{Key: "spaces.city", Value: 7}}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Snapshots(ctx, "2026-01-01")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-01-31", "2026-02-28", "2026-03-31"}
	if len(got) != len(want) {
		t.Fatalf("Snapshots = %+v, want days %v", got, want)
	}
	for i, s := range got {
		if s.Date != want[i] {
			t.Errorf("snapshot %d is %s, want %s", i, s.Date, want[i])
		}
	}
	if got[1].Reconstructed || len(got[1].Values) != 1 || got[1].Values[0].Value != 7 || got[1].Values[0].Key != "spaces.city" {
		t.Errorf("replaced snapshot = %+v, want the recorded value 7", got[1])
	}
	got[1].Values[0].Value = 99 // a caller's change stays its own
	var stored []struct {
		Date string `bson:"_id"`
	}
	cur, err := db.Raw("stats_history").Find(ctx, bson.D{})
	if err == nil {
		err = cur.All(ctx, &stored)
	}
	all, err2 := db.Snapshots(ctx, "")
	if err != nil || err2 != nil || len(all) != len(stored) || len(all) != 4 || all[0].Date != "2025-12-31" || all[2].Values[0].Value != 7 {
		t.Fatalf("whole history %+v (%v), stored %+v (%v)", all, err2, stored, err)
	}
}

// TestAttendanceKeepsFirstSeen: saving someone's attendance again (as a
// restarted server does, not knowing when they first came) moves lastSeen
// and keeps firstSeen; the upsert with $setOnInsert works on FerretDB.
func TestAttendanceKeepsFirstSeen(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	first := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	a := domain.Attendance{RoadshowID: "r1", UserID: "u1", Name: "甲", Role: "viewer", FirstSeen: first, LastSeen: first}
	if err := db.SaveAttendance(ctx, a); err != nil {
		t.Fatal(err)
	}
	later := first.Add(time.Hour)
	a.FirstSeen, a.LastSeen, a.Name = later, later, "甲（改名）"
	if err := db.SaveAttendance(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := db.AttendanceOf(ctx, "r1")
	if err != nil || len(got) != 1 {
		t.Fatalf("AttendanceOf = %+v, %v", got, err)
	}
	if !got[0].FirstSeen.Equal(first) || !got[0].LastSeen.Equal(later) || got[0].Name != "甲（改名）" {
		t.Errorf("attendance = %+v, want firstSeen %v kept and lastSeen %v", got[0], first, later)
	}
}
