package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/seed"
	"github.com/yuechuang/yuechuang/server/taxonomy"
)

// jwtSecret is given to the server so that the benchmark can sign access
// tokens for the many users it acts as, without an argon2 sign-in each.
const jwtSecret = "scalebench-signing-key-0123456789abcdef"

// client calls the API and times each call.
type client struct {
	base   string
	http   *http.Client
	signer *auth.Signer
}

type person struct{ id, role string }

func (c *client) token(p person) string {
	t, err := c.signer.Sign(auth.Claims{UserID: p.id, Role: p.role})
	if err != nil {
		panic(err)
	}
	return t
}

// do sends one request and returns its status, body and duration.
func (c *client) do(method, path, token string, body any) (int, []byte, time.Duration) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	began := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, time.Since(began)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, out, time.Since(began)
}

// sample is one call's measured durations and failures.
type sample struct {
	name   string
	write  bool
	ds     []time.Duration
	failed int
	note   string
	// held says what the answers held, in each half (the content
	// behind a ratio: a city list may carry more than a demo one).
	held string
	// until bounds the time spent on this call: past it, the loop stops
	// and the table says how many calls were made.
	until time.Time
	cut   bool
}

// callBudget is the most time spent measuring one call.
var callBudget = 90 * time.Second

func (s *sample) over() bool {
	if time.Now().After(s.until) {
		s.cut = true
		return true
	}
	return false
}

func (s *sample) add(code int, d time.Duration, want int) {
	if code != want {
		s.failed++
		return
	}
	s.ds = append(s.ds, d)
}

func (s *sample) pct(p float64) float64 {
	if len(s.ds) == 0 {
		return 0
	}
	d := append([]time.Duration(nil), s.ds...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(float64(len(d))*p+0.999999) - 1
	return float64(d[max(0, min(i, len(d)-1))].Microseconds()) / 1000
}

// world is what a run found through the API to act on.
type world struct {
	startups  []struct{ ID, OwnerID string }
	investors []person
	founders  []person
	spaces    []string
	roadshows []string
	admin     person
}

func (c *client) discover() (*world, error) {
	w := &world{}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	get := func(path string) error {
		code, body, _ := c.do("GET", path, "", nil)
		if code != 200 {
			return fmt.Errorf("GET %s: %d %s", path, code, body)
		}
		list.Items = nil
		return json.Unmarshal(body, &list)
	}
	// Every page of each list, so that the calls draw from the whole city
	// (a room, a space, a startup), not from its newest hundred.
	each := func(path string, fn func(it map[string]any)) error {
		for page := 1; page <= 1000; page++ {
			if err := get(fmt.Sprintf("%s?pageSize=100&page=%d", path, page)); err != nil {
				return err
			}
			for _, it := range list.Items {
				fn(it)
			}
			if len(list.Items) < 100 {
				return nil
			}
		}
		return nil
	}
	seen := map[string]bool{}
	err := each("/api/v1/startups", func(it map[string]any) {
		id, owner := it["id"].(string), it["ownerId"].(string)
		w.startups = append(w.startups, struct{ ID, OwnerID string }{id, owner})
		if !seen[owner] {
			seen[owner] = true
			w.founders = append(w.founders, person{owner, "founder"})
		}
	})
	if err != nil {
		return nil, err
	}
	if err := each("/api/v1/investors", func(it map[string]any) { w.investors = append(w.investors, person{it["ownerId"].(string), "investor"}) }); err != nil {
		return nil, err
	}
	if err := each("/api/v1/spaces", func(it map[string]any) { w.spaces = append(w.spaces, it["id"].(string)) }); err != nil {
		return nil, err
	}
	if err := each("/api/v1/roadshows", func(it map[string]any) { w.roadshows = append(w.roadshows, it["id"].(string)) }); err != nil {
		return nil, err
	}
	code, body, _ := c.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "admin@demo.yuechuang.cn", "password": seed.DemoPassword})
	var login struct {
		User struct{ ID string } `json:"user"`
	}
	if code != 200 || json.Unmarshal(body, &login) != nil {
		return nil, fmt.Errorf("admin sign-in: %d %s", code, body)
	}
	w.admin = person{login.User.ID, "admin"}
	if len(w.startups) == 0 || len(w.investors) == 0 || len(w.spaces) == 0 || len(w.roadshows) == 0 {
		return nil, fmt.Errorf("nothing to act on: %d startups, %d investors, %d spaces, %d roadshows",
			len(w.startups), len(w.investors), len(w.spaces), len(w.roadshows))
	}
	return w, nil
}

// measure runs every main call, reads n times and writes nw times, as
// many different users with varied inputs, one call at a time.
func measure(base, tag string, n, nw, logins int) ([]*sample, error) {
	signer, _ := auth.NewSigner([]byte(jwtSecret), nil)
	c := &client{base: base, http: &http.Client{Timeout: time.Minute}, signer: signer}
	w, err := c.discover()
	if err != nil {
		return nil, err
	}
	log.Printf("  acting on %d published startups (%d founders), %d investors, %d spaces, %d roadshows",
		len(w.startups), len(w.founders), len(w.investors), len(w.spaces), len(w.roadshows))
	tax, _ := taxonomy.Load("")
	rnd := rand.New(rand.NewPCG(7, 7))
	pick := func(xs []person) person { return xs[rnd.IntN(len(xs))] }
	var out []*sample
	phase, logged := time.Now(), 0
	add := func(s *sample) *sample {
		for _, last := range out[logged:] {
			log.Printf("  %s: %d calls in %s", last.name, len(last.ds)+last.failed, time.Since(phase).Round(time.Millisecond))
		}
		logged = len(out)
		phase = time.Now()
		s.until = phase.Add(callBudget)
		out = append(out, s)
		return s
	}
	defer func() { add(&sample{}); out = out[:len(out)-1] }()

	hash := add(&sample{name: argon2Row})
	out = append(out, c.signIns(hash, logins)...) // logged with the hash's row, by the next add
	people := append(append([]person{}, w.founders...), w.investors...)
	s := add(&sample{name: "GET /me"})
	for i := 0; i < n && !s.over(); i++ {
		code, _, d := c.do("GET", "/api/v1/me", c.token(pick(people)), nil)
		s.add(code, d, 200)
	}
	s = add(&sample{name: "startup page"})
	for i := 0; i < n && !s.over(); i++ {
		tok := ""
		if i%2 == 0 {
			tok = c.token(pick(w.investors))
		}
		code, _, d := c.do("GET", "/api/v1/startups/"+w.startups[rnd.IntN(len(w.startups))].ID, tok, nil)
		s.add(code, d, 200)
	}
	s = add(&sample{name: "public list page"})
	listed := 0
	for i := 0; i < n && !s.over(); i++ {
		q := url.Values{"page": {fmt.Sprint(1 + rnd.IntN(5))}, "pageSize": {"20"}}
		switch i % 4 {
		case 1:
			q.Set("sector", tax.Sectors[rnd.IntN(len(tax.Sectors))].Code)
		case 2:
			q.Set("district", tax.Districts[rnd.IntN(len(tax.Districts))].Code)
		case 3:
			q.Set("stage", tax.Stages[rnd.IntN(3)].Code)
		}
		code, body, d := c.do("GET", "/api/v1/startups?"+q.Encode(), "", nil)
		s.add(code, d, 200)
		var l struct {
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(body, &l) == nil {
			listed += len(l.Items)
		}
	}
	s.held = fmt.Sprintf("%.1f startups per page on average", float64(listed)/float64(max(len(s.ds)+s.failed, 1)))
	s = add(&sample{name: "search", note: "sector names as typed by a user"})
	hits := 0
	for i := 0; i < n && !s.over(); i++ {
		sec := tax.Sectors[rnd.IntN(len(tax.Sectors))]
		q := url.Values{"q": {sec.Zh}, "pageSize": {"20"}}
		if i%3 == 1 {
			q.Set("district", tax.Districts[rnd.IntN(len(tax.Districts))].Code)
		}
		code, body, d := c.do("GET", "/api/v1/search?"+q.Encode(), "", nil)
		s.add(code, d, 200)
		if !bytes.Contains(body, []byte(`"total":0`)) {
			hits++
		}
	}
	s.note = fmt.Sprintf("sector names as typed; %d of %d found something", hits, n)
	s = add(&sample{name: "deal flow"})
	for i := 0; i < n && !s.over(); i++ {
		code, _, d := c.do("GET", fmt.Sprintf("/api/v1/dealflow?page=%d&pageSize=20", 1+rnd.IntN(3)), c.token(pick(w.investors)), nil)
		s.add(code, d, 200)
	}
	s = add(&sample{name: "notification list"})
	var sinceIDs []struct {
		user person
		id   string
	}
	nonEmpty, items := 0, 0
	for i := 0; i < n && !s.over(); i++ {
		p := pick(people)
		code, body, d := c.do("GET", "/api/v1/notifications?pageSize=20", c.token(p), nil)
		s.add(code, d, 200)
		var l struct {
			Items []struct{ ID string } `json:"items"`
		}
		if json.Unmarshal(body, &l) == nil && len(l.Items) > 0 {
			nonEmpty++
			items += len(l.Items)
		}
		if len(l.Items) > 1 {
			sinceIDs = append(sinceIDs, struct {
				user person
				id   string
			}{p, l.Items[len(l.Items)/2].ID})
		}
	}
	s.held = fmt.Sprintf("%d of %d lists had items, %.1f on average", nonEmpty, len(s.ds)+s.failed, float64(items)/float64(max(len(s.ds)+s.failed, 1)))
	s = add(&sample{name: "notifications since replay (websocket)"})
	for i := 0; i < n && !s.over(); i++ {
		p, since := pick(people), "000000000000000000000000"
		if len(sinceIDs) > 0 {
			x := sinceIDs[rnd.IntN(len(sinceIDs))]
			p, since = x.user, x.id
		}
		d, err := c.replay(p, since)
		code := 200
		if err != nil {
			code = 0
		}
		s.add(code, d, 200)
	}
	// A room's first read since start reads its stored record; later ones
	// are answered from memory (while held). The city has 20 times the
	// rooms of the small city, so more of its reads are first reads: each
	// kind gets its row, and the ratio compares like with like.
	s = add(&sample{name: "roadshow record"})
	again := &sample{name: "roadshow record, a room read before in this run"}
	s.name = "roadshow record, a room's first read since start"
	seen := map[string]bool{}
	bytesOut := 0
	for i := 0; i < n && !s.over(); i++ {
		room := w.roadshows[rnd.IntN(len(w.roadshows))]
		code, body, d := c.do("GET", "/api/v1/roadshows/"+room+"/record", c.token(w.admin), nil)
		if seen[room] {
			again.add(code, d, 200)
		} else {
			s.add(code, d, 200)
		}
		seen[room] = true
		bytesOut += len(body)
	}
	s.held = fmt.Sprintf("%.0f KB per answer on average, %d of %d reads", float64(bytesOut)/1000/float64(max(len(s.ds)+s.failed+len(again.ds)+again.failed, 1)), len(s.ds)+s.failed, n)
	again.held = fmt.Sprintf("%d of %d reads", len(again.ds)+again.failed, n)
	out = append(out, again) // logged with the first reads' row, by the next add
	s = add(&sample{name: "GET /stats/program"})
	for i := 0; i < n && !s.over(); i++ {
		tok := ""
		if i%5 == 0 {
			tok = c.token(w.admin) // with every district's figures
		}
		code, _, d := c.do("GET", "/api/v1/stats/program", tok, nil)
		s.add(code, d, 200)
	}
	s = add(&sample{name: "registry export (CSV)"})
	rows := 0
	for i := 0; i < n && !s.over(); i++ {
		code, body, d := c.do("GET", "/api/v1/spaces/"+w.spaces[rnd.IntN(len(w.spaces))]+"/registry.csv", c.token(w.admin), nil)
		s.add(code, d, 200)
		rows += max(bytes.Count(body, []byte("\n"))-1, 0)
	}
	s.held = fmt.Sprintf("%.1f rows per export on average", float64(rows)/float64(max(len(s.ds)+s.failed, 1)))
	s = add(&sample{name: "profile save", write: true})
	for i := 0; i < nw && !s.over(); i++ {
		st := w.startups[rnd.IntN(len(w.startups))]
		code, _, d := c.do("PATCH", "/api/v1/startups/"+st.ID, c.token(person{st.OwnerID, "founder"}),
			map[string]any{"traction": fmt.Sprintf("已签约%d家客户，月收入%d万元", 3+i, 10+rnd.IntN(90))})
		s.add(code, d, 200)
	}
	s = add(&sample{name: "publish", write: true, note: "a published startup withdrawn, then published again (alerts fan out)"})
	for i := 0; i < nw && !s.over(); i++ {
		st := w.startups[(i*7)%len(w.startups)]
		tok := c.token(person{st.OwnerID, "founder"})
		if code, body, _ := c.do("POST", "/api/v1/startups/"+st.ID+"/unpublish", tok, nil); code != 200 {
			return nil, fmt.Errorf("unpublish: %d %s", code, body)
		}
		code, _, d := c.do("POST", "/api/v1/startups/"+st.ID+"/publish", tok, nil)
		s.add(code, d, 200)
	}
	return out, nil
}

// replay times a notification session that asks for what was missed since
// an id: a ticket, the websocket and its welcome frame (sent after the
// replay is read).
func (c *client) replay(p person, since string) (time.Duration, error) {
	began := time.Now()
	code, body, _ := c.do("POST", "/api/v1/realtime/ticket", c.token(p), nil)
	if code != 200 {
		return 0, fmt.Errorf("ticket: %d", code)
	}
	var t struct{ Ticket string }
	if err := json.Unmarshal(body, &t); err != nil {
		return 0, err
	}
	u := strings.Replace(c.base, "http", "ws", 1) + "/ws/notifications?" + url.Values{"ticket": {t.Ticket}, "since": {since}}.Encode()
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	if _, _, err := conn.ReadMessage(); err != nil {
		return 0, err
	}
	return time.Since(began), nil
}
