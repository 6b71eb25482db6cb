package mongo_test

import (
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/roadshow"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// settledOf is what the record of the room whose buckets hold events
// shows, as folded from its stored log.
func settledOf(t *testing.T, events []domain.RoomEvent) *roadshow.Settled {
	t.Helper()
	log, err := roadshow.FromRecords(events)
	if err != nil {
		t.Fatal(err)
	}
	b, err := roadshow.EncodeLog(log)
	if err != nil {
		t.Fatal(err)
	}
	if log, err = roadshow.DecodeLog(string(b)); err != nil {
		t.Fatal(err)
	}
	return roadshow.Settle(log)
}

// settledRead is the settled record of roadshowID as db stores it, decoded.
func settledRead(t *testing.T, db *mongo.DB, roadshowID string) (*roadshow.Settled, bool, error) {
	t.Helper()
	raw, ok, err := db.SettledRecord(context.Background(), roadshowID)
	if !ok || err != nil {
		return nil, ok, err
	}
	s, err := roadshow.DecodeSettled(raw)
	return s, err == nil, err
}

// TestSettledRecords: what a settled room's record shows is stored once
// (a second save keeps the first; the room log's save stores it too) and
// reads back as it went in, straight
// from the embedded engine's storage and through the driver alike; a room
// without one says so, and one too big is not stored.
func TestSettledRecords(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if _, ok, err := db.SettledRecord(ctx, "r"); ok || err != nil {
		t.Fatalf("a settled record before one was stored: %v, %v", ok, err)
	}
	want := settledOf(t, recordEvents("r", 230))
	if ok, err := db.SaveSettledRecord(ctx, "r", want); !ok || err != nil {
		t.Fatalf("save: %v, %v", ok, err)
	}
	if ok, err := db.SaveSettledRecord(ctx, "r", settledOf(t, recordEvents("r", 3))); !ok || err != nil {
		t.Fatalf("save again: %v, %v", ok, err)
	}
	for _, straight := range []bool{true, false} {
		if !straight {
			db.SetBinaryRead(nil) // through the driver, as on MongoDB
		}
		got, ok, err := settledRead(t, db, "r")
		if !ok || err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("read (straight %v): %v, %v; %+v", straight, ok, err, got)
		}
	}
	if ok, err := db.SaveRoomRecord(ctx, "s", recordEvents("s", 40)); !ok || err != nil { // the log's save stores it too
		t.Fatalf("fold: %v, %v", ok, err)
	}
	if got, ok, err := settledRead(t, db, "s"); !ok || err != nil || !reflect.DeepEqual(got, settledOf(t, recordEvents("s", 40))) {
		t.Fatalf("a folded room's settled record: %v, %v; %+v", ok, err, got)
	}
	big := &roadshow.Settled{Chat: []roadshow.SettledLine{{Seq: 1, Text: strings.Repeat("长", 5<<20)}}, People: []roadshow.Author{{UserID: "u"}}}
	if ok, err := db.SaveSettledRecord(ctx, "big", big); ok || err != nil {
		t.Fatalf("a settled record over the size bound was stored: %v, %v", ok, err)
	}
}

// TestSettledRecordsMigrated: the step to version 9 stores what each
// folded room log's record shows, keeps one stored already (a re-run after
// a crash), leaves a room without a folded log alone, and a second run
// changes nothing.
func TestSettledRecordsMigrated(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	if err := db.SetStoredSchemaVersion(ctx, 8); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "none"} {
		r := domain.Roadshow{ID: id, OwnerID: "o", SpaceID: "s", Title: id, Status: domain.RoadshowEnded, Invited: []string{}}
		if _, err := db.Raw(mongo.ColRoadshows).InsertOne(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	early := settledOf(t, recordEvents("b", 20))
	if _, err := db.SaveSettledRecord(ctx, "b", early); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} { // the log alone, as version 8 stored it
		log, err := roadshow.FromRecords(recordEvents(id, 150))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := roadshow.EncodeLog(log)
		if err != nil {
			t.Fatal(err)
		}
		doc := bson.D{{Key: "_id", Value: id}, {Key: "count", Value: len(log)}, {Key: "log", Value: bson.Binary{Subtype: bson.TypeBinaryGeneric, Data: raw}}}
		if _, err := db.Raw(mongo.ColRoomRecords).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok, err := db.SettledRecord(ctx, "a"); ok || err != nil {
		t.Fatalf("a settled record before migrating: %v, %v", ok, err)
	}
	for run := range 2 {
		if _, err := db.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		if v, err := db.StoredSchemaVersion(ctx); v != mongo.SchemaVersion || err != nil {
			t.Fatalf("run %d: version %d, %v", run, v, err)
		}
		for id, want := range map[string]*roadshow.Settled{"a": settledOf(t, recordEvents("a", 150)), "b": early} {
			if got, ok, err := settledRead(t, db, id); !ok || err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("run %d, %s: %v, %v; %+v", run, id, ok, err, got)
			}
		}
		if _, ok, err := db.SettledRecord(ctx, "none"); ok || err != nil {
			t.Fatalf("run %d: a room with no folded log has a settled record: %v, %v", run, ok, err)
		}
	}
}
