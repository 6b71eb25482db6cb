// Command notelistbench measures the notification list (GET
// /api/v1/notifications?pageSize=20) and the notification socket's since
// replay through HTTP, for several server binaries side by side on the
// same data: the demo set (made once, by the first binary's first start)
// and a city kept by scripts/scalebench, each copied for every binary. It
// takes the calls in rounds (a round's user the same on every server of a
// data set, the first server of each round rotating), so that the binaries
// are compared at the same moments of a shared machine, and it compares
// the answers: a list (its first page, its second and its unread page) must
// be byte for byte the same on every binary, and so must the frames a
// replay sends after its welcome. Each data set also gets founders signed
// up before it is copied (-empty), whose empty lists are measured in
// rounds of their own, so that a full list and an empty one are compared
// on the same server. docs/bench/notelist.md holds the figures:
//
//	go run ./scripts/notelistbench -bin base=/tmp/yc-base-21864cc -bin new=bin/yuechuang -city /tmp/city-kept
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
	"github.com/yuechuang/yuechuang/server/auth"
)

const jwtSecret = "notelistbench-signing-key-0123456789abcdef"

var logLevel = "warn"

type bins []string

func (b *bins) String() string     { return strings.Join(*b, ",") }
func (b *bins) Set(v string) error { *b = append(*b, v); return nil }

type person struct{ id, role string }

type server struct {
	*benchrun.Server
	name, set, pprof string
}

func main() {
	var bs bins
	flag.Var(&bs, "bin", "name=path of a server binary (give two or more)")
	city := flag.String("city", "", "a city kept by scripts/scalebench (-keep); copied, never changed")
	n := flag.Int("n", 300, "rounds of each call")
	out := flag.String("out", "", "also write the table to this file")
	flag.StringVar(&logLevel, "log", "warn", "the servers' LOG_LEVEL (info: a line per request, with its time in the server)")
	profile := flag.String("profile", "", "write each server's CPU profile of its list calls into this directory")
	settle := flag.Duration("settle", 10*time.Second, "how long the demo set's first server runs after it is ready")
	empties := flag.Int("empty", 50, "accounts signed up on each data set before it is copied, whose lists are empty: their lists are measured in rounds of their own (n/4), on the same servers as the full ones")
	flag.Parse()
	if len(bs) < 1 || *city == "" {
		log.Fatal("give -bin name=path (one or more) and -city")
	}
	tmp, err := os.MkdirTemp("", "notelistbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	names, paths := []string{}, map[string]string{}
	for _, b := range bs {
		name, path, ok := strings.Cut(b, "=")
		if !ok {
			log.Fatalf("-bin %q: want name=path", b)
		}
		names, paths[name] = append(names, name), path
	}
	// Each data set is settled once, by the first binary (the demo set made
	// by its first start; the city's changes left undispatched by the run
	// that kept it applied), then copied for every binary, so that every
	// binary answers from the same data.
	var servers []*server
	empty := map[string][]person{} // by data set: accounts with no notification
	defer func() {
		for _, s := range servers {
			s.Stop()
		}
	}()
	for i, set := range []struct{ name, src string }{{"demo", ""}, {"city", *city}} {
		settled := filepath.Join(tmp, set.name)
		seed := "SEED_DEMO=true"
		if set.src != "" {
			seed = "SEED_DEMO=false"
			if err := benchrun.CopyDir(set.src, settled); err != nil {
				log.Fatal(err)
			}
		}
		log.Printf("settling the %s with %s", set.name, names[0])
		s, err := start(ctx, paths[names[0]], settled, "", seed, "LOGIN_RATE_LIMIT=1000000")
		if err != nil {
			log.Fatal(err)
		}
		if empty[set.name], err = signUp(s.Base, set.name, *empties); err != nil {
			log.Fatal(err)
		}
		time.Sleep(*settle) // the work a start leaves for after /readyz
		s.Stop()
		for j, name := range names {
			dir := filepath.Join(tmp, set.name+"-"+name)
			if err := benchrun.CopyDir(settled, dir); err != nil {
				log.Fatal(err)
			}
			log.Printf("%s on the %s: starting", name, set.name)
			pp := ""
			if *profile != "" {
				pp = fmt.Sprintf("127.0.0.1:%d", 16060+10*i+j)
			}
			s, err := start(ctx, paths[name], dir, pp, "SEED_DEMO=false")
			if err != nil {
				log.Fatal(err)
			}
			s.name, s.set, s.pprof = name, set.name, pp
			servers = append(servers, s)
		}
	}
	signer, _ := auth.NewSigner([]byte(jwtSecret), nil)
	token := func(p person) string {
		t, err := signer.Sign(auth.Claims{UserID: p.id, Role: p.role})
		if err != nil {
			log.Fatal(err)
		}
		return t
	}
	load0 := benchrun.LoadAvg()
	began := time.Now()
	var b strings.Builder
	fmt.Fprintf(&b, "| data | binary | list p50 | list p99 | replay p50 | replay p99 | items per list | answers the same as %s's |\n|---|---|---|---|---|---|---|---|\n", names[0])
	ratios := map[string][2][2]time.Duration{} // binary → set (demo, city) → list, replay p50
	var sizes strings.Builder
	fmt.Fprintf(&sizes, "\n| data | binary | empty lists p50 (n) | 1-19 items p50 (n) | 20 items p50 (n) | a new account's list (empty) p50 (n) | 20 items / a new account's, p50 |\n|---|---|---|---|---|---|---|\n")
	for si, set := range []string{"demo", "city"} {
		var on []*server
		for _, s := range servers {
			if s.set == set {
				on = append(on, s)
			}
		}
		people, err := discover(on[0].Base)
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("%s: %d people", set, len(people))
		stopProfiles := profiles(on, *profile)
		r := measure(on, people, empty[set], token, *n)
		stopProfiles()
		for i, s := range on {
			l, rp := benchrun.Percentile(r.list[i], .50), benchrun.Percentile(r.replay[i], .50)
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %.1f | %d of %d lists, %d of %d replays |\n", set, s.name, ms(l), ms(benchrun.Percentile(r.list[i], .99)),
				ms(rp), ms(benchrun.Percentile(r.replay[i], .99)), float64(r.items)/float64(*n), r.sameLists[i], r.lists, r.sameReplays[i], r.replays)
			fmt.Fprintf(&sizes, "| %s | %s |", set, s.name)
			for _, ds := range r.bySize[i] {
				fmt.Fprintf(&sizes, " %s (%d) |", ms(benchrun.Percentile(ds, .50)), len(ds))
			}
			full, none := benchrun.Percentile(r.bySize[i][2], .50), benchrun.Percentile(r.empty[i], .50)
			fmt.Fprintf(&sizes, " %s (%d) | %s |\n", ms(none), len(r.empty[i]), ratio(full, none))
			v := ratios[s.name]
			v[si] = [2]time.Duration{l, rp}
			ratios[s.name] = v
		}
	}
	b.WriteString(sizes.String())
	fmt.Fprintf(&b, "\n| binary | list city/demo p50 | replay city/demo p50 |\n|---|---|---|\n")
	for _, name := range names {
		v := ratios[name]
		fmt.Fprintf(&b, "| %s | %.2f | %.2f |\n", name, float64(v[1][0])/float64(v[0][0]), float64(v[1][1])/float64(v[0][1]))
	}
	fmt.Fprintf(&b, "\n%s, %s of calls, 1-minute load average %s → %s; %d rounds\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		time.Since(began).Round(time.Second), load0, benchrun.LoadAvg(), *n)
	fmt.Print(b.String())
	if *out != "" {
		if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

type results struct {
	list, replay           [][]time.Duration
	empty                  [][]time.Duration    // the lists of accounts with none, in rounds of their own
	bySize                 [][3][]time.Duration // a list's durations by its items: none, 1-19, 20
	sameLists, sameReplays []int
	lists, replays, items  int
	firstDiffShown         bool
}

// measure takes n rounds of the list and then of the replay on every
// server of one data set, comparing each answer with the first server's,
// and n/4 rounds of the list of an account drawn from empties.
func measure(on []*server, people, empties []person, token func(person) string, n int) *results {
	r := &results{list: make([][]time.Duration, len(on)), empty: make([][]time.Duration, len(on)), bySize: make([][3][]time.Duration, len(on)), replay: make([][]time.Duration, len(on)), sameLists: make([]int, len(on)), sameReplays: make([]int, len(on))}
	rnd := rand.New(rand.NewPCG(7, 7))
	type seen struct {
		p    person
		id   string
		want int
	}
	var since []seen
	c := &http.Client{Timeout: time.Minute}
	for round := range n {
		p := people[rnd.IntN(len(people))]
		tok := token(p)
		for _, q := range []string{"pageSize=20", "pageSize=20&page=2", "pageSize=20&unread=true"} {
			answers := make([][]byte, len(on))
			took := make([]time.Duration, len(on))
			for k := range on {
				i := (round + k) % len(on)
				body, d, err := get(c, on[i].Base+"/api/v1/notifications?"+q, tok)
				if err != nil {
					log.Fatalf("%s %s: %v", on[i].name, q, err)
				}
				if q == "pageSize=20" {
					r.list[i] = append(r.list[i], d)
				}
				answers[i], took[i] = body, d
			}
			r.lists++
			for i := range on {
				if bytes.Equal(answers[i], answers[0]) {
					r.sameLists[i]++
				} else if !r.firstDiffShown {
					r.firstDiffShown = true
					log.Printf("%s's answer to %s differs:\n%s\n%s", on[i].name, q, answers[0], answers[i])
				}
			}
			if q == "pageSize=20" {
				var l struct {
					Items []struct{ ID string } `json:"items"`
				}
				_ = json.Unmarshal(answers[0], &l)
				r.items += len(l.Items)
				size := min(len(l.Items), 1) + len(l.Items)/20
				for i := range on {
					r.bySize[i][size] = append(r.bySize[i][size], took[i])
				}
				if len(l.Items) > 1 {
					since = append(since, seen{p, l.Items[len(l.Items)/2].ID, len(l.Items) / 2})
				}
			}
		}
	}
	for round := range n / 4 {
		if len(empties) == 0 {
			break
		}
		tok := token(empties[rnd.IntN(len(empties))])
		answers := make([][]byte, len(on))
		for k := range on {
			i := (round + k) % len(on)
			body, d, err := get(c, on[i].Base+"/api/v1/notifications?pageSize=20", tok)
			if err != nil {
				log.Fatalf("%s, a new account's list: %v", on[i].name, err)
			}
			r.empty[i], answers[i] = append(r.empty[i], d), body
		}
		r.lists++
		for i := range on {
			if bytes.Equal(answers[i], answers[0]) {
				r.sameLists[i]++
			}
		}
	}
	for round := range n {
		x := seen{people[rnd.IntN(len(people))], "000000000000000000000000", -1}
		if len(since) > 0 {
			x = since[rnd.IntN(len(since))]
		}
		frames := make([][]byte, len(on))
		for k := range on {
			i := (round + k) % len(on)
			d, fs, err := replay(c, on[i].Base, token(x.p), x.id, x.want)
			if err != nil {
				log.Fatalf("%s replay: %v", on[i].name, err)
			}
			r.replay[i] = append(r.replay[i], d)
			frames[i] = fs
		}
		r.replays++
		for i := range on {
			if bytes.Equal(frames[i], frames[0]) {
				r.sameReplays[i]++
			}
		}
	}
	return r
}
