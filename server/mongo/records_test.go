package mongo_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
)

// TestRoomRecordFolded: an ended room's events folded into one document
// come back exactly as the buckets give them (types in Data included);
// folding twice keeps the first; a room with no record says so.
func TestRoomRecordFolded(t *testing.T) {
	db := mongotest.Open(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	var es []domain.RoomEvent
	for seq := int64(1); seq <= 230; seq++ {
		e := domain.RoomEvent{RoadshowID: "r", Seq: seq, Type: "chat", UserID: "u", UserName: "创客", Data: map[string]any{"text": "问题"}, At: at.Add(time.Duration(seq) * time.Second)}
		if seq%10 == 0 {
			e.Type, e.Data = "question.vote", map[string]any{"id": seq - 1}
		}
		es = append(es, e)
	}
	if err := db.InsertRoomEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.RoomRecord(ctx, "r"); ok || err != nil {
		t.Fatalf("a record before folding: %v, %v", ok, err)
	}
	fromBuckets, err := db.RoomEvents(ctx, "r")
	if err != nil || len(fromBuckets) != 230 {
		t.Fatalf("%d events, %v", len(fromBuckets), err)
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
	if !reflect.DeepEqual(got, fromBuckets) {
		t.Fatalf("folded record differs from the buckets:\n%+v\n%+v", got[9], fromBuckets[9])
	}
	if id := got[9].Int("id"); id != 9 {
		t.Fatalf("vote's question id %d, want 9", id)
	}
	big := []domain.RoomEvent{{RoadshowID: "big", Seq: 1, Type: "chat", Data: map[string]any{"text": strings.Repeat("长", 5<<20)}}}
	if ok, err := db.SaveRoomRecord(ctx, "big", big); ok || err != nil {
		t.Fatalf("a record over the size bound was folded: %v, %v", ok, err)
	}
}
