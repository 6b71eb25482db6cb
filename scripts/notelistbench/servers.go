package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

// The calls this tool times and the servers it runs them on.

func get(c *http.Client, u, token string) ([]byte, time.Duration, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	began := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(res.Body)
	d := time.Since(began)
	if res.StatusCode != 200 {
		return nil, d, fmt.Errorf("status %d: %s", res.StatusCode, buf.Bytes())
	}
	return buf.Bytes(), d, err
}

// replay times a ticket, the socket and its welcome (as scripts/scalebench
// does), then reads, untimed, up to want frames that follow it within a
// second and returns them.
func replay(c *http.Client, base, token, since string, want int) (time.Duration, []byte, error) {
	began := time.Now()
	req, _ := http.NewRequest("POST", base+"/api/v1/realtime/ticket", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	var t struct{ Ticket string }
	err = json.NewDecoder(res.Body).Decode(&t)
	res.Body.Close()
	if err != nil {
		return 0, nil, err
	}
	u := strings.Replace(base, "http", "ws", 1) + "/ws/notifications?" + url.Values{"ticket": {t.Ticket}, "since": {since}}.Encode()
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		return 0, nil, err
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(time.Minute))
	if _, _, err := conn.ReadMessage(); err != nil {
		return 0, nil, err
	}
	d := time.Since(began)
	var frames []byte
	// Digest notifications are listed but not replayed: a replay may send
	// fewer than want.
	_ = conn.SetReadDeadline(time.Now().Add(time.Second))
	for range want {
		_, m, err := conn.ReadMessage()
		if err != nil {
			break
		}
		frames = append(append(frames, m...), '\n')
	}
	return d, frames, nil
}

// discover lists the founders of published startups and the investors.
func discover(base string) ([]person, error) {
	var people []person
	seen := map[string]bool{}
	for _, src := range []struct{ path, role, field string }{{"/api/v1/startups", "founder", "ownerId"}, {"/api/v1/investors", "investor", "ownerId"}} {
		for page := 1; page <= 1000; page++ {
			res, err := http.Get(fmt.Sprintf("%s%s?pageSize=100&page=%d", base, src.path, page))
			if err != nil {
				return nil, err
			}
			var l struct {
				Items []map[string]any `json:"items"`
			}
			err = json.NewDecoder(res.Body).Decode(&l)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 {
				return nil, fmt.Errorf("GET %s: %d, %v", src.path, res.StatusCode, err)
			}
			for _, it := range l.Items {
				if id, _ := it[src.field].(string); id != "" && !seen[id] {
					seen[id] = true
					people = append(people, person{id, src.role})
				}
			}
			if len(l.Items) < 100 {
				break
			}
		}
	}
	return people, nil
}

// start runs bin on dir (with pprof on that address, if given) until it
// is ready.
func start(ctx context.Context, bin, dir, pprof string, env ...string) (*server, error) {
	env = append([]string{"JWT_SECRET=" + jwtSecret, "TICKETS_PER_MINUTE=0", "LOG_LEVEL=" + logLevel}, env...)
	if pprof != "" {
		env = append(env, "YC_PPROF_ADDR="+pprof)
	}
	s, err := benchrun.Start(ctx, bin, dir, benchrun.Options{Env: env})
	if err != nil {
		return nil, err
	}
	return &server{Server: s}, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }

// ratio is a/b to two places, or "" without both.
func ratio(a, b time.Duration) string {
	if a <= 0 || b <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

// signUp signs up n founders on the server at base (set names the data
// set, for their emails) and returns them: accounts whose lists are empty,
// real accounts the server's tokens are good for.
func signUp(base, set string, n int) ([]person, error) {
	var out []person
	for i := range n {
		b, _ := json.Marshal(map[string]string{"email": fmt.Sprintf("empty-%s-%d@notelist.yuechuang.cn", set, i),
			"password": "Kuaiji-Shan-2026!", "role": "founder", "name": "空列表"})
		res, err := http.Post(base+"/api/v1/auth/register", "application/json", bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		var body struct {
			User struct{ ID, Role string } `json:"user"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusCreated || body.User.ID == "" {
			return nil, fmt.Errorf("sign-up on the %s: %d, %v", set, res.StatusCode, err)
		}
		out = append(out, person{body.User.ID, body.User.Role})
	}
	return out, nil
}

// profiles starts each server's CPU profile (if dir is given) and returns
// what waits for them, written to dir/<set>-<binary>.prof.
func profiles(on []*server, dir string) func() {
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Printf("profiles: %v", err)
		return func() {}
	}
	var wg sync.WaitGroup
	for _, s := range on {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Get("http://" + s.pprof + "/debug/pprof/profile?seconds=8")
			if err != nil {
				log.Printf("profile of %s: %v", s.name, err)
				return
			}
			defer res.Body.Close()
			var b bytes.Buffer
			_, _ = b.ReadFrom(res.Body)
			if err := os.WriteFile(filepath.Join(dir, s.set+"-"+s.name+".prof"), b.Bytes(), 0o644); err != nil {
				log.Printf("profile of %s: %v", s.name, err)
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	return wg.Wait
}
