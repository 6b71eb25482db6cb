package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"time"

	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/domain"
)

// target is one running server being measured: its client, what the run
// found in it to act on, its own random draws and its rows.
type target struct {
	name   string
	c      *client
	w      *world
	rnd    *rand.Rand
	tax    *domain.Taxonomy
	people []person // founders and investors
	calls  []*call
}

// call is one main call as it is measured on one target: its rows, one
// round at a time, and a note of what its answers held once done.
type call struct {
	n    int               // rounds
	rows []*sample         // the first is the call's own row
	once func(i int) error // round i: one sample, into one of rows
	done func()            // after the last round
	// writes are measured in turns of writeTurn rounds on one server,
	// back to back as a busy moment brings them, then a pause (writeSettle)
	// before the next server's turn: the servers share one disk, and one
	// server's background work (a dispatch, a fan-out's inserts, each
	// paced behind that server's own writes only) would otherwise land on
	// another's measured write, which one server on its machine never
	// meets.
	writes bool
}

// Writes' turns.
const (
	writeTurn   = 10
	writeSettle = 300 * time.Millisecond // longer than a dispatch with its paced writes
)

func (t *target) pick(xs []person) person { return xs[t.rnd.IntN(len(xs))] }

// add appends a call of n rounds whose rows are rows, and returns it for
// its once and done to be set.
func (t *target) add(n int, rows ...*sample) *call {
	c := &call{n: n, rows: rows, done: func() {}}
	t.calls = append(t.calls, c)
	return c
}

// onCall, when set, is told of each call before its rounds begin (the
// collector's trace is summed by call, gcWatch).
var onCall func(name string, write bool)

// measureAll measures every call on every target in turn: round i of a
// read on each target before round i+1 on any, the first target of each
// round rotating, so that every row of every target sees the same moments
// of the machine and a ratio between two targets compares like with like.
// Writes take turns of writeTurn rounds (call.writes).
func measureAll(ts []*target, n, nw, logins int, hasher *auth.Hasher) error {
	for _, t := range ts {
		t.build(n, nw, logins, hasher)
	}
	return measureCalls(ts)
}

// measureCalls measures the calls the targets were given, in measureAll's
// order.
func measureCalls(ts []*target) error {
	defer quietCollector()()
	round := 0
	for k := range ts[0].calls {
		began := time.Now()
		until := began.Add(time.Duration(len(ts)) * callBudget)
		first := ts[0].calls[k]
		if onCall != nil {
			onCall(first.rows[0].name, first.writes)
		}
		turn, settle := 1, time.Duration(0)
		if first.writes {
			turn, settle = writeTurn, writeSettle
		}
		i := 0
		for ; i < first.n && time.Now().Before(until); i += turn {
			for r := range ts {
				t := ts[(i/turn+r)%len(ts)]
				for j := i; j < min(i+turn, first.n); j++ {
					if err := t.calls[k].once(j); err != nil {
						return fmt.Errorf("%s: %s: %w", t.name, t.calls[k].rows[0].name, err)
					}
				}
				time.Sleep(settle)
			}
			round++
			collectBetweenRounds(round)
		}
		i = min(i, first.n)
		for _, t := range ts {
			for _, s := range t.calls[k].rows {
				s.cut = i < first.n
			}
			t.calls[k].done()
		}
		log.Printf("  %s: %d rounds on %d servers in %s", first.rows[0].name, i, len(ts), time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// rows returns the target's rows in the table's order.
func (t *target) rows() []*sample {
	var out []*sample
	for _, c := range t.calls {
		out = append(out, c.rows...)
	}
	return out
}

// build lays out the target's calls: every main call, reads n times and
// writes nw times, as many different users with varied inputs.
func (t *target) build(n, nw, logins int, hasher *auth.Hasher) {
	c, w := t.c, t.w
	t.signIns(logins, hasher)
	// The writes come before the reads, so that the reads meet a city that
	// is being used: the publishes' match alerts wait in their
	// recipients' lists as fan-out drops, as in a live city, rather than
	// all notifications lying bulk-loaded in their buckets.
	t.writes(nw)
	if n == 0 {
		return // -n 0: the writes only
	}
	get := func(name string, path func(i int) (string, string)) *call {
		s := &sample{name: name}
		k := t.add(n, s)
		k.once = func(i int) error {
			p, tok := path(i)
			code, _, d := c.do("GET", p, tok, nil)
			s.add(code, d, 200)
			return nil
		}
		return k
	}
	get("GET /me", func(int) (string, string) { return "/api/v1/me", c.token(t.pick(t.people)) })
	get("startup page", func(i int) (string, string) {
		tok := ""
		if i%2 == 0 {
			tok = c.token(t.pick(w.investors))
		}
		return "/api/v1/startups/" + w.startups[t.rnd.IntN(len(w.startups))].ID, tok
	})
	t.listPage(n)
	t.search(n)
	get("deal flow", func(int) (string, string) {
		return fmt.Sprintf("/api/v1/dealflow?page=%d&pageSize=20", 1+t.rnd.IntN(3)), c.token(t.pick(w.investors))
	})
	t.notifications(n)
	t.record(n)
	get("GET /stats/program", func(i int) (string, string) {
		if i%5 == 0 {
			return "/api/v1/stats/program", c.token(w.admin) // with every district's figures
		}
		return "/api/v1/stats/program", ""
	})
	export := &sample{name: "registry export (CSV)"}
	rows := 0
	k := t.add(n, export)
	k.once = func(int) error {
		code, body, d := c.do("GET", "/api/v1/spaces/"+w.spaces[t.rnd.IntN(len(w.spaces))]+"/registry.csv", c.token(w.admin), nil)
		export.add(code, d, 200)
		rows += max(bytes.Count(body, []byte("\n"))-1, 0)
		return nil
	}
	k.done = func() { export.held = fmt.Sprintf("%.1f rows per export on average", perCall(rows, export)) }
}

// perCall is x per call made of s.
func perCall(x int, s *sample) float64 { return float64(x) / float64(max(len(s.ds)+s.failed, 1)) }

func (t *target) listPage(n int) {
	s := &sample{name: "public list page"}
	listed := 0
	k := t.add(n, s)
	k.once = func(i int) error {
		q := url.Values{"page": {fmt.Sprint(1 + t.rnd.IntN(5))}, "pageSize": {"20"}}
		switch i % 4 {
		case 1:
			q.Set("sector", t.tax.Sectors[t.rnd.IntN(len(t.tax.Sectors))].Code)
		case 2:
			q.Set("district", t.tax.Districts[t.rnd.IntN(len(t.tax.Districts))].Code)
		case 3:
			q.Set("stage", t.tax.Stages[t.rnd.IntN(3)].Code)
		}
		code, body, d := t.c.do("GET", "/api/v1/startups?"+q.Encode(), "", nil)
		s.add(code, d, 200)
		var l struct {
			Items []json.RawMessage `json:"items"`
		}
		if json.Unmarshal(body, &l) == nil {
			listed += len(l.Items)
		}
		return nil
	}
	k.done = func() { s.held = fmt.Sprintf("%.1f startups per page on average", perCall(listed, s)) }
}

func (t *target) search(n int) {
	s := &sample{name: "search"}
	hits := 0
	k := t.add(n, s)
	k.once = func(i int) error {
		sec := t.tax.Sectors[t.rnd.IntN(len(t.tax.Sectors))]
		q := url.Values{"q": {sec.Zh}, "pageSize": {"20"}}
		if i%3 == 1 {
			q.Set("district", t.tax.Districts[t.rnd.IntN(len(t.tax.Districts))].Code)
		}
		code, body, d := t.c.do("GET", "/api/v1/search?"+q.Encode(), "", nil)
		s.add(code, d, 200)
		if !bytes.Contains(body, []byte(`"total":0`)) {
			hits++
		}
		return nil
	}
	k.done = func() {
		s.note = fmt.Sprintf("sector names as typed; %d of %d found something", hits, len(s.ds)+s.failed)
	}
}

// notifications measures the list, then the websocket's replay of what was
// missed since an item of a list seen.
func (t *target) notifications(n int) {
	type seen struct {
		user person
		id   string
	}
	var since []seen
	// The list's row counts the lists that found something, as the
	// search's row counts queries that do (sector names): the demo set's
	// founders have no notifications, so about 70 of 100 people drawn
	// there have an empty list, one read that finds nothing, where every
	// city account's holds 20; a ratio over every draw compares empty
	// pages with full ones (on one server a full list costs about twice an
	// empty one: scripts/notelistbench, docs/bench/notelist.md), not a small city
	// with a large one. Every draw, empty lists too, is the row below it,
	// a diagnostic. A failed call counts in both.
	list := &sample{name: "notification list"}
	every := &sample{name: "notification list, every person drawn (empty lists too)", diagnostic: true}
	found, items := 0, 0
	k := t.add(n, list, every)
	k.once = func(int) error {
		p := t.pick(t.people)
		code, body, d := t.c.do("GET", "/api/v1/notifications?pageSize=20", t.c.token(p), nil)
		var l struct {
			Items []struct{ ID string } `json:"items"`
		}
		if code == 200 && json.Unmarshal(body, &l) != nil {
			code = 0 // an answer that is not a list failed
		}
		every.add(code, d, 200)
		if code != 200 {
			list.add(code, d, 200)
			return nil
		}
		if len(l.Items) > 0 {
			found++
			items += len(l.Items)
			list.add(code, d, 200)
		}
		if len(l.Items) > 1 {
			since = append(since, seen{p, l.Items[len(l.Items)/2].ID})
		}
		return nil
	}
	k.done = func() {
		drawn := len(every.ds) + every.failed
		list.held = fmt.Sprintf("%d of %d people drawn had items, %.1f on average", found, drawn, float64(items)/float64(max(found, 1)))
		every.held = fmt.Sprintf("%.1f items a list on average", perCall(items, every))
	}
	replay := &sample{name: "notifications since replay (websocket)"}
	t.add(n, replay).once = func(int) error {
		p, id := t.pick(t.people), "000000000000000000000000"
		if len(since) > 0 {
			x := since[t.rnd.IntN(len(since))]
			p, id = x.user, x.id
		}
		d, err := t.c.replay(p, id)
		code := 200
		if err != nil {
			code = 0
		}
		replay.add(code, d, 200)
		return nil
	}
}

// record measures the roadshow record: every read in the call's own row,
// then in two rows by kind. A room's first read since start reads its
// stored record; later ones are answered from memory (while held). The
// city has 20 times the rooms of the small city and 75 times the demo's,
// so more of its reads are first reads: the rows by kind compare like with
// like, and the demo's first-read row has as many samples as it has rooms
// (four), too few for a p50 or a p99. The row of every read is the call as
// its users meet it, with the city's larger share of first reads counted
// against it.
func (t *target) record(n int) {
	every := &sample{name: "roadshow record, every read"}
	first := &sample{name: "roadshow record, a room's first read since start"}
	again := &sample{name: "roadshow record, a room read before in this run"}
	read := map[string]bool{}
	bytesOut := 0
	k := t.add(n, every, first, again)
	k.once = func(int) error {
		room := t.w.roadshows[t.rnd.IntN(len(t.w.roadshows))]
		code, body, d := t.c.do("GET", "/api/v1/roadshows/"+room+"/record", t.c.token(t.w.admin), nil)
		every.add(code, d, 200)
		if read[room] {
			again.add(code, d, 200)
		} else {
			first.add(code, d, 200)
		}
		read[room] = true
		bytesOut += len(body)
		return nil
	}
	k.done = func() {
		all := len(every.ds) + every.failed
		every.held = fmt.Sprintf("%.0f KB per answer on average, %d rooms", float64(bytesOut)/1000/float64(max(all, 1)), len(t.w.roadshows))
		first.held = fmt.Sprintf("%d of %d reads", len(first.ds)+first.failed, all)
		again.held = fmt.Sprintf("%d of %d reads", len(again.ds)+again.failed, all)
	}
}

// writes measures a profile save and a publish, each by the startup's
// founder.
func (t *target) writes(nw int) {
	c, w := t.c, t.w
	save := &sample{name: "profile save", write: true}
	k := t.add(nw, save)
	k.writes = true
	k.once = func(i int) error {
		st := w.startups[t.rnd.IntN(len(w.startups))]
		code, _, d := c.do("PATCH", "/api/v1/startups/"+st.ID, c.token(person{st.OwnerID, "founder"}),
			map[string]any{"traction": fmt.Sprintf("已签约%d家客户，月收入%d万元", 3+i, 10+t.rnd.IntN(90))})
		save.add(code, d, 200)
		return nil
	}
	publish := &sample{name: "publish", write: true, note: "a published startup withdrawn, then published again (alerts fan out)"}
	k = t.add(nw, publish)
	k.writes = true
	k.once = func(i int) error {
		st := w.startups[(i*7)%len(w.startups)]
		tok := c.token(person{st.OwnerID, "founder"})
		if code, body, _ := c.do("POST", "/api/v1/startups/"+st.ID+"/unpublish", tok, nil); code != 200 {
			return fmt.Errorf("unpublish: %d %s", code, body)
		}
		code, _, d := c.do("POST", "/api/v1/startups/"+st.ID+"/publish", tok, nil)
		publish.add(code, d, 200)
		return nil
	}
}
