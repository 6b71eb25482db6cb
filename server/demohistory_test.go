package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/yuechuang/yuechuang/server/domain"
	"github.com/yuechuang/yuechuang/server/seed"
)

// demoRecord is what a host reads of a demo roadshow's record.
type demoRecord struct {
	Roadshow struct {
		Title  string `json:"title"`
		Status string `json:"status"`
		Slots  []struct {
			StartupID   string `json:"startupId"`
			StartupName string `json:"startupName"`
			OwnerID     string `json:"ownerId"`
			Consent     string `json:"consent"`
		} `json:"slots"`
	} `json:"roadshow"`
	Chat []struct {
		UserID   string `json:"userId"`
		UserName string `json:"userName"`
	} `json:"chat"`
	Questions []struct {
		UserName string `json:"userName"`
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
		People []struct {
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"people"`
	} `json:"attendance"`
	Stages []json.RawMessage `json:"stages"`
}

// readRecords signs in as the demo manager, who hosted the demo's past
// roadshows, and reads the record of every ended roadshow.
func readRecords(t *testing.T, base string) map[string]demoRecord {
	t.Helper()
	token := demoLogin(t, base, "manager")
	_, list := call(t, "GET", base+"/api/v1/roadshows?status=ended", "", nil)
	out := map[string]demoRecord{}
	for _, it := range list["items"].([]any) {
		id := it.(map[string]any)["id"].(string)
		req, _ := http.NewRequest("GET", base+"/api/v1/roadshows/"+id+"/record", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var rec demoRecord
		if res.StatusCode != 200 || json.Unmarshal(body, &rec) != nil {
			t.Fatalf("record of %s: %d %.200s", id, res.StatusCode, body)
		}
		out[id] = rec
	}
	return out
}

// demoLogin signs in as the demo account of role (its email's first part)
// and returns the access token.
func demoLogin(t *testing.T, base, role string) string {
	t.Helper()
	code, login := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": role + "@demo.yuechuang.cn", "password": seed.DemoPassword})
	if code != 200 {
		t.Fatalf("demo %s login: %d %v", role, code, login)
	}
	return login["accessToken"].(string)
}

// loadDemoAgain runs the demo load again, as a start after an interrupted
// one does: before ready, so that its loads (the read model read back,
// which scans) are the start's, as they are in a real start, and not a
// scan once ready (startMain fails on those).
func loadDemoAgain(t *testing.T, m *Main) {
	t.Helper()
	m.ready.Store(false)
	defer m.ready.Store(true)
	if err := m.db.SetLoadState(t.Context(), demoLoad, "started"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.seed(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// TestDemoPastRoadshows: the demo set holds two ended roadshows at the demo
// manager's spaces, whose records its host reads through the API with the
// history a real room leaves, its people real demo accounts; and a load run
// again (as after an interrupted start) neither duplicates nor changes them.
func TestDemoPastRoadshows(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	base := "http://" + m.Addr()
	recs := readRecords(t, base)
	if len(recs) != 2 {
		t.Fatalf("%d ended demo roadshows, want 2", len(recs))
	}
	for id, rec := range recs {
		what := fmt.Sprintf("%s (%s)", rec.Roadshow.Title, id)
		if rec.Roadshow.Status != "ended" || len(rec.Roadshow.Slots) != 3 {
			t.Fatalf("%s: %s with %d slots", what, rec.Roadshow.Status, len(rec.Roadshow.Slots))
		}
		for _, s := range rec.Roadshow.Slots {
			if s.Consent != "accepted" || s.StartupName == "" {
				t.Fatalf("%s: slot %+v", what, s)
			}
		}
		// Six-page decks: the start, five page turns per pitch, two next pitches, the end.
		if len(rec.Stages) != 19 {
			t.Fatalf("%s: %d stage changes", what, len(rec.Stages))
		}
		votes, answered := 0, 0
		for _, q := range rec.Questions {
			votes += q.Votes
			if q.Answered {
				answered++
			}
		}
		interest := 0
		for _, in := range rec.Interest {
			interest += in.Count
			if len(in.Investors) != in.Count {
				t.Fatalf("%s: the host sees %d of %d interested investors", what, len(in.Investors), in.Count)
			}
		}
		if len(rec.Chat) < 1000 || len(rec.Questions) < 50 || votes < 100 || answered < 10 || interest < 3 {
			t.Fatalf("%s: %d chat messages, %d questions, %d votes, %d answered, %d interest", what, len(rec.Chat), len(rec.Questions), votes, answered, interest)
		}
		names := map[string]bool{}
		for _, c := range rec.Chat {
			if c.UserID == "" || c.UserName == "" {
				t.Fatalf("%s: a chat message by %q named %q", what, c.UserID, c.UserName)
			}
			names[c.UserName] = true
		}
		if len(names) < 10 {
			t.Fatalf("%s: %d people wrote in the chat", what, len(names))
		}
		roles := map[string]int{}
		var people []string
		for _, p := range rec.Attendance.People {
			roles[p.Role]++
			people = append(people, p.Name)
		}
		if rec.Attendance.Unique != len(rec.Attendance.People) || roles["host"] != 1 || roles["presenter"] != 3 || roles["investor"] == 0 {
			t.Fatalf("%s: attendance %d, by role %v", what, rec.Attendance.Unique, roles)
		}
		for _, who := range []string{"李兰（演示空间管理者）", "王鉴（演示投资人）"} {
			if !slices.Contains(people, who) {
				t.Fatalf("%s: %s not among the attendees %v", what, who, people)
			}
		}
	}

	// A load run again, as a start that finds the load unfinished does.
	loadDemoAgain(t, m)
	_, all := call(t, "GET", base+"/api/v1/roadshows", "", nil)
	if all["total"].(float64) != 4 {
		t.Fatalf("after a second load: %v roadshows, want 4", all["total"])
	}
	again := readRecords(t, base)
	for id, rec := range recs {
		got := again[id]
		if len(got.Chat) != len(rec.Chat) || len(got.Questions) != len(rec.Questions) || got.Attendance.Unique != rec.Attendance.Unique {
			t.Fatalf("%s after a second load: %d chat, %d questions, %d attended; before: %d, %d, %d", id,
				len(got.Chat), len(got.Questions), got.Attendance.Unique, len(rec.Chat), len(rec.Questions), rec.Attendance.Unique)
		}
	}
}

// TestDemoMatchAlerts: the demo investors have the match alerts the demo's
// publications sent them, dated in the past and chosen by the matcher's
// rule (the demo investor backs chips and AI at seed to pre-A, so every
// alert is a startup of those sectors); a second load adds none.
func TestDemoMatchAlerts(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	base := "http://" + m.Addr()
	token := demoLogin(t, base, "investor")
	alerts := func() []map[string]any {
		_, list := call(t, "GET", base+"/api/v1/notifications?pageSize=100", token, nil)
		var out []map[string]any
		for _, it := range list["items"].([]any) {
			if n := it.(map[string]any); n["type"] == "match" {
				out = append(out, n)
			}
		}
		return out
	}
	got := alerts()
	if len(got) == 0 {
		t.Fatal("the demo investor has no match alerts")
	}
	for _, n := range got {
		at, _ := time.Parse(time.RFC3339, n["createdAt"].(string))
		data := n["data"].(map[string]any)
		if !at.Before(time.Now().Add(-12 * time.Hour)) {
			t.Fatalf("a match alert dated %v: not in the past", n["createdAt"])
		}
		if s := data["sector"]; s != "ic" && s != "ai" {
			t.Fatalf("a match alert for a startup in %v: %v", s, data)
		}
		if _, s := call(t, "GET", base+"/api/v1/startups/"+data["startupId"].(string), "", nil); s["name"] != data["startupName"] {
			t.Fatalf("a match alert for %v: the startup is %v", data["startupName"], s["name"])
		}
	}
	loadDemoAgain(t, m)
	if again := alerts(); len(again) != len(got) {
		t.Fatalf("after a second load: %d match alerts, before: %d", len(again), len(got))
	}
}

// told is what a founder was told of the interest in one startup: the
// interest notes, and how many of them are under their de-duplication key.
type told struct{ notes, keyed int }

// foundersTold reads the past roadshows' records: how many investors each
// counts interested in each startup, and what its founder was told of it.
func foundersTold(t *testing.T, m *Main, base string) (counted map[string]int, founders map[string]told) {
	t.Helper()
	counted, founders = map[string]int{}, map[string]told{}
	for _, rec := range readRecords(t, base) {
		owners := map[string]string{}
		for _, sl := range rec.Roadshow.Slots {
			owners[sl.StartupID] = sl.OwnerID
		}
		for _, in := range rec.Interest {
			counted[in.StartupID] = in.Count
			owner := owners[in.StartupID]
			p, _ := domain.NewPage(1, 100)
			notes, _, _, err := m.db.ListNotifications(t.Context(), owner, false, p)
			if err != nil {
				t.Fatal(err)
			}
			var tl told
			for _, n := range notes {
				if n.Type != domain.NoteInterest || n.Data["startupId"] != in.StartupID {
					continue
				}
				tl.notes++
				if !n.CreatedAt.Before(time.Now().Add(-24 * time.Hour)) {
					t.Errorf("an interest note dated %v: not in the past", n.CreatedAt)
				}
				key := domain.NoteDedupKey(owner, domain.NoteInterest, n.Data["investorUserId"].(string), in.StartupID)
				if id, err := m.db.NoteKeyHolder(t.Context(), key); err != nil || id != n.ID {
					t.Errorf("the note %s is not under its key (%q, %v)", n.ID, id, err)
				} else {
					tl.keyed++
				}
			}
			founders[in.StartupID] = tl
		}
	}
	return counted, founders
}

// TestDemoRoomInterest: the interest investors signalled in the demo's
// past roadshows is what the live room would have left: each startup's
// interested investors (as its founder and admins list them) are the ones
// its record counts, and its founder was told of each once, in the past,
// under the key that keeps the same investor's interest from being told
// again; a second load adds nothing.
func TestDemoRoomInterest(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	base := "http://" + m.Addr()
	admin := demoLogin(t, base, "admin")
	counted, founders := foundersTold(t, m, base)
	signalled := 0
	for sid, n := range counted {
		signalled += n
		_, got := call(t, "GET", base+"/api/v1/startups/"+sid+"/interest", admin, nil)
		if total := int(got["total"].(float64)); total != n {
			t.Errorf("startup %s: %d interested investors listed, its record counts %d", sid, total, n)
		}
		if founders[sid].notes != n || founders[sid].keyed != n {
			t.Errorf("startup %s: its founder was told %d times (%d under their key), its record counts %d", sid, founders[sid].notes, founders[sid].keyed, n)
		}
	}
	if signalled == 0 {
		t.Fatal("no interest signalled in the demo's past roadshows")
	}
	loadDemoAgain(t, m)
	if _, again := foundersTold(t, m, base); fmt.Sprint(again) != fmt.Sprint(founders) {
		t.Errorf("after a second load the founders were told %v, before %v", again, founders)
	}
}
