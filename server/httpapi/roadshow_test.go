package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

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
