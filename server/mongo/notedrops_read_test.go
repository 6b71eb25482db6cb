package mongo

import (
	"reflect"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestDecodeDropAsTheDriver: a stored drop decoded by hand is what
// bson.Unmarshal gives, for drops as fan-outs store them, for shapes it
// leaves to the driver (data it does not read, fields it does not know, a
// null list, positions), and for the same bytes cut short or with any one
// byte changed: it fails where the driver fails, never answers otherwise.
func TestDecodeDropAsTheDriver(t *testing.T) {
	at := time.Date(2026, 11, 28, 19, 0, 0, 123_000_000, time.UTC)
	usual, err := bson.Marshal(noteDrop{ID: "u/00000003", Items: []domain.Notification{
		{ID: "a1", UserID: "u", Type: domain.NoteMatch, Data: map[string]any{"startupId": "s1", "startupName": "越芯", "score": 80.5, "sector": "ic"}, CreatedAt: at},
		{ID: "b2", Type: domain.NoteRoadshowNew, Read: true, Digest: true, CreatedAt: at.Add(time.Hour)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]bson.D{
		"empty list":   {{Key: "_id", Value: "u/1"}, {Key: "items", Value: bson.A{}}},
		"null list":    {{Key: "_id", Value: "u/2"}, {Key: "items", Value: nil}},
		"extra field":  {{Key: "_id", Value: "u/3"}, {Key: "at", Value: at}, {Key: "items", Value: bson.A{}}},
		"nested data":  {{Key: "_id", Value: "u/4"}, {Key: "items", Value: bson.A{bson.D{{Key: "_id", Value: "x"}, {Key: "data", Value: bson.D{{Key: "d", Value: bson.A{1}}}}}}}},
		"a position":   {{Key: "_id", Value: "u/5"}, {Key: "items", Value: bson.A{bson.D{{Key: "_id", Value: "x"}, {Key: "pos", Value: int32(3)}}}}},
		"no _id":       {{Key: "items", Value: bson.A{bson.D{{Key: "type", Value: "t"}}}}},
		"not an array": {{Key: "_id", Value: "u/6"}, {Key: "items", Value: "x"}},
	}
	check := func(name string, raw []byte) {
		t.Helper()
		var want noteDrop
		wantErr := bson.Unmarshal(raw, &want)
		got, err := decodeDrop(raw)
		if (err != nil) != (wantErr != nil) || wantErr == nil && !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: got %+v, %v\nwant %+v, %v", name, got, err, want, wantErr)
		}
	}
	check("usual", usual)
	if !decodeDropByHand(string(usual), &noteDrop{}) {
		t.Error("a usual drop left to the driver")
	}
	for name, d := range shapes {
		raw, err := bson.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		check(name, raw)
	}
	eachDamaged(usual, check)
}
