package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
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
