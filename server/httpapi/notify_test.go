package httpapi_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/httpapi"
)

// dialNotes opens the notification socket for token.
func (e *env) dialNotes(t *testing.T, addr, token, since string) (*wsClient, error) {
	t.Helper()
	tk := e.must(200, "POST", "/api/v1/realtime/ticket", token, nil).str("ticket")
	q := "ticket=" + tk
	if since != "" {
		q += "&since=" + since
	}
	conn, res, err := websocket.DefaultDialer.Dial((&url.URL{Scheme: "ws", Host: addr, Path: "/ws/notifications", RawQuery: q}).String(), nil)
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("%w: status %d", err, res.StatusCode)
		}
		return nil, err
	}
	t.Cleanup(func() { conn.Close() })
	c := &wsClient{t: t, conn: conn}
	c.next("welcome")
	return c, nil
}

// within reads the next notification that is not a match alert (those
// arrive in the background after each publish), failing if it takes over a
// second.
func (c *wsClient) within(t *testing.T) frame {
	t.Helper()
	return c.nextNote(t, func(typ string) bool { return typ != "match" })
}

// nextOfType reads notifications until one of type typ comes.
func (c *wsClient) nextOfType(t *testing.T, typ string) frame {
	t.Helper()
	return c.nextNote(t, func(got string) bool { return got == typ })
}

// noteWait bounds only a failing run: a notification comes in
// milliseconds on an idle machine, but a loaded one (the whole suite on
// 2 cores) has delayed it past a second.
const noteWait = 10 * time.Second

// nextNote reads frames until a notification whose type wanted accepts,
// failing if none comes within noteWait.
func (c *wsClient) nextNote(t *testing.T, wanted func(typ string) bool) frame {
	t.Helper()
	deadline := time.Now().Add(noteWait)
	for {
		_ = c.conn.SetReadDeadline(deadline)
		var f frame
		if err := c.conn.ReadJSON(&f); err != nil {
			t.Fatalf("no notification within %v: %v", noteWait, err)
		}
		if f.Type == "notification" && wanted(f.field("type")) {
			return f
		}
	}
}

func TestNotificationsAndIntros(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	stranger, _ := e.register("investor")
	invID := e.must(201, "POST", "/api/v1/investors", investor, investorBody()).str("id")
	startup := e.publish(founder, map[string]any{"name": "越芯半导体"})

	if _, err := e.dialNotes(t, addr, "", ""); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("guest notification socket: %v", err)
	}
	fws, err := e.dialNotes(t, addr, founder, "")
	if err != nil {
		t.Fatal(err)
	}

	// Interest reaches the founder live, once.
	e.must(200, "POST", "/api/v1/dealflow/"+startup+"/feedback", investor, map[string]any{"action": "interested"})
	n := fws.within(t)
	if n.field("type") != "interest" || !strings.Contains(string(n.Data), "鉴湖资本") {
		t.Fatalf("interest notification %s", n.Data)
	}
	e.must(200, "POST", "/api/v1/dealflow/"+startup+"/feedback", investor, map[string]any{"action": "interested"})
	lastID := n.field("id")

	// Missed while away: an intro request arrives on reconnect with since.
	_ = fws.conn.Close()
	checkProblem(t, e.call("POST", "/api/v1/intros", "", map[string]any{"startupId": startup}), 401, "unauthorized")
	checkProblem(t, e.call("POST", "/api/v1/intros", investor, map[string]any{}), 400, "validation_failed")
	intro := e.must(201, "POST", "/api/v1/intros", investor, map[string]any{"startupId": startup, "message": "想约个时间聊聊"})
	checkProblem(t, e.call("POST", "/api/v1/intros", investor, map[string]any{"startupId": startup}), 409, "intro_pending")
	fws, _ = e.dialNotes(t, addr, founder, lastID)
	if n := fws.within(t); n.field("type") != "intro.requested" || !strings.Contains(string(n.Data), "想约个时间聊聊") {
		t.Fatalf("replayed %s", n.Data)
	}

	// Contact details only after the other side accepts.
	for _, tok := range []string{investor, founder} {
		if strings.Contains(e.must(200, "GET", "/api/v1/intros", tok, nil).Raw, "13700000000") {
			t.Fatal("contact details before accept")
		}
	}
	id := intro.str("id")
	checkProblem(t, e.call("POST", "/api/v1/intros/"+id+"/accept", stranger, nil), 404, "not_found")
	checkProblem(t, e.call("POST", "/api/v1/intros/"+id+"/accept", investor, nil), 403, "other_side_only")
	iws, _ := e.dialNotes(t, addr, investor, "")
	e.must(200, "POST", "/api/v1/intros/"+id+"/accept", founder, nil)
	if n := iws.within(t); n.field("type") != "intro.accepted" {
		t.Fatalf("accept notification %s", n.Data)
	}
	if r := e.must(200, "GET", "/api/v1/intros", investor, nil); !strings.Contains(r.Raw, "13700000000") {
		t.Fatalf("investor does not see the founder's contact after accept: %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/intros", founder, nil); !strings.Contains(r.Raw, "@test.cn") {
		t.Fatalf("founder does not see the investor's contact after accept: %s", r.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/intros/"+id+"/decline", founder, nil), 409, "intro_decided")

	// A founder proposes; the investor declines; no contacts.
	other := e.must(201, "POST", "/api/v1/intros", founder, map[string]any{"investorId": invID})
	if n := iws.within(t); n.field("type") != "intro.requested" {
		t.Fatalf("founder's request %s", n.Data)
	}
	e.must(200, "POST", "/api/v1/intros/"+other.str("id")+"/decline", investor, nil)
	if n := fws.within(t); n.field("type") != "intro.declined" {
		t.Fatalf("decline notification %s", n.Data)
	}

	// The list, unread counts and marking read.
	l := e.must(200, "GET", "/api/v1/notifications?unread=true", founder, nil)
	if l.str("unread") != "3" || l.str("total") != "3" {
		t.Fatalf("founder unread: %s", l.Raw)
	}
	first := l.Body["items"].([]any)[0].(map[string]any)["id"].(string)
	e.must(204, "POST", "/api/v1/notifications/read", founder, map[string]any{"ids": []string{first}})
	if l := e.must(200, "GET", "/api/v1/notifications", founder, nil); l.str("unread") != "2" || l.str("total") != "3" {
		t.Fatalf("after one read: %s", l.Raw)
	}
	checkProblem(t, e.call("POST", "/api/v1/notifications/read", founder, map[string]any{}), 400, "validation_failed")
	e.must(204, "POST", "/api/v1/notifications/read", founder, map[string]any{"all": true})
	if l := e.must(200, "GET", "/api/v1/notifications", founder, nil); l.str("unread") != "0" {
		t.Fatalf("after all read: %s", l.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/notifications", "", nil), 401, "unauthorized")
	me := e.must(200, "GET", "/api/v1/me", investor, nil)
	if list := e.must(200, "GET", "/api/v1/notifications", investor, nil); me.str("unread") != list.str("unread") || me.str("unread") == "0" {
		t.Fatalf("unread in /me %s, in the list %s", me.str("unread"), list.str("unread"))
	}

	// Settings: off stores nothing, digest stores without pushing.
	checkProblem(t, e.call("PUT", "/api/v1/notification-settings", founder, map[string]any{"types": map[string]string{"interest": "loud"}}), 400, "validation_failed")
	s := e.must(200, "PUT", "/api/v1/notification-settings", founder, map[string]any{"types": map[string]string{"interest": "off", "intro.requested": "digest"}})
	if s.str("types", "interest") != "off" || s.str("types", "intro.accepted") != "live" {
		t.Fatalf("settings %s", s.Raw)
	}
	b2 := e.publish(founder, map[string]any{"name": "第二个项目"})
	e.must(200, "POST", "/api/v1/dealflow/"+b2+"/feedback", investor, map[string]any{"action": "interested"})
	e.must(201, "POST", "/api/v1/intros", investor, map[string]any{"startupId": b2})
	l = e.must(200, "GET", "/api/v1/notifications", founder, nil)
	if l.str("total") != "4" || !strings.Contains(l.Raw, `"digest":true`) {
		t.Fatalf("after off and digest: %s", l.Raw)
	}
	_ = fws.conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var f frame
	if err := fws.conn.ReadJSON(&f); err == nil {
		t.Fatalf("pushed despite off/digest: %s %s", f.Type, f.Data)
	}
}

// TestMatchAlerts: publishing tells the investors whose thesis the startup
// fits (sector and stage), live, and nobody else.
func TestMatchAlerts(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	founder, _ := e.register("founder")
	fits, _ := e.register("investor")
	other, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", fits, map[string]any{"name": "芯片天使", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"angel"}})
	e.must(201, "POST", "/api/v1/investors", other, map[string]any{"name": "纺织基金", "kind": "institution", "sectors": []string{"textiles"}, "stages": []string{"b"}})
	// An investor may hear of weaker fits: IC at a later stage only, but alerts from 50.
	wide, _ := e.register("investor")
	r := e.call("POST", "/api/v1/investors", wide, map[string]any{"name": "广撒网", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"b"}, "alertScore": 10})
	checkProblem(t, r, 400, "validation_failed")
	if !containsField(r, "alertScore") {
		t.Errorf("alertScore not named: %s", r.Raw)
	}
	e.must(201, "POST", "/api/v1/investors", wide, map[string]any{"name": "广撒网", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"b"}, "alertScore": 50})
	strict, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", strict, map[string]any{"name": "只看最好", "kind": "angel", "sectors": []string{"ic"}, "stages": []string{"b"}})
	ws, _ := e.dialNotes(t, addr, fits, "")
	st := e.publish(founder, map[string]any{"name": "越芯半导体", "sector": "ic", "stage": "angel"})
	_ = ws.conn.SetReadDeadline(time.Now().Add(noteWait))
	var f frame
	if err := ws.conn.ReadJSON(&f); err != nil || f.field("type") != "match" || !strings.Contains(string(f.Data), st) {
		t.Fatalf("match alert: %v %s", err, f.Data)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.must(200, "GET", "/api/v1/notifications", fits, nil).str("total") != "1" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if r := e.must(200, "GET", "/api/v1/notifications", other, nil); r.str("total") != "0" {
		t.Fatalf("an investor the startup does not fit was told: %s", r.Raw)
	}
	for deadline := time.Now().Add(5 * time.Second); e.must(200, "GET", "/api/v1/notifications", wide, nil).str("total") != "1"; {
		if time.Now().After(deadline) {
			t.Fatal("the investor who asked for alerts from 50 was not told of a sector-only fit")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := e.must(200, "GET", "/api/v1/notifications", strict, nil); r.str("total") != "0" {
		t.Fatalf("an investor on the default threshold was told of a sector-only fit: %s", r.Raw)
	}
}

func TestPipelineIsPrivate(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	other, _ := e.register("investor")
	st := e.publish(founder, map[string]any{"name": "越芯半导体"})
	path := "/api/v1/pipeline/" + st
	checkProblem(t, e.call("PUT", path, "", map[string]any{"stage": "watching"}), 401, "unauthorized")
	checkProblem(t, e.call("PUT", path, founder, map[string]any{"stage": "watching"}), 403, "role_required")
	checkProblem(t, e.call("PUT", path, investor, map[string]any{"stage": "married"}), 400, "validation_failed")
	checkProblem(t, e.call("PUT", "/api/v1/pipeline/0123456789abcdef01234567", investor, map[string]any{"stage": "watching"}), 404, "not_found")
	e.must(200, "PUT", path, investor, map[string]any{"stage": "watching", "note": "团队很强"})
	if r := e.must(200, "PUT", path, investor, map[string]any{"stage": "due-diligence", "note": "约了下周尽调"}); r.str("stage") != "due-diligence" {
		t.Fatal(r.Raw)
	}
	r := e.must(200, "GET", "/api/v1/pipeline", investor, nil)
	if r.str("total") != "1" || !strings.Contains(r.Raw, "约了下周尽调") || !strings.Contains(r.Raw, "越芯半导体") {
		t.Fatalf("pipeline %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/pipeline", other, nil); r.str("total") != "0" {
		t.Fatalf("another investor sees the pipeline: %s", r.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/pipeline", founder, nil), 403, "role_required")
}

func TestIntroDailyLimit(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, investorBody())
	for i := 0; i < 11; i++ {
		st := e.publish(founder, map[string]any{"name": fmt.Sprint("项目", i)})
		r := e.call("POST", "/api/v1/intros", investor, map[string]any{"startupId": st})
		if i < 10 && r.Status != 201 {
			t.Fatalf("intro %d: %s", i, r.Raw)
		}
		if i == 10 {
			checkProblem(t, r, 429, "intro_limit")
		}
	}
}

// TestRoadshowNotifications: scheduled (investors in its sectors and the
// presenters), the 15-minute reminder and the start (registered users), a
// question to the founder on stage, and the daily digest.
func TestRoadshowNotifications(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	host, _ := e.register("manager")
	founder, _ := e.register("founder")
	inSector, _ := e.register("investor")
	elsewhere, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", inSector, map[string]any{"name": "芯片天使", "kind": "angel", "sectors": []string{"ic"}})
	e.must(201, "POST", "/api/v1/investors", elsewhere, map[string]any{"name": "纺织基金", "kind": "institution", "sectors": []string{"textiles"}})
	space := e.must(201, "POST", "/api/v1/spaces", host, map[string]any{"name": "鉴湖众创空间", "level": "city", "model": "investment",
		"services": []string{}, "district": "yuecheng"}).str("id")
	st := e.publish(founder, map[string]any{"name": "越芯半导体", "sector": "ic", "stage": "b"})
	iws, _ := e.dialNotes(t, addr, inSector, "")
	fws, _ := e.dialNotes(t, addr, founder, "")

	rs := e.must(201, "POST", "/api/v1/roadshows", host, map[string]any{"title": "集成电路专场", "spaceId": space,
		"startsAt": time.Now().Add(10 * time.Minute).Format(time.RFC3339), "visibility": "public",
		"slots": []map[string]any{{"startupId": st, "minutes": 10}}}).str("id")
	if n := iws.nextOfType(t, "roadshow.scheduled"); !strings.Contains(string(n.Data), rs) {
		t.Fatalf("scheduled %s", n.Data)
	}
	// The founder hears of it as an invitation to present, and accepts.
	if n := fws.nextOfType(t, "roadshow.invitation"); !strings.Contains(string(n.Data), st) {
		t.Fatalf("invitation %s", n.Data)
	}
	e.must(200, "POST", "/api/v1/roadshows/"+rs+"/invitations/"+st+"/accept", founder, nil)
	e.must(200, "POST", "/api/v1/roadshows/"+rs+"/register", inSector, nil)
	if err := e.roadshows.Remind(t.Context()); err != nil {
		t.Fatal(err)
	}
	iws.nextOfType(t, "roadshow.soon")
	if err := e.roadshows.Remind(t.Context()); err != nil { // only once
		t.Fatal(err)
	}
	e.must(200, "POST", "/api/v1/roadshows/"+rs+"/start", host, nil)
	iws.nextOfType(t, "roadshow.started")
	if r := e.must(200, "GET", "/api/v1/notifications", inSector, nil); strings.Count(r.Raw, "roadshow.soon") != 1 {
		t.Fatalf("reminder count: %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/notifications", elsewhere, nil); strings.Contains(r.Raw, "roadshow.") {
		t.Fatalf("an investor in other sectors heard of it: %s", r.Raw)
	}

	room, _ := e.dial(t, addr, inSector, rs, "")
	room.next("welcome")
	room.send("question.ask", map[string]any{"text": "量产时间？"}, "q")
	room.expectAck("q")
	if n := fws.nextOfType(t, "question"); !strings.Contains(string(n.Data), "量产时间？") {
		t.Fatalf("question notification %s", n.Data)
	}

	// The digest: what waited is summed up once, live.
	e.must(200, "PUT", "/api/v1/notification-settings", founder, map[string]any{"types": map[string]string{"interest": "digest"}})
	e.must(200, "POST", "/api/v1/dealflow/"+st+"/feedback", inSector, map[string]any{"action": "interested"})
	n, err := e.digests.Make(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("digest for %d users, %v", n, err)
	}
	if d := fws.nextOfType(t, "digest"); !strings.Contains(string(d.Data), `"interest":1`) {
		t.Fatalf("digest %s", d.Data)
	}
	if n, _ := e.digests.Make(t.Context()); n != 0 {
		t.Fatalf("second digest for %d users", n)
	}
}
