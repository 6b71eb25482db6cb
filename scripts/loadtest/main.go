// Command loadtest measures the deal flow of a running platform against a
// trivial Fiber JSON handler in the same run, on loopback only. The
// trivial handler runs in a child process of its own, so both servers
// compete with the load generator in the same way.
//
// The load looks like use: the tool signs up many investors, each with a
// thesis drawn from the taxonomy, and every request comes from a random one
// of them with a random query (most without filters on the first page,
// others on later pages or filtered by sector, stage or district). It
// prints, beside the requests per second, the share of responses the
// server answered from a cache (its X-Cache header; 0 when it has none),
// and runs the same load with Cache-Control: no-cache, the computed path,
// against the target.
//
//	loadtest -base http://127.0.0.1:8080 -investors 200 -d 8s
//
// scripts/loadtest.sh starts a platform with demo data and runs this.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/yuechuang/yuechuang/scripts/benchdoc"
)

// target is the deal flow's throughput as a share of the trivial handler's.
const target = 0.5

// readBuffer is the load generator's read buffer per connection.
const readBuffer = 32 << 10

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "platform base URL (loopback only)")
	investors := flag.Int("investors", 200, "investors to sign up, each with a thesis drawn from the taxonomy")
	seed := flag.Uint64("seed", 1, "seed for the investors' theses and the query mix")
	conc := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 8*time.Second, "duration of each measured run")
	rounds := flag.Int("rounds", 2, "alternating rounds of baseline and endpoint")
	out := flag.String("out", "", "also write the figures as this markdown file (docs/bench/loadtest.md)")
	trivial := flag.String("trivial", "", "internal: serve the trivial handler on this address")
	pprofURL := flag.String("pprof", "", "the server's net/http/pprof base URL (YC_PPROF_ADDR); with -profile, a CPU profile of the first computed run is written there")
	profile := flag.String("profile", "", "write the server's CPU profile during the first computed run to this file (needs -pprof)")
	serverPID := flag.Int("pid", 0, "the platform's process id, to report its CPU time per request (scripts/loadtest.sh sets it)")
	genProfile := flag.String("genprofile", "", "write this tool's own CPU profile during the first computed run to this file")
	flag.Parse()
	if *trivial != "" {
		serveTrivial(*trivial)
		return
	}
	u, err := url.Parse(*base)
	if err != nil || !loopback(u.Hostname()) {
		fail(fmt.Errorf("-base must be a loopback URL, got %q", *base))
	}
	baseline, trivialPID, stop := startTrivial()
	defer stop()
	rng := rand.New(rand.NewPCG(*seed, 7))
	tax, err := getTaxonomy(*base)
	if err != nil {
		fail(err)
	}
	start := time.Now()
	tokens, err := signUpInvestors(*base, tax, *investors, rng)
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "loadtest: %d investors signed up with theses in %s\n", len(tokens), time.Since(start).Round(time.Millisecond))
	reqs := requests(*base, tax, tokens, rng, 4096)
	// One client for both targets. Its read buffer holds a whole deal-flow
	// answer (about 15 KB with its headers), so that it reads an answer as
	// it arrives, in one call, as it reads the trivial one; with net/http's
	// 4 KiB default it took about three reads for each deal-flow answer.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc,
		ReadBufferSize: readBuffer}, Timeout: 10 * time.Second}
	machine := benchdoc.Load()
	var doc strings.Builder
	p := func(format string, a ...any) {
		fmt.Printf(format, a...)
		fmt.Fprintf(&doc, format, a...)
	}
	p("%d connections, %s per run, %d rounds; %d investors, %d distinct requests drawn from them (%s).\n\n",
		*conc, *dur, *rounds, len(tokens), len(reqs), mixNote)
	p("The load generator (one net/http client for both targets, reading through a %d KiB buffer per connection) checks "+
		"every status code and that one body in %d is whole JSON; the load column is the 1-minute load average after "+
		"the row's run.\n\n", readBuffer>>10, validateEvery)
	p("| target | requests/s | p50 ms | p99 ms | errors | answered from cache | server CPU µs/request | load generator CPU µs/request | load |\n|---|---|---|---|---|---|---|---|---|\n")
	var tb, te, tf float64
	var hits, total int64
	var perRound []string
	var cpuB, cpuF, genB, genF time.Duration
	var callsB, callsF [2]calls // server, generator
	for r := 0; r < *rounds; r++ {
		b := run(client, []request{{url: baseline + "/ping"}}, false, *conc, *dur, trivialPID)
		p("%s", b.row("trivial Fiber JSON handler (baseline)"))
		e := run(client, reqs, false, *conc, *dur, *serverPID)
		p("%s", e.row("`GET /api/v1/dealflow`, many investors and queries"))
		var prof func() error
		if r == 0 && *profile != "" {
			prof = startProfile(*pprofURL, *profile, *dur)
		}
		if r == 0 && *genProfile != "" {
			pf, err := os.Create(*genProfile)
			if err != nil {
				fail(err)
			}
			if err := pprof.StartCPUProfile(pf); err != nil {
				fail(err)
			}
		}
		f := run(client, reqs, true, *conc, *dur, *serverPID)
		if r == 0 && *genProfile != "" {
			pprof.StopCPUProfile()
		}
		if prof != nil {
			if err := prof(); err != nil {
				fail(err)
			}
			fmt.Fprintf(os.Stderr, "loadtest: server CPU profile of the computed run in %s\n", *profile)
		}
		p("%s", f.row("`GET /api/v1/dealflow` with `Cache-Control: no-cache` (computed)"))
		tb, te, tf = tb+b.rps, te+e.rps, tf+f.rps
		hits, total = hits+e.hits, total+e.n
		perRound = append(perRound, fmt.Sprintf("%.2f", f.rps/b.rps))
		cpuB, cpuF, genB, genF = cpuB+b.serverCPU, cpuF+f.serverCPU, genB+b.genCPU, genF+f.genCPU
		callsB, callsF = [2]calls{b.serverCalls, b.genCalls}, [2]calls{f.serverCalls, f.genCalls}
	}
	n := float64(*rounds)
	verdict := func(x float64) string {
		if x >= target {
			return "meets"
		}
		return "misses"
	}
	p("\nMeans of %d rounds: trivial %.0f req/s; deal flow %.0f req/s, ratio **%.2f** with %.0f %% of responses from a cache; "+
		"computed every time %.0f req/s, ratio **%.2f**, which %s the target of %.2f.\n",
		*rounds, tb/n, te/n, te/tb, 100*float64(hits)/float64(max(total, 1)), tf/n, tf/tb, verdict(tf/tb), target)
	p("The computed ratio round by round: %s. ", strings.Join(perRound, ", "))
	if cpuB > 0 && cpuF > 0 {
		us := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 / n }
		p("CPU time per request, means: the trivial server %.0f µs and the load generator %.0f µs beside it; "+
			"the platform %.0f µs computing the deal flow and the load generator %.0f µs reading it (the answers are "+
			"about 14 KB against a few bytes).", us(cpuB), us(genB), us(cpuF), us(genF))
	}
	if callsF[0].reads > 0 {
		p(" Read + write system calls per request (the last round, from /proc): the trivial server %s and the load "+
			"generator %s; the platform %s and the load generator %s.", callsB[0], callsB[1], callsF[0], callsF[1])
	}
	p("\n")
	if hits > 0 {
		p("\nThe %d requests repeat many times within a run, so a cache keyed by investor and query answers most of them "+
			"once warm; a real investor reads a page far less often than that between changes, so the computed row is the one "+
			"that says what a deal-flow page costs.\n", len(reqs))
	}
	if *out != "" {
		err := benchdoc.Write(*out, benchdoc.Doc{Title: "Deal flow under load (scripts/loadtest)", Load: machine,
			Command: fmt.Sprintf("scripts/loadtest.sh -investors %d -c %d -d %s -rounds %d -out %s   # make loadtest: 2 rounds of 8s",
				*investors, *conc, *dur, *rounds, *out), Body: doc.String()})
		if err != nil {
			fail(err)
		}
	}
}

// startProfile asks the server for a CPU profile covering most of a run
// of d that starts now (after run's one-second warm-up), and returns a
// function that waits for it and writes it to file.
func startProfile(base, file string, d time.Duration) func() error {
	done := make(chan error, 1)
	go func() {
		time.Sleep(time.Second + 100*time.Millisecond) // run's warm-up
		secs := max(1, int(d.Seconds())-1)
		res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", base, secs))
		if err != nil {
			done <- fmt.Errorf("profile: %w", err)
			return
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != 200 {
			err = fmt.Errorf("%d %s", res.StatusCode, raw)
		}
		if err == nil {
			err = os.WriteFile(file, raw, 0o644)
		}
		done <- err
	}()
	return func() error { return <-done }
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

// serveTrivial is the baseline: the least a Fiber JSON endpoint can do.
func serveTrivial(addr string) {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/ping", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true}) })
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail(err)
	}
	fmt.Println(ln.Addr().String())
	fail(app.Listener(ln))
}

func startTrivial() (string, int, func()) {
	cmd := exec.Command(os.Args[0], "-trivial", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		fail(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fail(fmt.Errorf("trivial server: %w", err))
	}
	return "http://" + strings.TrimSpace(line), cmd.Process.Pid, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
}

type taxonomy struct {
	Sectors   []struct{ Code string } `json:"sectors"`
	Stages    []struct{ Code string } `json:"stages"`
	Districts []struct{ Code string } `json:"districts"`
}

func getTaxonomy(base string) (*taxonomy, error) {
	res, err := http.Get(base + "/api/v1/taxonomy")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var t taxonomy
	if err := json.NewDecoder(res.Body).Decode(&t); err != nil || len(t.Sectors) == 0 || len(t.Stages) == 0 || len(t.Districts) == 0 {
		return nil, fmt.Errorf("taxonomy: %d %v", res.StatusCode, err)
	}
	return &t, nil
}

func pick[T any](rng *rand.Rand, xs []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range rng.Perm(len(xs))[:min(n, len(xs))] {
		out = append(out, xs[i])
	}
	return out
}

func codes(xs []struct{ Code string }) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Code
	}
	return out
}

// signUpInvestors registers n investors, each with a thesis as angels
// state them (1–3 sectors, 1–3 stages, a cheque range, sometimes
// districts), and returns their access tokens.
func signUpInvestors(base string, t *taxonomy, n int, rng *rand.Rand) ([]string, error) {
	run := time.Now().UnixNano()
	sectors, stages, districts := codes(t.Sectors), codes(t.Stages), codes(t.Districts)
	tokens := make([]string, 0, n)
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("load-%d-%d@loadtest.example", run, i)
		password := fmt.Sprintf("Lt%x!x%d", run, i)
		var sess struct {
			AccessToken string `json:"accessToken"`
		}
		if code, err := post(base+"/api/v1/auth/register", "", map[string]string{"email": email, "password": password, "role": "investor", "name": fmt.Sprint("压测投资人", i)}, &sess); err != nil || sess.AccessToken == "" {
			return nil, fmt.Errorf("sign up %s: %d %v", email, code, err)
		}
		lo := float64(50 * (1 + rng.IntN(10)))
		th := map[string]any{"name": fmt.Sprint("压测投资人", i), "kind": "angel",
			"sectors": pick(rng, sectors, 1+rng.IntN(3)), "stages": pick(rng, stages, 1+rng.IntN(3)),
			"checkMinWan": lo, "checkMaxWan": lo * float64(2+rng.IntN(8))}
		if rng.IntN(2) == 0 {
			th["districts"] = pick(rng, districts, 1+rng.IntN(2))
		}
		if code, err := post(base+"/api/v1/investors", sess.AccessToken, th, nil); err != nil {
			return nil, fmt.Errorf("thesis of %s: %d %v", email, code, err)
		}
		tokens = append(tokens, sess.AccessToken)
	}
	return tokens, nil
}

func post(url, token string, body, out any) (int, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return res.StatusCode, fmt.Errorf("%s", raw)
	}
	if out != nil {
		return res.StatusCode, json.Unmarshal(raw, out)
	}
	return res.StatusCode, nil
}

// request is one deal-flow read by one investor.
type request struct{ url, token string }

const mixNote = "half the first page unfiltered, 20 % pages 2–3, 10 % each filtered by sector, stage or district"

// requests draws n reads: a random investor each, with the query mix above.
func requests(base string, t *taxonomy, tokens []string, rng *rand.Rand, n int) []request {
	out := make([]request, n)
	for i := range out {
		q := "?page=1"
		switch r := rng.IntN(10); {
		case r < 5:
		case r < 7:
			q = fmt.Sprintf("?page=%d", 2+rng.IntN(2))
		case r < 8:
			q += "&sector=" + t.Sectors[rng.IntN(len(t.Sectors))].Code
		case r < 9:
			q += "&stage=" + t.Stages[rng.IntN(len(t.Stages))].Code
		default:
			q += "&district=" + t.Districts[rng.IntN(len(t.Districts))].Code
		}
		out[i] = request{url: base + "/api/v1/dealflow" + q, token: tokens[rng.IntN(len(tokens))]}
	}
	return out
}
