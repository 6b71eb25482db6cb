package mongo

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestDecodeItemsAsTheDriver: the hand decoding of a bucket's items gives
// what bson.Unmarshal gives, for the usual items (as packBucket writes
// them) and for every shape it leaves to the driver: data with nested
// documents, arrays, dates and ids, a null or missing data, positions
// stored as other numbers, fields it does not know.
func TestDecodeItemsAsTheDriver(t *testing.T) {
	at := time.Date(2026, 11, 28, 19, 0, 0, 123_000_000, time.UTC)
	usual := []noteItem{
		{Pos: 0, Notification: domain.Notification{ID: "a", Type: domain.NoteMatch, Data: map[string]any{"startupId": "s1", "startupName": "越芯半导体", "score": 80.5, "n": 3, "big": int64(1) << 40, "ok": true, "none": nil}, Read: true, CreatedAt: at}},
		{Pos: 1, Notification: domain.Notification{ID: "b", Type: "interest", Data: map[string]any{}, Digest: true, Digested: true, CreatedAt: at.Add(-time.Hour)}},
		{Pos: 2, Notification: domain.Notification{ID: "c", Type: "x"}},
		{Pos: 1 << 40, Notification: domain.Notification{ID: "d", Data: map[string]any{"nested": map[string]any{"k": "v"}, "list": []any{"a", 1}, "at": at, "oid": bson.NewObjectID()}}},
	}
	doc, err := packBucket("u/00000000", 1, usual)
	if err != nil {
		t.Fatal(err)
	}
	odd, err := bson.Marshal(bson.D{{Key: "items", Value: bson.A{
		bson.D{{Key: "pos", Value: 3.0}, {Key: "_id", Value: "e"}},
		bson.D{{Key: "pos", Value: int32(4)}, {Key: "_id", Value: "f"}, {Key: "data", Value: nil}, {Key: "extra", Value: "kept out"}},
		bson.D{{Key: "pos", Value: int64(5)}, {Key: "_id", Value: "g"}, {Key: "createdAt", Value: "not a date"}},
		bson.D{{Key: "_id", Value: "h"}, {Key: "data", Value: bson.D{{Key: "d", Value: bson.D{}}}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	// The usual items are decoded by hand (the last one's data is not).
	body, _ := bsonBody(string(doc.Packed))
	items, _, _ := bsonNext(body)
	vals, _ := bsonBody(items.val)
	for i := range 3 {
		var v bsonElem
		v, vals, _ = bsonNext(vals)
		if !decodeItem(v.val, &noteItem{}) {
			t.Errorf("usual item %d left to the driver", i)
		}
	}
	empty, _ := bson.Marshal(bson.D{})
	for name, packed := range map[string][]byte{"usual": doc.Packed, "odd": odd, "empty": empty} {
		var want packedItems
		wantErr := bson.Unmarshal(packed, &want)
		got, err := decodeItems(string(packed))
		if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want.Items) {
			t.Errorf("%s: got %+v, %v\nwant %+v, %v", name, got, err, want.Items, wantErr)
		}
	}
	if _, err := decodeItems("\x01\x02\x03"); err == nil {
		t.Error("bytes that are not BSON decoded")
	}
}

// TestDecodeItemsOnDamagedBytes: a bucket's packed value cut short or with
// any one byte changed never panics the hand decoding, which fails where
// the driver fails and elsewhere gives the driver's items (it may leave an
// item to the driver, never answer otherwise).
func TestDecodeItemsOnDamagedBytes(t *testing.T) {
	at := time.Date(2026, 11, 28, 19, 0, 0, 0, time.UTC)
	doc, err := packBucket("u/00000000", 1, []noteItem{
		{Pos: 7, Notification: domain.Notification{ID: "a1", Type: domain.NoteMatch, Data: map[string]any{"startupId": "s1", "startupName": "越芯", "score": 80.5, "n": int32(3), "ok": true}, Read: true, CreatedAt: at}},
		{Pos: 8, Notification: domain.Notification{ID: "b2", Type: "interest", CreatedAt: at}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, packed []byte) {
		var want packedItems
		wantErr := bson.Unmarshal(packed, &want)
		got, err := decodeItems(string(packed))
		if (err != nil) != (wantErr != nil) || wantErr == nil && !reflect.DeepEqual(got, want.Items) {
			t.Errorf("%s: got %+v, %v\nwant %+v, %v", name, got, err, want.Items, wantErr)
		}
	}
	eachDamaged(doc.Packed, check)
}

// eachDamaged calls check with raw cut short at every length and with each
// of its bytes in turn set to values that break a length, a type or a
// terminator: what a hand decoder must refuse where bson.Unmarshal does.
func eachDamaged(raw []byte, check func(name string, damaged []byte)) {
	for n := range len(raw) {
		check(fmt.Sprint("cut at ", n), raw[:n])
	}
	for i := range raw {
		for _, b := range []byte{0, 1, 2, 0x7f, 0xff, raw[i] + 1, raw[i] - 1} {
			p := slices.Clone(raw)
			p[i] = b
			check(fmt.Sprintf("byte %d set to %#x", i, b), p)
		}
	}
}
