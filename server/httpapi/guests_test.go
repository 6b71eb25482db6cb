package httpapi_test

import (
	"strings"
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestRegistrationCount: the count a registration answers is the count
// every later read gives (the roadshow page, the list, the record): the
// registrations are its one owner, nothing keeps a copy to go stale.
func TestRegistrationCount(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	s := newRoadshow(t, e, "registered")
	path := "/api/v1/roadshows/" + s.id
	if r := e.must(200, "POST", path+"/register", s.investor, nil); r.str("registered") != "1" {
		t.Fatalf("register answered %s", r.Raw)
	}
	for _, who := range []string{s.investor, s.host, s.viewer} {
		if r := e.must(200, "GET", path, who, nil); r.str("registered") != "1" {
			t.Fatalf("GET after one registration says %s registered", r.str("registered"))
		}
	}
	if r := e.must(200, "GET", "/api/v1/roadshows?spaceId="+s.space, s.viewer, nil); !strings.Contains(r.Raw, `"registered":1`) {
		t.Fatalf("list after one registration: %s", r.Raw)
	}
	e.must(200, "POST", path+"/register", s.investor, nil) // again: still one
	if r := e.must(200, "POST", path+"/register", s.viewer, nil); r.str("registered") != "2" {
		t.Fatalf("second registrant: %s", r.Raw)
	}
	if r := e.must(200, "GET", path+"/record", s.host, nil); r.str("roadshow", "registered") != "2" {
		t.Fatalf("record: %s", r.str("roadshow", "registered"))
	}
}

// TestGuestInvitations: the host of an invitation-only roadshow invites
// people by search or email; only the invited see it, and they enter once
// they accepted (which registers them). Only the host manages the list;
// only the guest answers.
func TestGuestInvitations(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "invited")
	path := "/api/v1/roadshows/" + s.id
	guest, guestID := s.investor, ""
	guestID = e.must(200, "GET", "/api/v1/me", guest, nil).str("user", "id")
	guestEmail := e.must(200, "GET", "/api/v1/me", guest, nil).str("user", "email")
	other, otherID := e.register("investor")
	gws, _ := e.dialNotes(t, addr, guest, "")
	hws, _ := e.dialNotes(t, addr, s.host, "")

	// Strangers do not know it exists; the guest cannot answer an invitation not sent.
	checkProblem(t, e.call("GET", path, guest, nil), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/guests/me/accept", guest, nil), 404, "not_found")
	if _, err := e.dial(t, addr, guest, s.id, ""); err == nil {
		t.Fatal("an uninvited investor entered the room")
	}

	// Only the host invites: a presenter is told so, a stranger gets 404.
	body := map[string]any{"emails": []string{strings.ToUpper(guestEmail)}}
	checkProblem(t, e.call("POST", path+"/guests", s.founderA, body), 403, "host_only")
	checkProblem(t, e.call("POST", path+"/guests", other, body), 404, "not_found")
	checkProblem(t, e.call("POST", path+"/guests", "", body), 401, "unauthorized")
	r := e.call("POST", path+"/guests", s.host, map[string]any{"emails": []string{"nobody@test.cn", "not-an-email"}, "userIds": []string{"nope"}})
	checkProblem(t, r, 400, "validation_failed")
	for _, f := range []string{"emails[0]", "emails[1]", "userIds[0]"} {
		if !containsField(r, f) {
			t.Errorf("%s not named: %s", f, r.Raw)
		}
	}
	if !strings.Contains(r.Raw, `"code":"no_account"`) {
		t.Errorf("an unknown email's code: %s", r.Raw)
	}
	hostID := e.must(200, "GET", "/api/v1/me", s.host, nil).str("user", "id")
	checkProblem(t, e.call("POST", path+"/guests", s.host, map[string]any{"userIds": []string{hostID}}), 400, "guest_is_host")

	// The host finds the investor by name, and invites by email.
	if r := e.must(200, "GET", path+"/guests/search?q=鉴湖", s.host, nil); !strings.Contains(r.Raw, guestID) {
		t.Fatalf("search by organisation name: %s", r.Raw)
	}
	if r := e.must(200, "GET", path+"/guests/search?q="+guestEmail, s.host, nil); r.str("total") != "1" || !strings.Contains(r.Raw, guestID) || !strings.Contains(r.Raw, `"status":""`) {
		t.Fatalf("search by email: %s", r.Raw)
	}
	checkProblem(t, e.call("GET", path+"/guests/search?q=", s.host, nil), 400, "validation_failed")
	checkProblem(t, e.call("GET", path+"/guests/search?q=x", s.founderA, nil), 403, "host_only")
	if r := e.must(200, "POST", path+"/guests", s.host, body); r.str("total") != "1" || !strings.Contains(r.Raw, `"status":"invited"`) {
		t.Fatalf("invite: %s", r.Raw)
	}
	e.must(200, "POST", path+"/guests", s.host, body) // again: one guest, one notice
	if n := gws.nextOfType(t, "roadshow.guest"); !strings.Contains(string(n.Data), s.id) {
		t.Fatalf("guest notice %s", n.Data)
	}

	// Invited, the guest sees it and is told to accept; nobody else sees the list.
	v := e.must(200, "GET", path, guest, nil)
	if v.str("guest") != "invited" || v.str("entry") != "invitation_not_accepted" || strings.Contains(v.Raw, `"invited":[`) {
		t.Fatalf("the guest's view before answering: %s", v.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/me/guest-invitations", guest, nil); r.str("total") != "1" || !strings.Contains(r.Raw, `"answer":"invited"`) {
		t.Fatalf("guest's invitations: %s", r.Raw)
	}
	if r := e.must(200, "GET", "/api/v1/me/guest-invitations", other, nil); r.str("total") != "0" {
		t.Fatalf("a stranger's invitations: %s", r.Raw)
	}
	if _, err := e.dial(t, addr, guest, s.id, ""); err == nil {
		t.Fatal("a guest entered before accepting")
	}
	checkProblem(t, e.call("GET", path+"/record", guest, nil), 403, "invitation_not_accepted")
	checkProblem(t, e.call("POST", path+"/guests/me/accept", other, nil), 404, "not_found")
	checkProblem(t, e.call("GET", path+"/guests", guest, nil), 403, "host_only")

	// Accepting registers the guest; the room lets them in; the host hears of it.
	if r := e.must(200, "POST", path+"/guests/me/accept", guest, nil); r.str("guest") != "accepted" || r.str("entry") != "" ||
		r.str("isRegistered") != "true" || r.str("registered") != "1" {
		t.Fatalf("accept: %s", r.Raw)
	}
	if n := hws.nextOfType(t, "roadshow.rsvp"); !strings.Contains(string(n.Data), `"accepted":true`) {
		t.Fatalf("answer notice %s", n.Data)
	}
	if r := e.must(200, "GET", path+"/guests", s.host, nil); !strings.Contains(r.Raw, `"status":"accepted"`) || !strings.Contains(r.Raw, `"name":"鉴湖资本"`) {
		t.Fatalf("host's guest list: %s", r.Raw)
	}
	c, err := e.dial(t, addr, guest, s.id, "")
	if err != nil {
		t.Fatalf("an accepted guest was refused: %v", err)
	}
	c.next("welcome")
	e.must(200, "GET", path+"/record", guest, nil)

	// Declining withdraws the registration; registering again accepts.
	if r := e.must(200, "POST", path+"/guests/me/decline", guest, nil); r.str("entry") != "invitation_not_accepted" || r.str("registered") != "0" {
		t.Fatalf("decline: %s", r.Raw)
	}
	if r := e.must(200, "POST", path+"/register", guest, nil); r.str("guest") != "accepted" || r.str("registered") != "1" {
		t.Fatalf("register as a guest who declined: %s", r.Raw)
	}

	// Removed, the guest no longer sees the roadshow.
	e.must(200, "POST", path+"/guests", s.host, map[string]any{"userIds": []string{otherID}})
	if r := e.must(200, "DELETE", path+"/guests/"+guestID, s.host, nil); r.str("total") != "1" || strings.Contains(r.Raw, guestID) {
		t.Fatalf("remove: %s", r.Raw)
	}
	checkProblem(t, e.call("DELETE", path+"/guests/"+guestID, s.host, nil), 404, "not_found")
	checkProblem(t, e.call("GET", path, guest, nil), 404, "not_found")
	e.must(200, "GET", path, other, nil)

	// An ended roadshow takes no more guests.
	e.must(200, "POST", path+"/start", s.host, nil)
	e.must(200, "POST", path+"/end", s.host, nil)
	checkProblem(t, e.call("POST", path+"/guests", s.host, map[string]any{"userIds": []string{guestID}}), 409, "roadshow_ended")
	checkProblem(t, e.call("POST", path+"/guests/me/accept", other, nil), 409, "roadshow_ended")
}

// TestAgendaCards: two published startups with one name are told apart
// in the agenda picker by district, founder and space.
func TestAgendaCards(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	mgr, _ := e.register("manager")
	f1, _ := e.register("founder")
	f2, _ := e.register("founder")
	a := e.publish(f1, map[string]any{"name": "越芯科技", "district": "keqiao"})
	b := e.publish(f2, map[string]any{"name": "越芯科技", "district": "zhuji"})
	draft := e.must(201, "POST", "/api/v1/startups", f1, startupBody()).str("id")
	r := e.must(200, "GET", "/api/v1/agenda-cards?ids="+a+","+b+","+draft, mgr, nil)
	if r.str("total") != "2" || !strings.Contains(r.Raw, `"district":"keqiao"`) || !strings.Contains(r.Raw, `"district":"zhuji"`) ||
		strings.Contains(r.Raw, draft) {
		t.Fatalf("cards: %s", r.Raw)
	}
	n1 := e.must(200, "GET", "/api/v1/me", f1, nil).str("user", "name")
	n2 := e.must(200, "GET", "/api/v1/me", f2, nil).str("user", "name")
	if !strings.Contains(r.Raw, `"ownerName":"`+n1+`"`) || !strings.Contains(r.Raw, `"ownerName":"`+n2+`"`) {
		t.Fatalf("owners not named: %s", r.Raw)
	}
	checkProblem(t, e.call("GET", "/api/v1/agenda-cards?ids="+a, f1, nil), 403, "role_required")
	checkProblem(t, e.call("GET", "/api/v1/agenda-cards?ids=x", mgr, nil), 400, "validation_failed")
}
