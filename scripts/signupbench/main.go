// Command signupbench measures sign-up and sign-in through HTTP on two
// server binaries side by side (a baseline and the binary under test),
// each on its own copy of one data directory, in interleaved rounds: each
// round, for each server in turn (the first rotating), this process hashes
// once at the server's argon2 cost, then signs up a new user, signs up again
// with that email (refused: email_taken) and signs in. A call's excess is
// its time minus the hash of its own turn. docs/bench/signup.md has the
// figures and the command:
//
//	go run ./scripts/signupbench -old /tmp/yc-base -new bin/yuechuang -data /tmp/city-kept -rounds 300
//
// -data is copied twice (never run on); empty -data starts each server on
// an empty directory, which loads the demo set. -turn 10 -pause 300ms
// -notaken gives scalebench's order instead (ten rounds of a hash, a
// sign-up and a sign-in on one server, then the other's turn): which call
// a garbage collection lands in follows from the order of the hashes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchdoc"
	"github.com/yuechuang/yuechuang/scripts/benchrun"
	"github.com/yuechuang/yuechuang/server/auth"
	"github.com/yuechuang/yuechuang/server/auth/kdfproc"
)

type server struct {
	*benchrun.Server
	name string
	rows map[string]*sample
}

type sample struct {
	ds     []time.Duration
	failed int
}

func (s *sample) add(ok bool, d time.Duration) {
	if !ok {
		s.failed++
		return
	}
	s.ds = append(s.ds, d)
}

// pct is the p-quantile in ms (benchrun.Percentile: nearest rank).
func (s *sample) pct(p float64) float64 {
	return benchrun.MS(benchrun.Percentile(s.ds, p))
}

var rowNames = []string{"argon2id hash alone (a warm hashing child of this tool, as the server hashes; the server's cost)", "sign-up", "sign-up, email taken (409)", "sign-in",
	"sign-up minus its turn's hash", "sign-up taken minus its turn's hash", "sign-in minus its turn's hash"}

func main() {
	if kdfproc.IsChild() { // this tool's hashing child (benchrun.ReferenceHasher)
		os.Exit(kdfproc.ServeChild())
	}
	oldBin := flag.String("old", "", "the baseline server binary (required)")
	newBin := flag.String("new", "bin/yuechuang", "the server binary under test")
	data := flag.String("data", "", "a data directory to copy for each server (empty: the demo set)")
	rounds := flag.Int("rounds", 300, "rounds")
	pause := flag.Duration("pause", 100*time.Millisecond, "pause after each server's turn, so that its background writes do not land on the other's")
	turn := flag.Int("turn", 1, "rounds in a row on one server before the next one's turn (scalebench: 10, with -pause 300ms -notaken)")
	noTaken := flag.Bool("notaken", false, "leave out the second sign-up (email taken), as scalebench does")
	flag.Parse()
	if *oldBin == "" {
		log.Fatal("usage: signupbench -old BASELINE_BINARY [-new BINARY] [-data DIR] [-rounds N]")
	}
	tmp, err := os.MkdirTemp("", "signupbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	var servers []*server
	stopAll := func() {
		for _, s := range servers {
			s.Stop()
		}
		servers = nil
	}
	defer stopAll()
	fail := func(err error) { stopAll(); os.RemoveAll(tmp); log.Fatal(err) }
	for i, bin := range []string{*oldBin, *newBin} {
		name := []string{"old", "new"}[i]
		dir := filepath.Join(tmp, name)
		if *data != "" {
			if err := benchrun.CopyDir(*data, dir); err != nil {
				fail(err)
			}
		}
		s, err := start(name, bin, dir)
		if err != nil {
			fail(err)
		}
		servers = append(servers, s)
	}
	hasher, closeHasher, err := benchrun.ReferenceHasher()
	if err != nil {
		fail(err)
	}
	defer closeHasher()
	load0 := benchrun.LoadAvg()
	began := time.Now()
	client := &http.Client{Timeout: 30 * time.Second}
	nonce := time.Now().UnixNano() % 1e9
	for t := range (*rounds + *turn - 1) / *turn {
		for k := range servers {
			s := servers[(t+k)%len(servers)]
			for r := t * *turn; r < min((t+1)**turn, *rounds); r++ {
				s.round(client, hasher, nonce, r, !*noTaken)
			}
			time.Sleep(*pause)
		}
	}
	took := time.Since(began)
	fmt.Printf("%d rounds in %s; 1-minute load average %s → %s on 2 cores; nice %s\n\n", *rounds, took.Round(time.Second), load0, benchrun.LoadAvg(), benchdoc.Niceness())
	fmt.Println("| call | old p50 | old p99 | new p50 | new p99 | new/old p50 | new/old p99 | failed (old, new) |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, row := range rowNames {
		o, n := servers[0].rows[row], servers[1].rows[row]
		if len(o.ds)+o.failed+len(n.ds)+n.failed == 0 {
			continue // the 409 rows under -notaken
		}
		ratio := func(a, b float64) string {
			if a <= 0 || b <= 0 {
				return ""
			}
			return fmt.Sprintf("%.2f", b/a)
		}
		fmt.Printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %s | %s | %d, %d |\n", row, o.pct(.5), o.pct(.99), n.pct(.5), n.pct(.99),
			ratio(o.pct(.5), n.pct(.5)), ratio(o.pct(.99), n.pct(.99)), o.failed, n.failed)
	}
	for _, s := range servers {
		hashP99 := s.rows[rowNames[0]].pct(.99)
		fmt.Printf("\n%s: sign-up p99 %.1f ms against its hash's p99 %.1f + 10 = %.1f ms: %s; sign-in p99 %.1f: %s", s.name,
			s.rows["sign-up"].pct(.99), hashP99, hashP99+10, holds(s.rows["sign-up"].pct(.99), hashP99+10),
			s.rows["sign-in"].pct(.99), holds(s.rows["sign-in"].pct(.99), hashP99+10))
	}
	fmt.Println()
}

// round is one round on s: a hash at the server's cost (hasher's), a
// sign-up of a new email, the same sign-up again (409, unless taken is
// false) and a sign-in, each timed and set against the hash.
func (s *server) round(client *http.Client, hasher *auth.Hasher, nonce int64, r int, taken bool) {
	t0 := time.Now()
	_, _ = hasher.Hash(context.Background(), "Kuaiji-Shan-2026!")
	h := time.Since(t0)
	s.rows[rowNames[0]].add(true, h)
	email := fmt.Sprintf("signup-%d-%s-%d@bench.yuechuang.cn", nonce, s.name, r)
	reg := map[string]string{"email": email, "password": "Kuaiji-Shan-2026!", "role": "founder", "name": "注册"}
	type call struct {
		row, excess, path string
		body              map[string]string
		want              int
	}
	calls := []call{
		{rowNames[1], rowNames[4], "/api/v1/auth/register", reg, 201},
		{rowNames[2], rowNames[5], "/api/v1/auth/register", reg, 409},
		{rowNames[3], rowNames[6], "/api/v1/auth/login", map[string]string{"email": email, "password": "Kuaiji-Shan-2026!"}, 200},
	}
	if !taken {
		calls = slices.Delete(calls, 1, 2)
	}
	for _, c := range calls {
		code, d := post(client, s.Base+c.path, c.body)
		if code != c.want && r == 0 {
			log.Printf("%s %s: %d, want %d", s.name, c.path, code, c.want)
		}
		s.rows[c.row].add(code == c.want, d)
		s.rows[c.excess].add(code == c.want, d-h)
	}
}

func holds(v, limit float64) string {
	if v <= limit {
		return "holds"
	}
	return "misses"
}

func post(c *http.Client, url string, body map[string]string) (int, time.Duration) {
	b, _ := json.Marshal(body)
	t0 := time.Now()
	res, err := c.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, time.Since(t0)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, time.Since(t0)
}

func start(name, bin, dir string) (*server, error) {
	b, err := benchrun.Start(context.Background(), bin, dir, benchrun.Options{
		Env: []string{"JWT_SECRET=signupbench-signing-key-0123456789abcdef", "LOGIN_RATE_LIMIT=1000000", "TICKETS_PER_MINUTE=0", "LOG_LEVEL=warn"},
	})
	if err != nil {
		return nil, err
	}
	log.Printf("%s (%s) ready in %s", name, bin, b.Ready.Round(100*time.Millisecond))
	s := &server{Server: b, name: name, rows: map[string]*sample{}}
	for _, r := range rowNames {
		s.rows[r] = &sample{}
	}
	return s, nil
}
