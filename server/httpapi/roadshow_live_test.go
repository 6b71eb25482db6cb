package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestRoadshowLive drives real websocket clients through a whole roadshow.
func TestRoadshowLive(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "registered")
	path := "/api/v1/roadshows/" + s.id

	// Who may enter.
	if _, err := e.dial(t, addr, s.viewer, s.id, ""); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("unregistered viewer entered: %v", err)
	}
	if _, err := e.dial(t, addr, "", s.id, ""); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("guest entered a registered-only room: %v", err)
	}
	u := url.URL{Scheme: "ws", Host: addr, Path: "/ws/roadshows/" + s.id, RawQuery: "ticket=forged"}
	if _, res, err := websocket.DefaultDialer.Dial(u.String(), nil); err == nil || res.StatusCode != 401 {
		t.Fatalf("forged ticket: %v", err)
	}
	tk := e.must(200, "POST", "/api/v1/realtime/ticket", s.host, nil).str("ticket")
	u.RawQuery = "ticket=" + tk
	c1, _, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	c1.Close()
	if _, res, err := websocket.DefaultDialer.Dial(u.String(), nil); err == nil || res.StatusCode != 401 {
		t.Fatal("a ticket worked twice")
	}

	e.must(200, "POST", path+"/register", s.investor, nil)
	e.must(200, "POST", path+"/register", s.viewer, nil)
	host, err := e.dial(t, addr, s.host, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	if w := host.next("welcome"); w.field("role") != "host" {
		t.Fatalf("host welcome %s", w.Data)
	}
	e.must(200, "POST", path+"/start", s.host, nil)
	if st := host.next("stage"); st.field("slot") != "0" || st.field("startupId") != s.startupA || st.field("page") != "1" {
		t.Fatalf("stage after start %s", st.Data)
	}
	inv, _ := e.dial(t, addr, s.investor, s.id, "")
	w := inv.next("welcome")
	if w.field("role") != "investor" || !strings.Contains(string(w.Data), s.startupA) {
		t.Fatalf("investor welcome %s", w.Data)
	}
	// Both the stage frame and the welcome's stage count down to a deadline
	// in Unix milliseconds: slot A has 10 minutes.
	var welcome struct {
		Stage struct {
			Deadline json.Number `json:"deadline"`
		} `json:"stage"`
	}
	_ = json.Unmarshal(w.Data, &welcome)
	if ms, err := welcome.Stage.Deadline.Int64(); err != nil || time.Until(time.UnixMilli(ms)) < 9*time.Minute || time.Until(time.UnixMilli(ms)) > 10*time.Minute {
		t.Errorf("welcome stage deadline %q, want Unix ms about 10 minutes ahead", welcome.Stage.Deadline)
	}
	presA, _ := e.dial(t, addr, s.founderA, s.id, "")
	if w := presA.next("welcome"); w.field("role") != "presenter" {
		t.Fatalf("presenter welcome %s", w.Data)
	}
	presB, _ := e.dial(t, addr, s.founderB, s.id, "")
	presB.next("welcome")
	viewer, _ := e.dial(t, addr, s.viewer, s.id, "")
	viewer.next("welcome")

	// Chat, stored then acknowledged, broadcast to all.
	inv.send("chat.send", map[string]any{"text": "你好，请问量产时间？"}, "c1")
	chatSeq := inv.expectAck("c1")
	if f := host.next("chat"); f.Seq != chatSeq || f.field("text") != "你好，请问量产时间？" {
		t.Fatalf("host got chat %v %s", f.Seq, f.Data)
	}
	viewer.next("chat")

	// Questions, votes (once each), answers by host or presenter only.
	inv.send("question.ask", map[string]any{"text": "毛利率多少？"}, "q1")
	qid := inv.expectAck("q1")
	viewer.send("question.upvote", map[string]any{"id": qid}, "v1")
	viewer.expectAck("v1")
	viewer.send("question.upvote", map[string]any{"id": qid}, "v2")
	viewer.expectAck("v2")
	presB.send("question.upvote", map[string]any{"id": qid}, "v3")
	presB.expectAck("v3")
	inv.send("question.answer", map[string]any{"id": qid}, "a1")
	inv.expectError("a1", "forbidden")
	presA.send("question.answer", map[string]any{"id": qid}, "a2")
	presA.expectAck("a2")
	for {
		f := host.next("question")
		if f.field("answered") == "true" {
			if f.field("votes") != "2" {
				t.Fatalf("question votes %s", f.Data)
			}
			break
		}
	}
	viewer.send("question.upvote", map[string]any{"id": 999999}, "v4")
	viewer.expectError("v4", "not_found")

	// The stage: the presenter turns pages of their own slot, the host moves slots.
	inv.send("stage.set", map[string]any{"page": 2}, "s1")
	inv.expectError("s1", "forbidden")
	presA.send("stage.set", map[string]any{"page": 3}, "s2")
	presA.expectAck("s2")
	if f := viewer.next("stage"); f.field("page") != "3" || f.field("slot") != "0" {
		t.Fatalf("page turn %s", f.Data)
	}
	presA.send("stage.set", map[string]any{"slot": 1}, "s3")
	presA.expectError("s3", "forbidden")
	host.send("stage.set", map[string]any{"slot": 5}, "s4")
	host.expectError("s4", "invalid")
	host.send("stage.set", map[string]any{"slot": 1, "page": 1}, "s5")
	host.expectAck("s5")
	if f := viewer.next("stage"); f.field("startupId") != s.startupB {
		t.Fatalf("slot change %s", f.Data)
	}

	// Interest: investors only; goes to the host and the startup's founders
	// only, and lands in the investor's deal flow.
	presA.send("interest", map[string]any{}, "i1")
	presA.expectError("i1", "forbidden")
	inv.send("interest", map[string]any{}, "i2")
	inv.expectAck("i2")
	if f := host.next("interest"); f.field("startupId") != s.startupB || f.field("userId") != s.investorID {
		t.Fatalf("host interest %s", f.Data)
	}
	if f := presB.next("interest"); f.field("startupId") != s.startupB {
		t.Fatalf("founder interest %s", f.Data)
	}
	// The deal flow takes the interest after it is stored, off the room's
	// goroutine: wait for it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		saved := e.must(200, "GET", "/api/v1/dealflow?saved=true", s.investor, nil)
		if strings.Contains(saved.Raw, s.startupB) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("interest not in the deal flow: %s", saved.Raw)
		}
	}

	// Reactions are counted and sent in aggregate.
	for i := 0; i < 3; i++ {
		viewer.send("reaction", map[string]any{"emoji": "👍"}, "")
	}
	if f := host.next("reaction"); !strings.Contains(string(f.Data), `"👍":3`) {
		t.Fatalf("reaction %s", f.Data)
	}
	viewer.send("hand.raise", nil, "h1")
	viewer.expectAck("h1")
	if f := host.next("hand"); f.field("userName") == "" {
		t.Fatalf("hand %s", f.Data)
	}

	// Moderation: hiding and muting are the host's.
	viewer.send("message.hide", map[string]any{"id": chatSeq}, "m1")
	viewer.expectError("m1", "forbidden")
	host.send("message.hide", map[string]any{"id": chatSeq}, "m2")
	host.expectAck("m2")
	host.send("user.mute", map[string]any{"userId": s.investorID}, "m3")
	host.expectAck("m3")
	inv.next("user.muted")
	inv.send("chat.send", map[string]any{"text": "还能说话吗"}, "c2")
	inv.expectError("c2", "muted")

	// Limits and bad frames: errors, never a crash.
	viewer.send("chat.send", map[string]any{"text": strings.Repeat("长", 501)}, "l1")
	viewer.expectError("l1", "too_long")
	viewer.send("chat.send", map[string]any{"text": "  "}, "l2")
	viewer.expectError("l2", "invalid")
	viewer.send("dance", nil, "l3")
	viewer.expectError("l3", "unknown_type")
	_ = viewer.conn.WriteMessage(websocket.TextMessage, []byte("{not json"))
	if f := viewer.next("error"); f.field("code") != "bad_frame" {
		t.Fatalf("bad json: %s", f.Data)
	}
	viewer.send("chat.send", "a string, not an object", "l4")
	viewer.expectError("l4", "bad_frame")
	limited := false
	for i := 0; i < 10 && !limited; i++ {
		ref := fmt.Sprint("r", i)
		viewer.send("chat.send", map[string]any{"text": "刷屏"}, ref)
		limited = viewer.answer(ref).field("code") == "rate_limited"
	}
	if !limited {
		t.Fatal("ten chats at once were not rate limited")
	}

	// Reconnect with since: what was missed arrives, in order.
	mark := presB.next("question", "chat", "stage", "interest").Seq
	_ = presB.conn.Close()
	presA.send("chat.send", map[string]any{"text": "第一条"}, "x1")
	presA.expectAck("x1")
	presA.send("question.ask", map[string]any{"text": "第二条"}, "x2")
	presA.expectAck("x2")
	again, _ := e.dial(t, addr, s.founderB, s.id, fmt.Sprint("&since=", mark))
	again.next("welcome")
	last := mark
	var got []string
	for len(got) < 2 || got[len(got)-1] != "第二条" {
		f := again.next("chat", "question", "stage", "interest", "user.muted")
		if f.Seq <= last {
			t.Fatalf("replay out of order: %d after %d", f.Seq, last)
		}
		last = f.Seq
		if txt := f.field("text"); txt != "" {
			got = append(got, txt)
		}
	}
	if got[len(got)-2] != "第一条" {
		t.Fatalf("replayed %v", got)
	}

	// Oversize frames close the connection with 1009.
	big := strings.Repeat("x", 5000)
	_ = viewer.conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"chat.send","data":{"text":"`+big+`"}}`))
	_ = viewer.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		if _, _, err := viewer.conn.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
				t.Fatalf("oversize frame: %v, want close 1009", err)
			}
			break
		}
	}

	// End: the room stays readable and refuses actions.
	e.must(200, "POST", path+"/end", s.host, nil)
	inv.next("ended")
	presA.send("chat.send", map[string]any{"text": "结束后"}, "e1")
	presA.expectError("e1", "not_live")

	// The record, built from what was stored.
	rec := e.must(200, "GET", path+"/record", s.host, nil)
	var r struct {
		Chat      []map[string]any `json:"chat"`
		Questions []struct {
			Text     string `json:"text"`
			Votes    int    `json:"votes"`
			Answered bool   `json:"answered"`
		} `json:"questions"`
		Interest []struct {
			StartupID string   `json:"startupId"`
			Count     int      `json:"count"`
			Investors []string `json:"investors"`
		} `json:"interest"`
		Attendance struct {
			Unique int `json:"unique"`
		} `json:"attendance"`
	}
	if err := json.Unmarshal([]byte(rec.Raw), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Questions) != 2 || r.Questions[0].Votes != 2 || !r.Questions[0].Answered {
		t.Errorf("record questions %+v", r.Questions)
	}
	for _, c := range r.Chat {
		if c["data"].(map[string]any)["text"] == "你好，请问量产时间？" {
			t.Error("hidden chat message in the record")
		}
	}
	if len(r.Interest) != 2 || r.Interest[1].StartupID != s.startupB || r.Interest[1].Count != 1 || len(r.Interest[1].Investors) != 1 {
		t.Errorf("record interest %+v", r.Interest)
	}
	deadline := time.Now().Add(10 * time.Second)
	for r.Attendance.Unique < 5 && time.Now().Before(deadline) { // attendance is written in batches
		time.Sleep(200 * time.Millisecond)
		_ = json.Unmarshal([]byte(e.must(200, "GET", path+"/record", s.host, nil).Raw), &r)
	}
	if r.Attendance.Unique != 5 {
		t.Errorf("attendance %d, want 5", r.Attendance.Unique)
	}
	// The handler writes the record by hand: its bytes are the service's
	// Record as the API's encoder writes it, then the stage's recordings.
	admin, err := e.db.UserByEmail(t.Context(), "admin@test.cn")
	if err != nil {
		t.Fatal(err)
	}
	want, err := e.roadshows.Record(t.Context(), domain.Actor{UserID: admin.ID, Role: domain.RoleAdmin}, s.id)
	if err != nil {
		t.Fatal(err)
	}
	enc, _ := gojson.Marshal(want)
	if got := e.must(200, "GET", path+"/record", e.admin, nil).Raw; !strings.HasPrefix(got, string(enc[:len(enc)-1])+`,"recordings":`) {
		t.Errorf("the record's answer differs from its encoding:\n got %.400s\nwant %.400s", got, enc)
	}
	if strings.Contains(e.must(200, "GET", path+"/record", s.viewer, nil).Raw, `"investors"`) {
		t.Error("a viewer sees who was interested")
	}
}
