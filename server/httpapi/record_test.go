package httpapi_test

import (
	"testing"

	"github.com/yuechuang/yuechuang/server/httpapi"
)

// TestRoadshowRecordFollowsVisibility: a roadshow's record (chat, questions,
// interest, who came) is read by exactly those the room admits, while live
// and after: a registered-only room's by those who registered, an
// invitation-only one's by its guests; the host and presenters always.
func TestRoadshowRecordFollowsVisibility(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	reg := newRoadshow(t, e, "registered")
	path := "/api/v1/roadshows/" + reg.id + "/record"
	e.must(200, "POST", "/api/v1/roadshows/"+reg.id+"/register", reg.investor, nil)
	e.must(200, "POST", "/api/v1/roadshows/"+reg.id+"/start", reg.host, nil)
	for _, live := range []bool{true, false} {
		checkProblem(t, e.call("GET", path, "", nil), 401, "sign_in_required")
		checkProblem(t, e.call("GET", path, reg.viewer, nil), 403, "registration_required")
		for _, who := range []string{reg.host, reg.founderA, e.admin, reg.investor} {
			e.must(200, "GET", path, who, nil)
		}
		if live {
			e.must(200, "POST", "/api/v1/roadshows/"+reg.id+"/end", reg.host, nil)
		}
	}

	inv := newRoadshow(t, e, "invited")
	path = "/api/v1/roadshows/" + inv.id + "/record"
	checkProblem(t, e.call("GET", path, "", nil), 404, "not_found")
	checkProblem(t, e.call("GET", path, inv.viewer, nil), 404, "not_found")
	guest, guestID := e.register("investor")
	e.must(200, "PATCH", "/api/v1/roadshows/"+inv.id, inv.host, map[string]any{"invited": []string{guestID}})
	checkProblem(t, e.call("GET", path, guest, nil), 403, "invitation_not_accepted")
	e.must(200, "POST", "/api/v1/roadshows/"+inv.id+"/guests/me/accept", guest, nil)
	e.must(200, "GET", path, guest, nil)

	pub := newRoadshow(t, e, "public")
	e.must(200, "GET", "/api/v1/roadshows/"+pub.id+"/record", "", nil)
}
