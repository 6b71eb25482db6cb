package mongo_test

import (
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// recordEvents is a room's log as the buckets hold it: chat, a question
// with votes, interest and the stage, with the types the driver gives.
func recordEvents(id string, n int64) []domain.RoomEvent {
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	es := []domain.RoomEvent{{RoadshowID: id, Seq: 1, Type: "stage", At: at,
		Data: map[string]any{"slot": 0, "page": 2, "startupId": "s1", "startupName": "一号", "deadline": at.Add(10 * time.Minute).UnixMilli()}}}
	for seq := int64(2); seq <= n; seq++ {
		e := domain.RoomEvent{RoadshowID: id, Seq: seq, Type: "chat", UserID: "u" + string(rune('a'+seq%7)), UserName: "创客", Data: map[string]any{"text": "问题"}, At: at.Add(time.Duration(seq) * time.Second)}
		switch seq % 10 {
		case 0:
			e.Type, e.Data = "question.vote", map[string]any{"id": seq - 1}
		case 9:
			e.Type = "question"
		case 5:
			e.Type, e.Data = "interest", map[string]any{"startupId": "s1"}
		}
		es = append(es, e)
	}
	return es
}

// TestRoomRecordFolded: an ended room's events folded into one document
// read back as the same log as the buckets give; folding twice keeps the
// first; a room with no record says so; one too big is not folded.
func TestRoomRecordFolded(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if err := db.InsertRoomEvents(ctx, recordEvents("r", 230)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.RoomRecord(ctx, "r"); ok || err != nil {
		t.Fatalf("a record before folding: %v, %v", ok, err)
	}
	fromBuckets, err := db.RoomEvents(ctx, "r")
	if err != nil || len(fromBuckets) != 230 {
		t.Fatalf("%d events, %v", len(fromBuckets), err)
	}
	want, err := roadshow.FromRecords(fromBuckets)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := db.SaveRoomRecord(ctx, "r", fromBuckets); !ok || err != nil {
		t.Fatalf("fold: %v, %v", ok, err)
	}
	if ok, err := db.SaveRoomRecord(ctx, "r", fromBuckets[:3]); !ok || err != nil {
		t.Fatalf("fold again: %v, %v", ok, err)
	}
	got, ok, err := db.RoomRecord(ctx, "r")
	if !ok || err != nil {
		t.Fatalf("record: %v, %v", ok, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("folded record differs from the buckets:\n%+v\n%+v", got[9], want[9])
	}
	if v, ok := got[9].Event.(roadshow.Vote); !ok || v.QuestionID != 9 {
		t.Fatalf("event 10 is %#v, want a vote for question 9", got[9].Event)
	}
	big := []domain.RoomEvent{{RoadshowID: "big", Seq: 1, Type: "chat", Data: map[string]any{"text": strings.Repeat("长", 5<<20)}}}
	if ok, err := db.SaveRoomRecord(ctx, "big", big); ok || err != nil {
		t.Fatalf("a record over the size bound was folded: %v, %v", ok, err)
	}
	if ok, err := db.SaveRoomRecord(ctx, "odd", []domain.RoomEvent{{RoadshowID: "odd", Seq: 1, Type: "no such kind"}}); ok || err == nil {
		t.Fatalf("a log with an unknown kind was folded: %v, %v", ok, err)
	}
}

// TestRoomRecordsMigrated: a record as version 6 stored it (its events as
// BSON) still reads; the migration to version 7 rewrites it in the compact
// form with the same log, deletes one that does not read (the buckets
// answer it and the next read folds it again), and a second run changes
// nothing.
func TestRoomRecordsMigrated(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	if err := db.SetStoredSchemaVersion(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"v6", "bad", "new"} {
		r := domain.Roadshow{ID: id, OwnerID: "o", SpaceID: "s", Title: id, Status: domain.RoadshowEnded, Invited: []string{}}
		if _, err := db.Raw(mongo.ColRoadshows).InsertOne(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.InsertRoomEvents(ctx, recordEvents("v6", 120)); err != nil {
		t.Fatal(err)
	}
	events, _ := db.RoomEvents(ctx, "v6")
	want, _ := roadshow.FromRecords(events)
	v6 := func(id string, evs []domain.RoomEvent) bson.D {
		raw, err := bson.Marshal(bson.D{{Key: "e", Value: evs}})
		if err != nil {
			t.Fatal(err)
		}
		return bson.D{{Key: "_id", Value: id}, {Key: "count", Value: len(evs)}, {Key: "events", Value: bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: raw}}}
	}
	col := db.Raw(mongo.ColRoomRecords)
	if _, err := col.InsertMany(ctx, []any{v6("v6", events), v6("bad", []domain.RoomEvent{{RoadshowID: "bad", Seq: 1, Type: "gone"}})}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveRoomRecord(ctx, "new", recordEvents("new", 30)); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := db.RoomRecord(ctx, "v6"); !ok || err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("version 6's record before migrating: %d events, %v, %v", len(got), ok, err)
	}
	for run := range 2 {
		if _, err := db.Migrate(ctx, log); err != nil {
			t.Fatal(err)
		}
		var stored struct {
			Log    bson.Binary `bson:"log"`
			Events bson.Binary `bson:"events"`
		}
		if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: "v6"}}).Decode(&stored); err != nil || stored.Log.Data == nil || stored.Events.Data != nil {
			t.Fatalf("run %d: not rewritten: %v", run, err)
		}
		if got, ok, err := db.RoomRecord(ctx, "v6"); !ok || err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d: migrated record: %d events, %v, %v", run, len(got), ok, err)
		}
		if _, ok, err := db.RoomRecord(ctx, "bad"); ok || err != nil {
			t.Fatalf("run %d: an unreadable record was kept: %v, %v", run, ok, err)
		}
		if got, ok, err := db.RoomRecord(ctx, "new"); !ok || err != nil || len(got) != 30 {
			t.Fatalf("run %d: a version 7 record: %d events, %v, %v", run, len(got), ok, err)
		}
	}
}

// TestRoomRecordReadStraight: on the embedded engine a settled room's
// record is read through the straight reader (ferret.Server.ReadBinary,
// which mongotest sets as the platform does) and gives the log the driver
// reads; a reader that finds no binary field sends the read to the driver.
func TestRoomRecordReadStraight(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	events := recordEvents("r", 120)
	if ok, err := db.SaveRoomRecord(ctx, "r", events); !ok || err != nil {
		t.Fatalf("fold: %v, %v", ok, err)
	}
	want, _ := roadshow.FromRecords(events)
	straight, ok, err := db.RoomRecord(ctx, "r")
	if !ok || err != nil || !reflect.DeepEqual(straight, want) {
		t.Fatalf("read straight: %d events, %v, %v", len(straight), ok, err)
	}
	if !db.Embedded() {
		t.Log("TEST_MONGODB_URI: a MongoDB server reads through the driver only; the straight reader is not set")
		return
	}
	asked := 0
	db.SetBinaryRead(func(_ context.Context, _, col, id, field string) (string, bool, error) {
		asked++
		if col != mongo.ColRoomRecords || id != "r" || field != "log" {
			t.Errorf("asked for %s %s.%s", col, id, field)
		}
		return "", false, nil
	})
	viaDriver, ok, err := db.RoomRecord(ctx, "r")
	if asked != 1 || !ok || err != nil || !reflect.DeepEqual(viaDriver, want) {
		t.Fatalf("through the driver: asked %d, %d events, %v, %v", asked, len(viaDriver), ok, err)
	}
	db.SetBinaryRead(func(context.Context, string, string, string, string) (string, bool, error) {
		return "\xff", true, nil // not a log: the answer must come from here
	})
	if _, _, err := db.RoomRecord(ctx, "r"); err == nil {
		t.Fatal("the straight reader's answer was not the one used")
	}
}
