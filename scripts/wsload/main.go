// Command wsload loads one live roadshow room: it signs up a host, a
// presenting founder and chat senders, schedules and starts a public
// roadshow, opens N guest viewers, then sends chat at a given rate and
// measures what every viewer receives: delivered messages/s, the share of
// messages delivered to every live viewer, send→receive latency p50/p99,
// errors, and (with -pid) the server's memory per idle connection.
//
//	scripts/wsload.sh -viewers 10000 -rate 20 -d 30s
//
// Loopback only. docs/BENCHMARKS.md records the figures.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yuechuang/yuechuang/scripts/loadapi"
)

var (
	base    = flag.String("base", "http://127.0.0.1:8080", "platform URL (loopback only)")
	spread  = flag.String("spread", "", "more instances' URLs, comma-separated: viewers and senders are spread over -base and these (loopback only)")
	viewers = flag.Int("viewers", 1000, "guest viewers in the room")
	rate    = flag.Float64("rate", 20, "chat messages per second, all senders together")
	dur     = flag.Duration("d", 20*time.Second, "how long to send")
	pid     = flag.Int("pid", 0, "server process id, to measure its memory per connection")
	bridge  = flag.Int("bridge", 2000, "connections for the upgrade-rate comparison (0 to skip)")
	plain   = flag.String("serve-plain", "", "internal: serve a plain net/http + gorilla websocket on this address")
	peer    = flag.String("peer", "", "load the centrifuge peer (scripts/wspeer) at this websocket URL instead of the platform")
	memory  = flag.Bool("memory", false, "measure memory per idle connection from a cold, GC'd baseline (skips the upgrade comparison; -d 0 stops there)")
)

// servePlain is the baseline for the Fiber→gorilla bridge: the same
// upgrade on the standard library's server, answering with one frame.
func servePlain(addr string) {
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(ln.Addr().String())
	fail("%v", http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		_ = c.WriteMessage(websocket.TextMessage, []byte(`{"type":"welcome","seq":0,"ts":0,"data":{}}`))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})))
}

// upgradeRate opens n websockets to each server, 100 at a time, reading the
// first frame of each, and returns connections per second.
func upgradeRate(n int, urls func(i int) string) float64 {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	conns := make([]*websocket.Conn, n)
	start := time.Now()
	for i := 0; i < n; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer func() { <-sem; wg.Done() }()
			d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 512}
			c, _, err := d.Dial(urls(i), nil)
			if err != nil {
				fail("dial: %v", err)
			}
			if _, _, err := c.ReadMessage(); err != nil {
				fail("first frame: %v", err)
			}
			conns[i] = c
		}(i)
	}
	wg.Wait()
	rate := float64(n) / time.Since(start).Seconds()
	for _, c := range conns {
		c.Close()
	}
	return rate
}

// compareBridge measures the upgrade rate through Fiber's hijack bridge
// (with ticket check, admission and room join) against a plain net/http
// upgrade, in the same run. Tickets are fetched beforehand.
func compareBridge(room string, n int) {
	cmd := exec.Command(os.Args[0], "-serve-plain", "127.0.0.1:0")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fail("%v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fail("plain server: %v", err)
	}
	plainAddr := strings.TrimSpace(line)
	tickets := make([]string, n)
	for i := range tickets {
		tickets[i] = api("POST", "/api/v1/realtime/ticket", "", nil)["ticket"].(string)
	}
	u, _ := url.Parse(*base)
	bridged := upgradeRate(n, func(i int) string {
		return (&url.URL{Scheme: "ws", Host: u.Host, Path: "/ws/roadshows/" + room, RawQuery: "ticket=" + tickets[i]}).String()
	})
	plainRate := upgradeRate(n, func(int) string { return "ws://" + plainAddr + "/" })
	fmt.Printf("upgrades: Fiber hijack bridge (ticket, admission, room join, welcome) %.0f/s; plain net/http + gorilla %.0f/s; ratio %.2f\n",
		bridged, plainRate, bridged/plainRate)
}

func fail(f string, a ...any) { loadapi.Fail("wsload", f, a...) }

func api(method, path, token string, body any) map[string]any {
	return loadapi.Call("wsload", *base, method, path, token, body)
}

func signup(role string, n int) string {
	r := api("POST", "/api/v1/auth/register", "", map[string]any{"email": fmt.Sprintf("wsload-%d-%s-%d@load.test", time.Now().UnixNano(), role, n),
		"password": "load-password-1", "role": role, "name": fmt.Sprint(role, n)})
	return r["accessToken"].(string)
}

// dial opens a room connection: a viewer (token "") or a sender.
func dial(room, token string, viewer bool) (*conn, error) {
	if *peer != "" {
		return dialPeer(viewer)
	}
	tk := api("POST", "/api/v1/realtime/ticket", token, nil)["ticket"].(string) // any instance accepts it
	u, _ := url.Parse(instances[int(nextInstance.Add(1))%len(instances)])
	ws := url.URL{Scheme: "ws", Host: u.Host, Path: "/ws/roadshows/" + room, RawQuery: "ticket=" + tk}
	d := websocket.Dialer{ReadBufferSize: 1024, WriteBufferSize: 512, HandshakeTimeout: 30 * time.Second}
	c, _, err := d.Dial(ws.String(), nil)
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

var sendingNow atomic.Bool

// instances are the platform URLs connections are spread over, in turn.
var (
	instances    []string
	nextInstance atomic.Int64
)

func main() {
	flag.Parse()
	if *plain != "" {
		servePlain(*plain)
		return
	}
	targets := []string{*base}
	if *peer != "" {
		targets = []string{*peer}
	} else if *spread != "" {
		targets = append(targets, strings.Split(*spread, ",")...)
	}
	instances = targets
	for _, target := range targets {
		u, err := url.Parse(target)
		if err != nil || (u.Hostname() != "localhost" && !net.ParseIP(u.Hostname()).IsLoopback()) {
			fail("-base, -spread and -peer must be loopback URLs")
		}
	}
	var err error
	var lim syscall.Rlimit // each viewer is a file descriptor
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) == nil {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}

	room := "" // the peer has one channel
	if *peer == "" {
		host := signup("manager", 0)
		founder := signup("founder", 0)
		space := api("POST", "/api/v1/spaces", host, map[string]any{"name": "压测众创空间", "level": "city", "model": "training", "services": []string{}, "district": "keqiao"})["id"].(string)
		st := api("POST", "/api/v1/startups", founder, map[string]any{"name": "压测项目", "oneLiner": "压测", "description": "这是一个用于压测路演直播间的项目介绍文字，内容足够长。",
			"sector": "ic", "stage": "seed", "askWan": 100, "district": "keqiao"})["id"].(string)
		api("POST", "/api/v1/startups/"+st+"/publish", founder, nil)
		room = api("POST", "/api/v1/roadshows", host, map[string]any{"title": "压测路演", "spaceId": space,
			"startsAt": time.Now().Add(time.Minute).Format(time.RFC3339), "visibility": "public",
			"slots": []map[string]any{{"startupId": st, "minutes": 60}}})["id"].(string)
		// The agenda is an invitation the founder accepts (presenting needs consent).
		api("POST", "/api/v1/roadshows/"+room+"/invitations/"+st+"/accept", founder, nil)
		api("POST", "/api/v1/roadshows/"+room+"/start", host, nil)
	}
	// The room allows a person one chat message a second: enough senders
	// to reach the rate with room to spare.
	nSenders := int(*rate/0.8) + 1
	senders := make([]*conn, nSenders)
	for i := range senders {
		token := ""
		if *peer == "" {
			token = signup("founder", i+1)
		}
		if senders[i], err = dial(room, token, false); err != nil {
			fail("sender: %v", err)
		}
		go func(c *conn) { // senders read and discard
			for {
				_, data, err := c.ReadMessage()
				if err != nil {
					if sendingNow.Load() {
						fmt.Fprintln(os.Stderr, "wsload: sender connection ended:", err)
					}
					return
				}
				c.messages(data, func([]byte) {})
			}
		}(senders[i])
	}

	// Memory per connection needs a cold baseline: no connections have
	// come and gone before it. The upgrade-rate comparison opens and closes
	// thousands, so it runs in its own invocation (-memory=false).
	var before mem
	if *memory {
		before = serverMem()
	} else if *bridge > 0 && *peer == "" {
		compareBridge(room, *bridge)
	}
	var (
		received atomic.Int64
		dropped  atomic.Int64
		dialErrs atomic.Int64
		hist     [10000]atomic.Int64 // send→receive latency by millisecond
		counts   = make([]atomic.Int64, *viewers)
		live     atomic.Int64
		sending  atomic.Bool
	)
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	for i := 0; i < *viewers; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c, err := dial(room, "", true)
			<-sem
			if err != nil {
				dialErrs.Add(1)
				return
			}
			live.Add(1)
			go func() {
				defer live.Add(-1)
				for {
					_, data, err := c.ReadMessage()
					if err != nil {
						if sending.Load() {
							dropped.Add(1)
						}
						return
					}
					// Find the send time without decoding JSON: the load
					// generator shares the machine and must stay cheap.
					c.messages(data, func(msg []byte) {
						if !isChat(msg) {
							return
						}
						if at := bytes.Index(msg, []byte(`"text":"t=`)); at >= 0 {
							rest := msg[at+len(`"text":"t=`):]
							end := bytes.IndexByte(rest, '"')
							sent, _ := strconv.ParseInt(string(rest[:max(0, end)]), 10, 64)
							hist[min(9999, time.Since(time.Unix(0, sent)).Milliseconds())].Add(1)
							received.Add(1)
							counts[i].Add(1)
						}
					})
				}
			}()
		}(i)
	}
	wg.Wait()
	connected := time.Since(start)
	fmt.Printf("wsload: %d viewers connected in %s (%d failed), %d senders\n", live.Load(), connected.Round(time.Millisecond), dialErrs.Load(), nSenders)
	if *memory {
		after := serverMem()
		n := float64(max(1, live.Load()))
		fmt.Printf("server Go memory in use after a GC (heap + stacks, from /metrics): %.1f MiB cold before viewers, %.1f MiB with them idle: %.1f KiB per connection (stacks %.1f KiB)\n",
			float64(before.inuse)/(1<<20), float64(after.inuse)/(1<<20), float64(after.inuse-before.inuse)/n/1024, float64(after.stack-before.stack)/n/1024)
		if *pid > 0 {
			fmt.Printf("server RSS after a GC: %.1f MiB cold before, %.1f MiB after: %.1f KiB per connection\n",
				float64(before.rss)/(1<<20), float64(after.rss)/(1<<20), float64(after.rss-before.rss)/n/1024)
		}
		if *dur <= 0 {
			return
		}
	}

	sending.Store(true)
	sendingNow.Store(true)
	interval := time.Duration(float64(time.Second) / *rate)
	tick := time.NewTicker(interval)
	sent := 0
	sendStart := time.Now()
	for time.Since(sendStart) < *dur {
		<-tick.C
		c := senders[sent%nSenders]
		if err := c.write(c.chatFrame(time.Now())); err != nil {
			fail("send: %v", err)
		}
		sent++
	}
	tick.Stop()
	elapsed := time.Since(sendStart)
	time.Sleep(3 * time.Second) // let the last messages arrive
	sending.Store(false)
	got := received.Load()
	full := 0
	for i := range counts {
		if counts[i].Load() == int64(sent) {
			full++
		}
	}
	var samples int64
	for i := range hist {
		samples += hist[i].Load()
	}
	p := func(q float64) int {
		want, seen := int64(float64(samples)*q), int64(0)
		for i := range hist {
			if seen += hist[i].Load(); seen > want {
				return i
			}
		}
		return len(hist)
	}
	fmt.Printf("sent %d chat messages in %s (%.1f/s)\n", sent, elapsed.Round(time.Millisecond), float64(sent)/elapsed.Seconds())
	fmt.Printf("delivered %d of %d expected (%.2f%%), %.0f messages/s; viewers who got every message: %d of %d; dropped connections: %d\n",
		got, int64(sent)*live.Load(), 100*float64(got)/float64(max(1, int64(sent)*live.Load())), float64(got)/elapsed.Seconds(), full, live.Load(), dropped.Load())
	fmt.Printf("latency send→receive over %d samples: p50 %d ms, p99 %d ms (1 ms buckets)\n", samples, p(0.5), p(0.99))
}
