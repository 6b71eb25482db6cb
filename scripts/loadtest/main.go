// Command loadtest measures an endpoint of a running platform against a
// trivial Fiber JSON handler in the same run, on loopback only. The
// trivial handler runs in a child process of its own, so both servers
// compete with the load generator in the same way.
//
//	loadtest -base http://127.0.0.1:8080 -path /api/v1/dealflow \
//	         -email investor@demo.yuechuang.cn -password yuechuang2026
//
// scripts/loadtest.sh starts a platform with demo data and runs this.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "platform base URL (loopback only)")
	path := flag.String("path", "/api/v1/dealflow", "endpoint to measure")
	email := flag.String("email", "investor@demo.yuechuang.cn", "account to sign in with (empty: anonymous)")
	password := flag.String("password", "yuechuang2026", "its password")
	conc := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "duration of each measured run")
	rounds := flag.Int("rounds", 2, "alternating rounds of baseline and endpoint")
	fresh := flag.Bool("fresh", true, "also measure the endpoint with Cache-Control: no-cache (every response computed)")
	trivial := flag.String("trivial", "", "internal: serve the trivial handler on this address")
	flag.Parse()
	if *trivial != "" {
		serveTrivial(*trivial)
		return
	}
	u, err := url.Parse(*base)
	if err != nil || !loopback(u.Hostname()) {
		fail(fmt.Errorf("-base must be a loopback URL, got %q", *base))
	}
	baseline, stop := startTrivial()
	defer stop()
	token := ""
	if *email != "" {
		if token, err = login(*base, *email, *password); err != nil {
			fail(err)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}, Timeout: 10 * time.Second}
	fmt.Printf("loadtest: %d connections, %s per run, %d rounds\n", *conc, *dur, *rounds)
	fmt.Println("| target | requests/s | p50 ms | p99 ms | errors |")
	fmt.Println("|---|---|---|---|---|")
	var tb, te, tf float64
	for r := 0; r < *rounds; r++ {
		b := run(client, baseline+"/ping", "", false, *conc, *dur)
		b.print("trivial Fiber JSON handler")
		e := run(client, *base+*path, token, false, *conc, *dur)
		e.print(*path)
		tb += b.rps
		te += e.rps
		if *fresh {
			f := run(client, *base+*path, token, true, *conc, *dur)
			f.print(*path + " (no-cache: computed every time)")
			tf += f.rps
		}
	}
	n := float64(*rounds)
	fmt.Printf("\nmean: trivial %.0f req/s · %s %.0f req/s, ratio %.2f", tb/n, *path, te/n, te/tb)
	if *fresh {
		fmt.Printf(" · no-cache %.0f req/s, ratio %.2f", tf/n, tf/tb)
	}
	fmt.Println()
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

func startTrivial() (string, func()) {
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
	return "http://" + strings.TrimSpace(line), func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
}

func login(base, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("login as %s failed: %d", email, res.StatusCode)
	}
	return out.AccessToken, nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
}

func (r result) print(name string) {
	fmt.Printf("| %s | %.0f | %.2f | %.2f | %d |\n", name, r.rps, ms(r.p50), ms(r.p99), r.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// run sends requests from conc workers for d after a one-second warm-up.
func run(client *http.Client, target, token string, fresh bool, conc int, d time.Duration) result {
	warm, cancel := context.WithTimeout(context.Background(), time.Second)
	drive(warm, client, target, token, fresh, conc, nil)
	cancel()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	start := time.Now()
	drive(ctx, client, target, token, fresh, conc, func(l time.Duration, ok bool) {
		mu.Lock()
		if ok {
			lat = append(lat, l)
		} else {
			errs++
		}
		mu.Unlock()
	})
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r := result{rps: float64(len(lat)) / elapsed.Seconds(), errors: errs}
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r
}

func drive(ctx context.Context, client *http.Client, target, token string, fresh bool, conc int, record func(time.Duration, bool)) {
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", target, nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				if fresh {
					req.Header.Set("Cache-Control", "no-cache")
				}
				t := time.Now()
				res, err := client.Do(req)
				ok := err == nil && res.StatusCode == 200
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				if ctx.Err() == nil && record != nil {
					record(time.Since(t), ok)
				}
			}
		}()
	}
	wg.Wait()
}
