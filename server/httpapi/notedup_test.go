package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/pdf/pdftest"
)

// TestDeckRequestsDeduplicated: one investor's 60 requests for one deck
// make one notification while it is unread; once read, a new request makes
// a new one; and an investor who asks too many founders is limited.
func TestDeckRequestsDeduplicated(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	founder, _ := e.register("founder")
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, investorBody())
	st := e.publish(founder, map[string]any{"name": "越芯半导体"})
	deck := pdftest.Deck(2)
	e.raw("PUT", "/api/v1/startups/"+st+"/deck", founder, "application/pdf", deck)
	for i := 0; i < 60; i++ {
		if code, body, _ := e.raw("POST", "/api/v1/startups/"+st+"/deck/request", investor, "application/json", nil); code != 202 {
			t.Fatalf("request %d: %d %s", i, code, body)
		}
	}
	count := func() int {
		return strings.Count(e.must(200, "GET", "/api/v1/notifications?pageSize=100", founder, nil).Raw, `"deck.requested"`)
	}
	if n := count(); n != 1 {
		t.Fatalf("60 requests made %d notifications", n)
	}
	e.must(204, "POST", "/api/v1/notifications/read", founder, map[string]any{"all": true})
	e.raw("POST", "/api/v1/startups/"+st+"/deck/request", investor, "application/json", nil)
	if n := count(); n != 2 {
		t.Fatalf("after reading, a new request made %d in all, want 2", n)
	}

	// Per sender: 20 at once (two already spent), then refused.
	limited := false
	for i := 0; i < 20 && !limited; i++ {
		other, _ := e.register("founder")
		id := e.publish(other, map[string]any{"name": "项目"})
		e.raw("PUT", "/api/v1/startups/"+id+"/deck", other, "application/pdf", deck)
		code, body, _ := e.raw("POST", "/api/v1/startups/"+id+"/deck/request", investor, "application/json", nil)
		switch {
		case code == 429 && strings.Contains(string(body), "sender_limit"):
			limited = i == 18
			if !limited {
				t.Fatalf("limited after %d other founders", i)
			}
		case code != 202:
			t.Fatalf("request to founder %d: %d %s", i, code, body)
		}
	}
	if !limited {
		t.Fatal("an investor notified 21 founders at once")
	}
}

// countNotes counts the notifications of type typ that token's user has.
func (e *env) countNotes(token, typ string) int {
	e.t.Helper()
	return strings.Count(e.must(200, "GET", "/api/v1/notifications?pageSize=100", token, nil).Raw, `"type":"`+typ+`"`)
}

// TestRepeatedActsNotifyOnce: every kind of notification a person causes
// goes by one rule (domain.NoteRuleOf): an investor's interest withdrawn
// and given again, from the deal flow or a live room, reaches the founder
// once (and not again for a month after it is read); a founder granting a
// deck again tells the investor nothing new; an intro asked again while
// the first notice is unread is not told twice.
func TestRepeatedActsNotifyOnce(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	feedback := "/api/v1/dealflow/" + s.startupA + "/feedback"
	for i := 0; i < 10; i++ {
		e.must(200, "POST", feedback, s.investor, map[string]any{"action": "interested"})
		e.must(204, "DELETE", feedback, s.investor, nil)
	}
	if n := e.countNotes(s.founderA, "interest"); n != 1 {
		t.Fatalf("interest given 10 times made %d notifications", n)
	}
	e.must(204, "POST", "/api/v1/notifications/read", s.founderA, map[string]any{"all": true})
	e.must(200, "POST", feedback, s.investor, map[string]any{"action": "interested"})
	e.must(204, "DELETE", feedback, s.investor, nil)

	// The same investor presses "interested" in the live room.
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	inv, err := e.dial(t, addr, s.investor, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	inv.next("welcome")
	inv.send("interest", map[string]any{"startupId": s.startupA}, "i1")
	inv.expectAck("i1")
	e.hub.Close() // waits for the interest's after-effect (the deal flow, the notice)
	if !strings.Contains(e.must(200, "GET", "/api/v1/dealflow?saved=true", s.investor, nil).Raw, s.startupA) {
		t.Fatal("the room's interest never reached the deal flow")
	}
	if n := e.countNotes(s.founderA, "interest"); n != 1 {
		t.Fatalf("interest given again after the founder read it (deal flow and room) made %d notifications in all, want 1", n)
	}

	// Grants: the deck is granted three times, told once.
	investorID := e.must(200, "GET", "/api/v1/me", s.investor, nil).str("user", "id")
	if code, body, _ := e.raw("PUT", "/api/v1/startups/"+s.startupB+"/deck", s.founderB, "application/pdf", pdftest.Deck(2)); code != 200 {
		t.Fatalf("upload: %d %s", code, body)
	}
	for i := 0; i < 3; i++ {
		e.must(200, "POST", "/api/v1/startups/"+s.startupB+"/deck/grants", s.founderB, map[string]any{"investorUserId": investorID})
	}
	if n := e.countNotes(s.investor, "deck.granted"); n != 1 {
		t.Fatalf("three grants made %d notifications", n)
	}

	// Intros: asked, declined, asked again while the first notice is unread.
	for i := 0; i < 3; i++ {
		id := e.must(201, "POST", "/api/v1/intros", s.investor, map[string]any{"startupId": s.startupB, "message": "想约个时间聊聊"}).str("id")
		e.must(200, "POST", "/api/v1/intros/"+id+"/decline", s.founderB, nil)
	}
	if n := e.countNotes(s.founderB, "intro.requested"); n != 1 {
		t.Fatalf("three intro requests made %d unread notifications", n)
	}
}

// TestSenderLimitRefusesBeforeSaving: the per-sender limit is one budget
// across kinds (deck requests, intro requests, …) and an act it refuses
// leaves nothing behind: an intro refused with sender_limit is not saved.
func TestSenderLimitRefusesBeforeSaving(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	investor, _ := e.register("investor")
	e.must(201, "POST", "/api/v1/investors", investor, investorBody())
	var startups []string
	for i := 0; i < 21; i++ {
		f, _ := e.register("founder")
		startups = append(startups, e.publish(f, map[string]any{"name": fmt.Sprintf("项目%d", i)}))
		e.raw("PUT", "/api/v1/startups/"+startups[i]+"/deck", f, "application/pdf", pdftest.Deck(1))
	}
	for _, st := range startups[:19] {
		if code, body, _ := e.raw("POST", "/api/v1/startups/"+st+"/deck/request", investor, "application/json", nil); code != 202 {
			t.Fatalf("deck request: %d %s", code, body)
		}
	}
	e.must(201, "POST", "/api/v1/intros", investor, map[string]any{"startupId": startups[19]})
	checkProblem(t, e.call("POST", "/api/v1/intros", investor, map[string]any{"startupId": startups[20]}), 429, "sender_limit")
	if r := e.must(200, "GET", "/api/v1/intros", investor, nil); strings.Contains(r.Raw, startups[20]) || !strings.Contains(r.Raw, startups[19]) {
		t.Fatalf("the refused intro was saved (or the admitted one lost): %s", r.Raw)
	}
}

// TestRoomQuestionsNotifyOncePerAsker: a viewer's questions on one pitch
// reach its founder as one notification while it is unread (the questions
// themselves are all in the room and its record), by the same rule as
// every other kind.
func TestRoomQuestionsNotifyOncePerAsker(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	inv, err := e.dial(t, addr, s.investor, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	inv.next("welcome")
	for i, q := range []string{"毛利率多少？", "量产时间？", "客户是谁？"} {
		ref := fmt.Sprint("q", i)
		inv.send("question.ask", map[string]any{"text": q}, ref)
		inv.expectAck(ref)
	}
	viewer, err := e.dial(t, addr, s.viewer, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	viewer.next("welcome")
	viewer.send("question.ask", map[string]any{"text": "团队多少人？"}, "v")
	viewer.expectAck("v")
	e.hub.Close() // waits for the questions' notifications in flight
	if n := e.countNotes(s.founderA, "question"); n != 2 {
		t.Fatalf("three questions from one viewer and one from another made %d notifications, want 2", n)
	}
	if r := e.must(200, "GET", "/api/v1/roadshows/"+s.id+"/record", s.host, nil); strings.Count(r.Raw, `"text":`) < 4 {
		t.Fatalf("the record lost questions: %s", r.Raw)
	}
}
