package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/yuechuang/yuechuang/server/app"
	"github.com/yuechuang/yuechuang/server/domain"
)

// TestSettledRecordAsFromBuckets: a settled room's record, served from its
// stored fold on the first read and from memory after, answers exactly
// what the same room answered from its buckets just after it ended, to
// its host, to a presenting founder and to a viewer: hidden messages and
// questions left out, interest names only for the host and that
// startup's founder, votes and answers, and each person by their current
// name (a rename after the fold shows at once).
func TestSettledRecordAsFromBuckets(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	svc := app.NewRoadshows(rm, nil, nil, nil, slog.New(slog.DiscardHandler))
	r := cityRoom(t, db, rm, 600)
	var es []domain.RoomEvent
	seq := int64(601)
	add := func(typ, user string, data map[string]any) {
		es = append(es, domain.RoomEvent{RoadshowID: r.ID, Seq: seq, Type: typ, UserID: user, UserName: "旧名", Data: data, At: time.Now().UTC().Truncate(time.Millisecond)})
		seq++
	}
	u1, u2 := "5ca1e0ffffffffffffffff01", fmt.Sprintf("5ca1e0%018x", 2) // one new to the room, one who chatted
	if err := db.InsertUsers(ctx, []*domain.User{{ID: u1, Email: "zt@x.cn", Name: "专投", Role: domain.RoleInvestor}}); err != nil {
		t.Fatal(err)
	}
	add("chat", u1, map[string]any{"text": "<b>hidden</b>"})
	add("message.hide", "", map[string]any{"id": seq - 1})
	add("question", u2, map[string]any{"text": "hidden question"})
	add("message.hide", "", map[string]any{"id": seq - 1})
	add("question", u2, map[string]any{"text": "答了"})
	add("question.vote", u1, map[string]any{"id": seq - 1})
	add("question.answer", "", map[string]any{"id": seq - 2})
	add("interest", u1, map[string]any{"startupId": r.Slots[1].StartupID})
	add("interest", "", map[string]any{"startupId": r.Slots[2].StartupID}) // a guest's
	add("ended", "", map[string]any{})
	if err := db.AppendRoomEvents(ctx, es); err != nil { // as the live room stores them
		t.Fatal(err)
	}
	actors := map[string]domain.Actor{"host": {UserID: r.OwnerID, Role: domain.RoleManager},
		"founder": {UserID: r.Slots[1].OwnerID, Role: domain.RoleFounder}, "viewer": {UserID: u2, Role: domain.RoleInvestor}}
	answer := func(who string) string {
		rec, err := svc.Record(ctx, actors[who], r.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec.Roadshow = nil // its status and end moved on meanwhile
		b, _ := json.Marshal(rec)
		return string(b)
	}
	setEnded := func(at time.Time) {
		cur, err := rm.RoadshowByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur.EndedAt = &at
		if err := rm.UpdateRoadshow(ctx, cur, cur.Version); err != nil {
			t.Fatal(err)
		}
	}
	setEnded(time.Now().Add(-10 * time.Second)) // just ended: from the buckets
	want := map[string]string{}
	for who := range actors {
		want[who] = answer(who)
	}
	if _, folded, _ := db.RoomRecord(ctx, r.ID); folded {
		t.Fatal("a room that has not settled was folded")
	}
	setEnded(time.Now().Add(-time.Hour))
	for round := range 3 { // folded from the buckets, from memory, from the stored settled record
		if round == 2 {
			if _, ok, err := db.SettledRecord(ctx, r.ID); !ok || err != nil {
				t.Fatalf("a settled room's record was not stored: %v", err)
			}
			rm.ForgetRooms() // a first read since start
		}
		for who := range actors {
			if got := answer(who); got != want[who] {
				t.Fatalf("round %d, %s: settled record differs from the buckets':\n got %.600s\nwant %.600s", round, who, got, want[who])
			}
		}
	}
	if _, folded, _ := db.RoomRecord(ctx, r.ID); !folded {
		t.Fatal("a settled room was not folded")
	}
	for _, check := range []struct {
		who, part string
		in        bool
	}{{"host", "hidden", false}, {"host", "答了", true}, {"host", `"votes":1,"answered":true`, true},
		{"host", `"专投"`, true}, {"founder", `"专投"`, true}, {"viewer", `"investors"`, false}} {
		if got := answer(check.who); strings.Contains(got, check.part) != check.in {
			t.Errorf("%s's record has %q: %v, want %v", check.who, check.part, !check.in, check.in)
		}
	}
	if err := db.SetUserName(ctx, u1, "新名字"); err != nil {
		t.Fatal(err)
	}
	if got := answer("host"); !strings.Contains(got, `"新名字"`) || strings.Contains(got, "专投") {
		t.Errorf("a rename after the fold does not show: %.300s", got)
	}
	// An author's names are looked up once per change to anyone's name:
	// an account's rename, then an investor profile, show at once.
	authorOld := answer("viewer")
	if err := db.SetUserName(ctx, u2, "改了名"); err != nil {
		t.Fatal(err)
	}
	if got := answer("viewer"); got == authorOld || !strings.Contains(got, `"userName":"改了名"`) {
		t.Errorf("an author's rename does not show: %.300s", got)
	}
	if err := rm.CreateInvestor(ctx, &domain.Investor{OwnerID: u2, Name: "越投资本"}); err != nil {
		t.Fatal(err)
	}
	if got := answer("viewer"); !strings.Contains(got, `"userName":"越投资本"`) || strings.Contains(got, "改了名") {
		t.Errorf("an author's investor profile does not name them: %.300s", got)
	}
}

// TestRecordJSONAsEncoded: the record written by hand is, byte for byte,
// what the API's encoder makes of the same Record, for every reader, from
// the buckets and from the fold, with texts and names that need escaping
// (HTML, quotes, control characters, U+2028, invalid UTF-8) and attendance,
// the fold made from the room's log, held, and read back from its store.
func TestRecordJSONAsEncoded(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	svc := app.NewRoadshows(rm, nil, nil, nil, slog.New(slog.DiscardHandler))
	r := cityRoom(t, db, rm, 300)
	odd := []string{`<script>"&'\`, "line\nbreak\ttab\u0001\u001f", "sep\u2028par\u2029", "bad \xff\xfe utf8", ""}
	var es []domain.RoomEvent
	for i, text := range odd {
		user := fmt.Sprintf("5ca1e0%018x", i+1)
		es = append(es, domain.RoomEvent{RoadshowID: r.ID, Seq: int64(301 + 2*i), Type: "chat", UserID: user, UserName: text, Data: map[string]any{"text": text}, At: time.Now().UTC()},
			domain.RoomEvent{RoadshowID: r.ID, Seq: int64(302 + 2*i), Type: "question", UserID: "", UserName: text, Data: map[string]any{"text": text}, At: time.Now().UTC()})
	}
	if err := db.AppendRoomEvents(ctx, es); err != nil {
		t.Fatal(err)
	}
	for i, name := range odd[:3] {
		if err := db.SaveAttendance(ctx, domain.Attendance{RoadshowID: r.ID, UserID: fmt.Sprintf("5ca1e0%018x", i+1), Name: name, Role: "investor",
			FirstSeen: time.Now().UTC(), LastSeen: time.Now().UTC()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetUserName(ctx, fmt.Sprintf("5ca1e0%018x", 2), odd[0]); err != nil {
		t.Fatal(err)
	}
	actors := []domain.Actor{{UserID: r.OwnerID, Role: domain.RoleManager}, {UserID: r.Slots[0].OwnerID, Role: domain.RoleFounder},
		{UserID: "someone", Role: domain.RoleInvestor}, {}}
	check := func(when string) {
		for _, a := range actors {
			rec, err := svc.Record(ctx, a, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := gojson.Marshal(rec)
			got, err := svc.RecordJSON(ctx, a, r.ID, []byte("kept:"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "kept:"+string(want) {
				at := 0
				for at < len(want) && at+5 < len(got) && got[at+5] == want[at] {
					at++
				}
				t.Fatalf("%s, %+v: differs at byte %d:\n got %.300s\nwant %.300s", when, a, at, got[5+max(0, at-100):], want[max(0, at-100):])
			}
		}
	}
	check("from the buckets")
	cur, _ := rm.RoadshowByID(ctx, r.ID)
	cur.EndedAt = ptr(time.Now().Add(-time.Hour))
	if err := rm.UpdateRoadshow(ctx, cur, cur.Version); err != nil {
		t.Fatal(err)
	}
	check("from the stored fold")
	check("from memory")
	rm.ForgetRooms() // a first read since start: the stored record's bytes kept as the fold's text
	check("from the stored record")
}

// TestRecordAttendanceNames: the host's record names each attendee by
// their current name, one who wrote in the room as the record names them
// (a rename shows, held or read again from the store), one who did not by
// their account, and one without an account by the name they came with;
// the attendees are counted for everyone, and listed for the host only.
func TestRecordAttendanceNames(t *testing.T) {
	db, rm := roomsSetup(t)
	ctx := context.Background()
	svc := app.NewRoadshows(rm, nil, nil, nil, slog.New(slog.DiscardHandler))
	r := cityRoom(t, db, rm, 300)
	host := domain.Actor{UserID: r.OwnerID, Role: domain.RoleManager}
	rec, err := svc.Record(ctx, host, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	author := rec.Chat[0].UserID
	silent := "5ca1e0ffffffffffffffff02"
	if err := db.InsertUsers(ctx, []*domain.User{{ID: silent, Email: "silent@x.cn", Name: "旁听者", Role: domain.RoleInvestor}}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ id, name string }{{author, "来时的名字"}, {silent, "来时的名字"}, {"5ca1e0ffffffffffffffff03", "访客"}} {
		now := time.Now().UTC()
		if err := rm.SaveAttendance(ctx, domain.Attendance{RoadshowID: r.ID, UserID: a.id, Name: a.name, Role: "investor", FirstSeen: now, LastSeen: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetUserName(ctx, author, "改名的作者"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{author: "改名的作者", silent: "旁听者", "5ca1e0ffffffffffffffff03": "访客"}
	for _, forget := range []bool{false, true} { // the fold held, then read again from the store
		if forget {
			rm.ForgetRooms()
		}
		rec, err := svc.Record(ctx, host, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, a := range rec.Attendance.People {
			got[a.UserID] = a.Name
		}
		if !reflect.DeepEqual(got, want) || rec.Attendance.Unique != 3 {
			t.Errorf("forgotten %v: attendees %v (%d), want %v", forget, got, rec.Attendance.Unique, want)
		}
		viewer, err := svc.Record(ctx, domain.Actor{UserID: silent, Role: domain.RoleInvestor}, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if viewer.Attendance.Unique != 3 || viewer.Attendance.People != nil {
			t.Errorf("a viewer's attendance: %+v", viewer.Attendance)
		}
	}
}
