package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/mongo"
	"github.com/yuechuang/yuechuang/server/mongo/mongotest"
	"github.com/yuechuang/yuechuang/server/natsbus/natstest"
)

// TestThreeInstances runs three real server processes on loopback that
// share one NATS server and one database (both run by this test). Viewers
// are spread over them, each with a ticket issued by another instance;
// chat, questions, votes and stage changes reach everyone in the same
// order, and the founder's bell on one instance hears of a question the
// owner stored on another. Then the process that owns the room is killed with SIGKILL: the
// room is served again by another (the test logs how soon, against the 5 s
// target) and nothing acknowledged is lost.
func TestThreeInstances(t *testing.T) {
	natsURL := natstest.Start(t)
	dbURI := mongotest.URI(t)
	dbName := fmt.Sprintf("cluster_%d", time.Now().UnixNano())
	env := []string{"NATS_URL=" + natsURL, "MONGODB_URI=" + dbURI, "MONGODB_DB=" + dbName,
		"JWT_SECRET=" + strings.Repeat("k", 40), "LOGIN_RATE_LIMIT=1000"}
	var cmds []*exec.Cmd
	var bases []string
	for i := 0; i < 3; i++ {
		cmd, base := startProcess(t, t.TempDir(), env...)
		cmds, bases = append(cmds, cmd), append(bases, base)
	}
	register := func(base, role, name string) (string, string) {
		t.Helper()
		code, r := call(t, "POST", base+"/api/v1/auth/register", "", map[string]string{"email": name + "@cluster.test",
			"password": "cluster-passphrase", "role": role, "name": name})
		if code != 201 {
			t.Fatalf("register %s: %d %v", name, code, r)
		}
		return r["accessToken"].(string), r["user"].(map[string]any)["id"].(string)
	}
	hostTok, hostID := register(bases[1], "manager", "host")
	founderTok, founderID := register(bases[2], "founder", "founder")
	// The roadshow is stored directly: its agenda (one accepted slot) is
	// not what this test is about.
	db, err := mongo.Open(t.Context(), dbURI, dbName, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	rs := &domain.Roadshow{OwnerID: hostID, Title: "三个进程", Visibility: domain.VisibilityPublic, Status: domain.RoadshowScheduled,
		Slots:    []domain.Slot{{StartupID: mongo.NewID(), OwnerID: founderID, Minutes: 10, StartupName: "甲", Sector: "ic"}},
		StartsAt: time.Now().Add(time.Hour)}
	if err := db.CreateRoadshow(t.Context(), rs); err != nil {
		t.Fatal(err)
	}

	type viewer struct {
		conn *websocket.Conn
		rec  *frameLog
		at   int // which process
		tok  string
	}
	dialRoom := func(at int, tok, since string) *websocket.Conn {
		t.Helper()
		// The ticket comes from the next instance: any instance accepts it.
		_, tk := call(t, "POST", bases[(at+1)%3]+"/api/v1/realtime/ticket", tok, nil)
		q := "ticket=" + fmt.Sprint(tk["ticket"])
		if since != "" {
			q += "&since=" + since
		}
		u := url.URL{Scheme: "ws", Host: strings.TrimPrefix(bases[at], "http://"), Path: "/ws/roadshows/" + rs.ID, RawQuery: q}
		c, res, err := websocket.DefaultDialer.Dial(u.String(), nil)
		if err != nil {
			status := 0
			if res != nil {
				status = res.StatusCode
			}
			t.Fatalf("dial instance %d: %v (%d)", at, err, status)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	var vs []*viewer
	for i := 0; i < 6; i++ {
		tok, _ := register(bases[i%3], "investor", fmt.Sprint("viewer", i))
		v := &viewer{at: i % 3, tok: tok}
		v.conn = dialRoom(v.at, tok, "") // viewer 0 loads the room first: instance 0 owns it
		v.rec = recordFrames(v.conn)
		v.rec.wait(t, "welcome", func(fs []frameMsg) bool { return len(fs) > 0 })
		vs = append(vs, v)
	}
	if code, r := call(t, "POST", bases[2]+"/api/v1/roadshows/"+rs.ID+"/start", hostTok, nil); code != 200 {
		t.Fatalf("start on an instance that does not own the room: %d %v", code, r)
	}
	send := func(v *viewer, typ string, data map[string]any, ref string) {
		t.Helper()
		if err := v.conn.WriteJSON(map[string]any{"type": typ, "data": data, "ref": ref}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i, v := range vs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3; k++ {
				if err := v.conn.WriteJSON(map[string]any{"type": "chat.send", "data": map[string]any{"text": fmt.Sprintf("%d-%d", i, k)}}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	// The founder on stage hears of questions on their bell, through
	// another instance than the owner's, which sends it.
	_, tk := call(t, "POST", bases[2]+"/api/v1/realtime/ticket", founderTok, nil)
	bell, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(bases[2], "http")+"/ws/notifications?ticket="+fmt.Sprint(tk["ticket"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bell.Close() })
	bellRec := recordFrames(bell)
	bellRec.wait(t, "bell welcome", func(fs []frameMsg) bool { return len(fs) > 0 })
	send(vs[1], "question.ask", map[string]any{"text": "估值多少？"}, "q")
	q := vs[1].rec.ack(t, "q")
	bellRec.wait(t, "the question on the founder's bell", func(fs []frameMsg) bool {
		return slices.ContainsFunc(fs, func(m frameMsg) bool {
			return m.Type == "notification" && strings.Contains(string(m.Data), "估值多少")
		})
	})
	for _, v := range []*viewer{vs[0], vs[2], vs[4]} {
		send(v, "question.upvote", map[string]any{"id": q}, "")
	}
	host := dialRoom(1, hostTok, "")
	hostRec := recordFrames(host)
	if err := host.WriteJSON(map[string]any{"type": "stage.set", "data": map[string]any{"page": 3}, "ref": "p"}); err != nil {
		t.Fatal(err)
	}
	hostRec.ack(t, "p")
	const total = 1 + 6*3 + 1 + 3 + 1 // start, chat, question, votes, page
	var first []int64
	for i, v := range vs {
		got := roomSeqs(v.rec.wait(t, fmt.Sprint("viewer ", i), func(fs []frameMsg) bool { return len(roomSeqs(fs)) >= total }))
		if first == nil {
			first = got
		}
		if !slices.Equal(got, first) {
			t.Fatalf("viewer %d (instance %d) saw %v, viewer 0 %v", i, v.at, got, first)
		}
	}
	for i, s := range first {
		if s != int64(i+1) {
			t.Fatalf("seqs %v: not every event once, in order", first)
		}
	}

	// Kill the owner mid-roadshow.
	if err := cmds[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmds[0].Wait()
	killed := time.Now()
	acked := first
	var after int64
	for i := 0; after == 0; i++ {
		// How soon is a figure (the lease's expiry decides it; the target
		// is 5 s, measured in docs/REALTIME.md), not a timed assertion:
		// the test fails only when nobody takes the room over at all.
		if time.Since(killed) > 60*time.Second {
			t.Fatal("the room was not served again within 60 s of the owner's death")
		}
		ref := fmt.Sprint("after", i)
		send(vs[1], "chat.send", map[string]any{"text": ref}, ref)
		if m := vs[1].rec.answer(t, ref); m.Type == "ack" {
			after = m.Seq
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	took := time.Since(killed)
	t.Logf("served again %v after SIGKILL of the owner (target 5 s)", took.Round(10*time.Millisecond))
	if after != acked[len(acked)-1]+1 {
		t.Errorf("first event after the takeover has seq %d, after %d", after, acked[len(acked)-1])
	}
	// Viewers on the survivors saw it; one reconnecting from the start
	// (the killed instance's viewers come back elsewhere) gets everything.
	for _, v := range []*viewer{vs[1], vs[2]} {
		v.rec.wait(t, "the event after the takeover", func(fs []frameMsg) bool { return slices.Contains(roomSeqs(fs), after) })
	}
	back := recordFrames(dialRoom(1, vs[0].tok, "0"))
	want := append(slices.Clone(acked), after)
	if got := roomSeqs(back.wait(t, "replay", func(fs []frameMsg) bool { return len(roomSeqs(fs)) >= len(want) })); !slices.Equal(got, want) {
		t.Fatalf("replay after the takeover %v, want %v", got, want)
	}
}

type frameMsg struct {
	Type string          `json:"type"`
	Seq  int64           `json:"seq"`
	Data json.RawMessage `json:"data"`
}

// frameLog keeps every frame a connection receives.
type frameLog struct {
	mu     sync.Mutex
	frames []frameMsg
	err    error
}

func recordFrames(c *websocket.Conn) *frameLog {
	l := &frameLog{}
	go func() {
		for {
			var m frameMsg
			err := c.ReadJSON(&m)
			l.mu.Lock()
			if err != nil {
				l.err = err
				l.mu.Unlock()
				return
			}
			l.frames = append(l.frames, m)
			l.mu.Unlock()
		}
	}()
	return l
}

func (l *frameLog) wait(t *testing.T, what string, ok func([]frameMsg) bool) []frameMsg {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		l.mu.Lock()
		fs, err := slices.Clone(l.frames), l.err
		l.mu.Unlock()
		if ok(fs) {
			return fs
		}
		if err != nil || time.Now().After(deadline) {
			var seen []string
			for _, m := range fs[max(0, len(fs)-5):] {
				seen = append(seen, fmt.Sprintf("%s %d %.120s", m.Type, m.Seq, m.Data))
			}
			t.Fatalf("%s: %d frames (the last: %q), %v", what, len(fs), seen, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answer is the ack or error frame for ref.
func (l *frameLog) answer(t *testing.T, ref string) frameMsg {
	t.Helper()
	var out frameMsg
	l.wait(t, "answer to "+ref, func(fs []frameMsg) bool {
		for _, m := range fs {
			var d struct{ Ref string }
			if (m.Type == "ack" || m.Type == "error") && json.Unmarshal(m.Data, &d) == nil && d.Ref == ref {
				out = m
				return true
			}
		}
		return false
	})
	return out
}

func (l *frameLog) ack(t *testing.T, ref string) int64 {
	t.Helper()
	m := l.answer(t, ref)
	if m.Type != "ack" {
		t.Fatalf("%s: %s", ref, m.Data)
	}
	return m.Seq
}

// roomSeqs are the seqs of the frames of stored events everyone sees.
func roomSeqs(fs []frameMsg) []int64 {
	var seqs []int64
	for _, m := range fs {
		if m.Type == "chat" || m.Type == "question" || m.Type == "stage" {
			seqs = append(seqs, m.Seq)
		}
	}
	return seqs
}
