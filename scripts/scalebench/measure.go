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
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/scripts/benchrun"
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
	// body receives every answer, so that reading one touches memory the
	// tool has touched before: read into a fresh buffer grown as it fills
	// (io.ReadAll), a large answer cost the tool new heap (dear on a VM,
	// where a fresh page faults) and a copy at each growth, in proportion
	// to its size, and that was counted as the server's time
	// (BenchmarkReadAnswer).
	body bytes.Buffer
	// calls counts the timed calls; collected those during which one of
	// the tool's own collections ended (toolgc.go).
	calls, collected int
	// trace, when set, is told of every call once answered.
	trace func(method, path string, began time.Time, d time.Duration, code int)
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
	cycles := gcCycles()
	began := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, time.Since(began)
	}
	c.body.Reset()
	_, _ = c.body.ReadFrom(res.Body)
	res.Body.Close()
	d := time.Since(began)
	c.calls++
	if gcCycles() != cycles {
		c.collected++
	}
	out := bytes.Clone(c.body.Bytes()) // the caller's to keep, copied off the clock
	if c.trace != nil {
		c.trace(method, path, began, d, res.StatusCode)
	}
	return res.StatusCode, out, d
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
	// cut says the call's time budget ran out before its last round.
	cut bool
	// diagnostic marks a row that explains another and has no target of
	// its own.
	diagnostic bool
}

// callBudget is the most time spent measuring one call on one server.
var callBudget = 90 * time.Second

func (s *sample) add(code int, d time.Duration, want int) {
	if code != want {
		s.failed++
		return
	}
	s.ds = append(s.ds, d)
}

// pct is the p-quantile in ms (benchrun.Percentile: nearest rank).
func (s *sample) pct(p float64) float64 {
	return benchrun.MS(benchrun.Percentile(s.ds, p))
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

// newTarget finds, through base's API, what to act on, for a target of
// its own random draws (the same on every target, so each draws its inputs
// as the others do).
func newTarget(name, base string) (*target, error) {
	signer, _ := auth.NewSigner([]byte(jwtSecret), nil)
	c := &client{base: base, http: &http.Client{Timeout: time.Minute}, signer: signer}
	w, err := c.discover()
	if err != nil {
		return nil, err
	}
	log.Printf("%s: acting on %d published startups (%d founders), %d investors, %d spaces, %d roadshows",
		name, len(w.startups), len(w.founders), len(w.investors), len(w.spaces), len(w.roadshows))
	tax, err := taxonomy.Load("")
	if err != nil {
		return nil, err
	}
	return &target{name: name, c: c, w: w, rnd: rand.New(rand.NewPCG(7, 7)), tax: tax,
		people: append(append([]person{}, w.founders...), w.investors...)}, nil
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
