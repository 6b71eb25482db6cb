package mongo

import (
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestDecodeHeadAsTheDriver: a head decoded by hand (else by the driver,
// as findByID does) is what bson.Unmarshal gives over the same starting
// value, for heads as they are written, with fields missing, numbers of
// other widths and types, an empty and a null list of firsts, fields it
// does not know; and for the bytes of a head cut short or with any one
// byte changed: it fails where the driver fails.
func TestDecodeHeadAsTheDriver(t *testing.T) {
	usual, err := bson.Marshal(noteHead{UserID: "u", Version: 7, Count: 120, Unread: 9, Firsts: []string{"a1", "b2", "c3"}, UnreadFrom: 1, DigestFrom: 2, LastDigest: 100, Drops: 3})
	if err != nil {
		t.Fatal(err)
	}
	start := noteHead{UserID: "u", LastDigest: -1}
	check := func(name string, raw []byte) {
		t.Helper()
		want, got := start, start
		wantErr := bson.Unmarshal(raw, &want)
		var err error
		if !decodeHead(string(raw), &got) {
			err = bson.Unmarshal(raw, &got)
		}
		if (err != nil) != (wantErr != nil) || wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, %v\nwant %+v, %v", name, got, err, want, wantErr)
		}
	}
	check("usual", usual)
	if h := start; !decodeHead(string(usual), &h) {
		t.Error("a usual head left to the driver")
	}
	for name, d := range map[string]bson.D{
		"few fields":    {{Key: "_id", Value: "u"}, {Key: "count", Value: int32(2)}},
		"wide numbers":  {{Key: "_id", Value: "u"}, {Key: "count", Value: int64(1) << 40}, {Key: "drops", Value: int32(-1)}},
		"a double":      {{Key: "_id", Value: "u"}, {Key: "count", Value: 3.0}},
		"a fraction":    {{Key: "_id", Value: "u"}, {Key: "count", Value: 3.5}},
		"no firsts":     {{Key: "_id", Value: "u"}, {Key: "firsts", Value: bson.A{}}},
		"null firsts":   {{Key: "_id", Value: "u"}, {Key: "firsts", Value: nil}},
		"mixed firsts":  {{Key: "_id", Value: "u"}, {Key: "firsts", Value: bson.A{"a", int32(1)}}},
		"unknown field": {{Key: "_id", Value: "u"}, {Key: "older", Value: "x"}, {Key: "count", Value: int32(1)}},
		"empty":         {},
	} {
		raw, err := bson.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		check(name, raw)
	}
	eachDamaged(usual, check)
}
