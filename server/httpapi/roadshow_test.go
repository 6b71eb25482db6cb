package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/httpapi"
)

// listen serves the env's API on a loopback port and returns its address.
func (e *env) listen(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.srv.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.srv.Shutdown(time.Second) })
	return ln.Addr().String()
}

type frame struct {
	Type string          `json:"type"`
	Seq  int64           `json:"seq"`
	TS   int64           `json:"ts"`
	Data json.RawMessage `json:"data"`
}

func (f frame) field(k string) string {
	var m map[string]any
	_ = json.Unmarshal(f.Data, &m)
	if v, ok := m[k]; ok {
		return fmt.Sprint(v)
	}
	return ""
}

type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// dial opens a room socket with a fresh ticket for token ("" = guest).
func (e *env) dial(t *testing.T, addr, token, roadshow, query string) (*wsClient, error) {
	t.Helper()
	tk := e.must(200, "POST", "/api/v1/realtime/ticket", token, nil).str("ticket")
	u := url.URL{Scheme: "ws", Host: addr, Path: "/ws/roadshows/" + roadshow, RawQuery: "ticket=" + tk + query}
	conn, res, err := websocket.DefaultDialer.Dial(u.String(), nil)
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("%w: status %d", err, res.StatusCode)
		}
		return nil, err
	}
	c := &wsClient{t: t, conn: conn}
	t.Cleanup(func() { _ = conn.Close() })
	return c, nil
}

func (c *wsClient) send(typ string, data any, ref string) {
	c.t.Helper()
	if err := c.conn.WriteJSON(map[string]any{"type": typ, "data": data, "ref": ref}); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

// next returns the next frame of one of types, skipping others.
func (c *wsClient) next(types ...string) frame {
	c.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_ = c.conn.SetReadDeadline(deadline)
		var f frame
		if err := c.conn.ReadJSON(&f); err != nil {
			c.t.Fatalf("waiting for %v: %v", types, err)
		}
		for _, t := range types {
			if f.Type == t {
				return f
			}
		}
	}
}

// answer returns the ack or error answering ref.
func (c *wsClient) answer(ref string) frame {
	c.t.Helper()
	for {
		f := c.next("ack", "error")
		if f.field("ref") == ref {
			return f
		}
	}
}

func (c *wsClient) expectError(ref, code string) {
	c.t.Helper()
	if f := c.answer(ref); f.Type != "error" || f.field("code") != code {
		c.t.Fatalf("ref %s: got %s %s, want error %s", ref, f.Type, f.Data, code)
	}
}

func (c *wsClient) expectAck(ref string) int64 {
	c.t.Helper()
	f := c.answer(ref)
	if f.Type != "ack" {
		c.t.Fatalf("ref %s: got %s %s, want ack", ref, f.Type, f.Data)
	}
	return f.Seq
}

// roadshowSetup creates a space, two presenting startups and a roadshow.
type roadshowSetup struct {
	host, founderA, founderB, investor, viewer string
	investorID, startupA, startupB, space, id  string
}

func newRoadshow(t *testing.T, e *env, visibility string) roadshowSetup {
	var s roadshowSetup
	s.host, _ = e.register("manager")
	s.founderA, _ = e.register("founder")
	s.founderB, _ = e.register("founder")
	s.investor, s.investorID = e.register("investor")
	s.viewer, _ = e.register("founder")
	e.must(201, "POST", "/api/v1/investors", s.investor, investorBody())
	s.space = e.must(201, "POST", "/api/v1/spaces", s.host, map[string]any{"name": "鉴湖众创空间", "level": "city", "model": "investment",
		"services": []string{"financing"}, "district": "yuecheng"}).str("id")
	s.startupA = e.publish(s.founderA, map[string]any{"name": "越芯半导体"})
	s.startupB = e.publish(s.founderB, map[string]any{"name": "兰亭智能", "sector": "ai"})
	s.id = e.must(201, "POST", "/api/v1/roadshows", s.host, map[string]any{
		"title": "2026 绍兴集成电路专场路演", "spaceId": s.space, "startsAt": time.Now().Add(time.Hour).Format(time.RFC3339),
		"streamUrl": "https://live.example.cn/room/1", "visibility": visibility,
		"slots": []map[string]any{{"startupId": s.startupA, "minutes": 10, "presenter": "陈越"}, {"startupId": s.startupB, "minutes": 8}},
	}).str("id")
	// Both founders accept to present (consent_test.go tests the invitations).
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/invitations/"+s.startupA+"/accept", s.founderA, nil)
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/invitations/"+s.startupB+"/accept", s.founderB, nil)
	return s
}

func TestRoadshowREST(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	s := newRoadshow(t, e, "registered")
	base := map[string]any{"title": "路演", "spaceId": s.space, "startsAt": time.Now().Add(time.Hour).Format(time.RFC3339),
		"visibility": "public", "slots": []map[string]any{{"startupId": s.startupA, "minutes": 10}}}
	checkProblem(t, e.call("POST", "/api/v1/roadshows", "", base), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/roadshows", s.founderA, base), 403, "role_required")
	otherMgr, _ := e.register("manager")
	checkProblem(t, e.call("POST", "/api/v1/roadshows", otherMgr, base), 403, "not_space_manager")
	for field, v := range map[string]any{"visibility": "secret", "streamUrl": "javascript:x", "startsAt": "2001-01-01T00:00:00Z"} {
		b := map[string]any{}
		for k, vv := range base {
			b[k] = vv
		}
		b[field] = v
		r := e.call("POST", "/api/v1/roadshows", s.host, b)
		checkProblem(t, r, 400, "validation_failed")
		if !containsField(r, field) {
			t.Errorf("%s not named: %s", field, r.Raw)
		}
	}
	bad := map[string]any{}
	for k, v := range base {
		bad[k] = v
	}
	bad["slots"] = []map[string]any{{"startupId": s.startupA, "minutes": 500}}
	checkProblem(t, e.call("POST", "/api/v1/roadshows", s.host, bad), 400, "validation_failed")
	draft := e.must(201, "POST", "/api/v1/startups", s.founderA, startupBody()).str("id")
	bad["slots"] = []map[string]any{{"startupId": draft, "minutes": 5}}
	checkProblem(t, e.call("POST", "/api/v1/roadshows", s.host, bad), 400, "validation_failed")

	path := "/api/v1/roadshows/" + s.id
	if r := e.must(200, "GET", path, "", nil); r.str("status") != "scheduled" || r.Body["slots"].([]any)[0].(map[string]any)["startupName"] != "越芯半导体" {
		t.Fatalf("get: %s", r.Raw)
	}
	checkProblem(t, e.call("PATCH", path, s.investor, map[string]any{"title": "x"}), 403, "host_only")
	checkProblem(t, e.call("PATCH", path, "", map[string]any{"title": "x"}), 401, "unauthorized")
	e.must(200, "PATCH", path, s.host, map[string]any{"description": "欢迎投资人参加"})
	checkProblem(t, e.call("POST", path+"/register", "", nil), 401, "unauthorized")
	// The page says who may not enter the registered-only room yet, and why.
	for who, want := range map[string]string{"": "sign_in_required", s.investor: "registration_required", s.host: "", s.founderA: ""} {
		if got := e.must(200, "GET", path, who, nil).str("entry"); got != want {
			t.Errorf("entry for %.12q = %q, want %q", who, got, want)
		}
	}
	if r := e.must(200, "POST", path+"/register", s.investor, nil); r.str("registered") != "1" || r.str("isRegistered") != "true" {
		t.Fatalf("register: %s", r.Raw)
	}
	e.must(200, "POST", path+"/register", s.investor, nil) // twice is fine
	if got := e.must(200, "GET", path, s.investor, nil).str("entry"); got != "" {
		t.Errorf("entry after registering = %q", got)
	}
	checkProblem(t, e.call("POST", path+"/start", s.investor, nil), 403, "host_only")
	checkProblem(t, e.call("POST", path+"/advance", s.host, nil), 409, "bad_state")
	e.must(200, "POST", path+"/start", s.host, nil)
	checkProblem(t, e.call("POST", path+"/start", s.host, nil), 409, "bad_state")
	checkProblem(t, e.call("PATCH", path, s.host, map[string]any{"slots": []map[string]any{{"startupId": s.startupA, "minutes": 3}}}), 409, "roadshow_live")
	e.must(200, "POST", path+"/advance", s.host, nil)
	checkProblem(t, e.call("POST", path+"/advance", s.host, nil), 409, "last_slot")
	e.must(200, "POST", path+"/end", s.host, nil)
	checkProblem(t, e.call("POST", path+"/end", s.host, nil), 409, "bad_state")

	// Invitation-only roadshows are not advertised.
	inv := newRoadshow(t, e, "invited")
	if r := e.must(200, "GET", "/api/v1/roadshows?pageSize=100", s.viewer, nil); strings.Contains(r.Raw, inv.id) {
		t.Fatal("invited-only roadshow listed to a stranger")
	}
	checkProblem(t, e.call("GET", "/api/v1/roadshows/"+inv.id, s.viewer, nil), 404, "not_found")
	e.must(200, "GET", "/api/v1/roadshows/"+inv.id, inv.founderA, nil) // presenters see it
	if r := e.must(200, "GET", "/api/v1/roadshows?pageSize=100", inv.host, nil); !strings.Contains(r.Raw, inv.id) {
		t.Fatal("host does not see their own invited-only roadshow")
	}
	checkProblem(t, e.call("GET", "/api/v1/roadshows?status=soon", "", nil), 400, "validation_failed")
}

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

// TestRoadshowVisibilityChangeReachesRoom: rooms admit from memory, so a
// change of visibility must reach a loaded room.
func TestRoadshowVisibilityChangeReachesRoom(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	if _, err := e.dial(t, addr, "", s.id, ""); err != nil {
		t.Fatalf("guest in a public room: %v", err)
	}
	e.must(200, "PATCH", "/api/v1/roadshows/"+s.id, s.host, map[string]any{"visibility": "invited"})
	if _, err := e.dial(t, addr, "", s.id, ""); err == nil {
		t.Fatal("guest still admitted after the room became invitation-only")
	}
	if _, err := e.dial(t, addr, s.host, s.id, ""); err != nil {
		t.Fatalf("host refused: %v", err)
	}
}

// TestRoadshowLimits covers each per-message limit and the guest rule.
func TestRoadshowLimits(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	guest, err := e.dial(t, addr, "", s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	if w := guest.next("welcome"); w.field("role") != "guest" {
		t.Fatalf("guest welcome %s", w.Data)
	}
	guest.send("chat.send", map[string]any{"text": "游客"}, "g1")
	guest.expectError("g1", "forbidden")

	v, _ := e.dial(t, addr, s.viewer, s.id, "")
	v.next("welcome")
	cases := []struct {
		typ  string
		data any
		code string
	}{
		{"question.ask", map[string]any{"text": strings.Repeat("问", 301)}, "too_long"},
		{"reaction", map[string]any{"emoji": ""}, "invalid"},
		{"reaction", map[string]any{"emoji": "123456789"}, "invalid"},
		{"user.mute", map[string]any{"userId": s.investorID}, "forbidden"},
		{"question.answer", map[string]any{"id": 1}, "forbidden"},
		{"interest", map[string]any{}, "forbidden"},
	}
	for i, tc := range cases {
		ref := fmt.Sprint("l", i)
		v.send(tc.typ, tc.data, ref)
		v.expectError(ref, tc.code)
	}
	// Questions: a burst of 3, then one per 5 seconds.
	limited := false
	for i := 0; i < 5 && !limited; i++ {
		ref := fmt.Sprint("q", i)
		v.send("question.ask", map[string]any{"text": fmt.Sprint("问题", i)}, ref)
		limited = v.answer(ref).field("code") == "rate_limited"
	}
	if !limited {
		t.Fatal("five questions at once were not rate limited")
	}
	// At most 32 kinds of reaction per room.
	host, _ := e.dial(t, addr, s.host, s.id, "")
	host.next("welcome")
	refused := false
	for i := 0; i < 40 && !refused; i++ {
		ref := fmt.Sprint("r", i)
		host.send("reaction", map[string]any{"emoji": fmt.Sprint("e", i)}, ref)
		host.send("dance", nil, ref+"m") // answered at once: marks the end of the reaction's answers
		for {
			f := host.next("error")
			if f.field("ref") == ref+"m" {
				break
			}
			if f.field("ref") == ref && f.field("code") == "invalid" {
				refused = true
			}
			if f.field("ref") == ref && f.field("code") == "rate_limited" {
				time.Sleep(200 * time.Millisecond)
				i--
			}
		}
	}
	if !refused {
		t.Fatal("more than 32 kinds of reaction accepted")
	}
	// An admin counts as a host everywhere.
	admin, _ := e.dial(t, addr, e.admin, s.id, "")
	if w := admin.next("welcome"); w.field("role") != "host" {
		t.Fatalf("admin welcome %s", w.Data)
	}
}

// TestLateJoinerSeesRecentChat: someone entering mid-roadshow gets the
// latest chat in the welcome, oldest first, without hidden messages.
func TestLateJoinerSeesRecentChat(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	host, err := e.dial(t, addr, s.host, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	host.next("welcome")
	inv, _ := e.dial(t, addr, s.investor, s.id, "")
	inv.next("welcome")
	var ids []int64
	for i, text := range []string{"第一条", "要隐藏的", "第三条"} {
		inv.send("chat.send", map[string]any{"text": text}, fmt.Sprint("c", i))
		ids = append(ids, inv.expectAck(fmt.Sprint("c", i))) // within the burst of 5
	}
	host.send("message.hide", map[string]any{"id": ids[1]}, "h")
	host.expectAck("h")

	late, _ := e.dial(t, addr, s.viewer, s.id, "")
	var w struct {
		Chat []struct {
			ID       int64  `json:"id"`
			UserName string `json:"userName"`
			Text     string `json:"text"`
		} `json:"chat"`
	}
	if err := json.Unmarshal(late.next("welcome").Data, &w); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range w.Chat {
		got = append(got, m.Text)
	}
	if strings.Join(got, ",") != "第一条,第三条" || w.Chat[0].ID != ids[0] || w.Chat[0].UserName == "" {
		t.Errorf("welcome chat = %+v, want 第一条 then 第三条 with ids and names", w.Chat)
	}
}
