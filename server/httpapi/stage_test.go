package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/httpapi"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

// whip posts an SDP offer to path with a fresh ticket for token ("" a
// guest's).
func (e *env) whip(path, token, offer string) resp {
	e.t.Helper()
	tk := e.must(200, "POST", "/api/v1/realtime/ticket", token, nil).str("ticket")
	return e.send("POST", path+"?ticket="+tk, "", offer, map[string]string{"Content-Type": "application/sdp"})
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// publishOver publishes a generated stream as token.
func (e *env) publishOver(t *testing.T, rs, token string) (*stagetest.Publisher, resp) {
	t.Helper()
	p, err := stagetest.NewPublisher(ctxFor(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	r := e.whip("/api/v1/roadshows/"+rs+"/stage/publish", token, p.Offer)
	if r.Status == 201 {
		if err := p.Start(r.Raw, 300_000); err != nil {
			t.Fatal(err)
		}
	}
	return p, r
}

func (e *env) watchOver(t *testing.T, rs, publisher, token string) (*stagetest.Viewer, resp) {
	t.Helper()
	v, err := stagetest.NewViewer(ctxFor(t, 20*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	r := e.whip("/api/v1/roadshows/"+rs+"/stage/watch/"+publisher, token, v.Offer)
	if r.Status == 201 {
		if err := v.Start(r.Raw); err != nil {
			t.Fatal(err)
		}
	}
	return v, r
}

func receiving(t *testing.T, v *stagetest.Viewer) {
	t.Helper()
	if err := v.WaitFor(ctxFor(t, 20*time.Second), func(a, vid stagetest.Count) bool { return a.Packets > 10 && vid.Keyframes > 0 }); err != nil {
		t.Fatal(err)
	}
}

// liveFrame waits for a stage.live frame whose publishers are ids.
func (c *wsClient) liveFrame(ids ...string) {
	c.t.Helper()
	for {
		f := c.next("stage.live")
		var d struct {
			Publishers []struct {
				UserID string `json:"userId"`
			} `json:"publishers"`
		}
		_ = json.Unmarshal(f.Data, &d)
		got := []string{}
		for _, p := range d.Publishers {
			got = append(got, p.UserID)
		}
		if strings.Join(got, ",") == strings.Join(ids, ",") {
			return
		}
	}
}

// TestStageOverHTTP: the stage's video through the API, with the room's
// tickets and rules: the presenter publishes, a signed-in viewer and a
// guest watch, a viewer may not publish until the host brings them on
// stage, the host takes the presenter off, and the recordings are linked
// from the record.
func TestStageOverHTTP(t *testing.T) {
	e := newEnv(t, httpapi.Config{})
	addr := e.listen(t)
	s := newRoadshow(t, e, "public")
	founderA := e.must(200, "GET", "/api/v1/me", s.founderA, nil).str("user", "id")
	viewerID := e.must(200, "GET", "/api/v1/me", s.viewer, nil).str("user", "id")
	base := "/api/v1/roadshows/" + s.id + "/stage/"

	// Before the start nobody publishes.
	_, r := e.publishOver(t, s.id, s.founderA)
	checkProblem(t, r, 409, "not_live")
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/start", s.host, nil)
	host, err := e.dial(t, addr, s.host, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	host.next("welcome")
	room, err := e.dial(t, addr, s.viewer, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	room.next("welcome")

	pubA, r := e.publishOver(t, s.id, s.founderA)
	if r.Status != 201 || !strings.HasPrefix(r.Raw, "v=0") || !strings.HasPrefix(r.Header["Location"], base+"sessions/") {
		t.Fatalf("publish: %d %v %.80s", r.Status, r.Header, r.Raw)
	}
	host.liveFrame(founderA)
	v, r := e.watchOver(t, s.id, founderA, s.viewer)
	if r.Status != 201 {
		t.Fatalf("watch: %d %s", r.Status, r.Raw)
	}
	g, r := e.watchOver(t, s.id, founderA, "") // a guest, in a public room
	if r.Status != 201 {
		t.Fatalf("guest watch: %d %s", r.Status, r.Raw)
	}
	receiving(t, v)
	receiving(t, g)

	// Refusals: a viewer publishing, a bad ticket, not an offer, nobody there.
	_, r = e.publishOver(t, s.id, s.viewer)
	checkProblem(t, r, 403, "stage_forbidden")
	_, r = e.publishOver(t, s.id, "")
	checkProblem(t, r, 403, "forbidden")
	checkProblem(t, e.send("POST", base+"publish?ticket=nope", "", pubA.Offer, map[string]string{"Content-Type": "application/sdp"}), 401, "invalid_ticket")
	checkProblem(t, e.send("POST", base+"publish", s.host, map[string]string{"sdp": pubA.Offer}, nil), 400, "bad_offer")
	_, r = e.watchOver(t, s.id, viewerID, s.viewer)
	checkProblem(t, r, 404, "not_on_stage")

	// The viewer raises a hand; the host brings them on stage.
	room.send("hand.raise", nil, "h")
	room.expectAck("h")
	host.next("hand")
	host.send("stage.invite", map[string]string{"userId": viewerID}, "i")
	host.expectAck("i")
	if f := room.next("stage.speaker"); f.field("userId") != viewerID {
		t.Fatalf("stage.speaker %s", f.Data)
	}
	_, r = e.publishOver(t, s.id, s.viewer)
	if r.Status != 201 {
		t.Fatalf("speaker publish: %d %s", r.Status, r.Raw)
	}
	room.liveFrame(founderA, viewerID)
	sv, r := e.watchOver(t, s.id, viewerID, s.investor)
	if r.Status != 201 {
		t.Fatalf("watch the speaker: %d %s", r.Status, r.Raw)
	}
	receiving(t, sv)

	// Only the host takes people off the stage; then the presenter's
	// viewers are disconnected.
	room.send("stage.remove", map[string]string{"userId": founderA}, "x")
	room.expectError("x", "forbidden")
	host.send("stage.remove", map[string]string{"userId": founderA}, "r")
	host.expectAck("r")
	room.liveFrame(viewerID)
	waitGone(t, v)
	// A late joiner's welcome has the stage as it is.
	late, err := e.dial(t, addr, s.investor, s.id, "")
	if err != nil {
		t.Fatal(err)
	}
	w := late.next("welcome")
	if !strings.Contains(string(w.Data), `"live":[{"userId":"`+viewerID) || !strings.Contains(string(w.Data), `"off":["`+founderA) {
		t.Fatalf("welcome's stage: %s", w.Data)
	}

	// The session's address ends it, once.
	_, r = e.publishOver(t, s.id, s.host)
	loc := r.Header["Location"]
	room.liveFrame(e.must(200, "GET", "/api/v1/me", s.host, nil).str("user", "id"), viewerID) // the host before speakers
	if r := e.call("DELETE", loc, "", nil); r.Status != 204 {
		t.Fatalf("hang up: %d %s", r.Status, r.Raw)
	}
	checkProblem(t, e.call("DELETE", loc, "", nil), 404, "no_session")

	// After the end the stage empties and the record links the recordings.
	time.Sleep(500 * time.Millisecond)
	e.must(200, "POST", "/api/v1/roadshows/"+s.id+"/end", s.host, nil)
	room.liveFrame()
	rec := e.must(200, "GET", "/api/v1/roadshows/"+s.id+"/record", s.viewer, nil)
	list, _ := rec.Body["recordings"].([]any)
	if len(list) < 4 {
		t.Fatalf("recordings %s", rec.Raw)
	}
	file := list[0].(map[string]any)["file"].(string)
	got := e.must(200, "GET", "/api/v1/roadshows/"+s.id+"/recordings/"+file, s.viewer, nil)
	if len(got.Raw) < 32 || got.Header["Content-Disposition"] == "" {
		t.Fatalf("recording %s: %d bytes, headers %v", file, len(got.Raw), got.Header)
	}
	checkProblem(t, e.call("GET", "/api/v1/roadshows/"+s.id+"/recordings/nope.ivf", s.viewer, nil), 404, "no_recording")
	if ice := e.must(200, "GET", "/api/v1/stage/ice-servers", "", nil); ice.Raw != `{"iceServers":[]}` {
		t.Fatalf("ice servers on loopback: %s", ice.Raw)
	}
}

// waitGone waits until the server closed a viewer's connection.
func waitGone(t *testing.T, v *stagetest.Viewer) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for v.PC.ConnectionState().String() == "connected" {
		if time.Now().After(deadline) {
			t.Fatal("the viewer is still connected")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
