package app_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
	"go.mongodb.org/mongo-driver/v2/bson"
)

// TestNotificationListJSON: a notification page's hand-written JSON is
// byte for byte what encoding/json writes, for the city's items and for
// data of every kind the store may give back (texts to escape, invalid
// UTF-8, numbers at their limits, nested values, nulls), an empty and a
// nil page; a value encoding/json refuses is refused too.
func TestNotificationListJSON(t *testing.T) {
	at := time.Date(2026, 11, 28, 19, 0, 0, 123_456_000, time.UTC)
	items := []domain.Notification{
		{ID: "6b0b2c2f7261d9282e2c0783", Type: domain.NoteMatch, Read: true, CreatedAt: at,
			Data: map[string]any{"startupId": "6b0b2c2f7261d9282e2c0784", "startupName": "越芯半导体", "score": 80.5}},
		{ID: "b", Type: "interest <&> \"q\"", Digest: true, CreatedAt: at.In(time.FixedZone("CST", 8*3600)),
			Data: map[string]any{"z": int32(-3), "a": int64(math.MaxInt64), "m": 7, "t": true, "f": false, "n": nil, "x": "\u2028 \x01 \xff <script>",
				"tiny": 1e-7, "big": 1e21, "neg": -0.0, "third": 1.0 / 3, "whole": 3.0, "nested": map[string]any{"k": []any{1, "two"}}, "d": bson.D{{Key: "k", Value: 1}}}},
		{ID: "c", Type: "x", Data: map[string]any{}},
		{ID: "d", Type: "y", Data: nil, CreatedAt: time.Time{}},
	}
	for _, l := range []*app.NotificationList{
		{List: domain.List[domain.Notification]{Items: items, Total: 130, Page: 2, PageSize: 20}, Unread: 7},
		{List: domain.List[domain.Notification]{Items: []domain.Notification{}, Page: 1, PageSize: 20}},
		{},
	} {
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.AppendJSON([]byte("keep:"))
		if err != nil || !bytes.Equal(got, append([]byte("keep:"), want...)) {
			t.Errorf("got  %s (%v)\nwant keep:%s", got, err, want)
		}
	}
	bad := &app.NotificationList{List: domain.List[domain.Notification]{Items: []domain.Notification{{ID: "e", Data: map[string]any{"nan": math.NaN()}}}}}
	if _, err := bad.AppendJSON(nil); err == nil {
		t.Error("NaN written")
	}
	late := &app.NotificationList{List: domain.List[domain.Notification]{Items: []domain.Notification{{ID: "f", CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}}
	if _, err := late.AppendJSON(nil); err == nil {
		t.Error("a year past 9999 written")
	}
}
