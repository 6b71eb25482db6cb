// Command videoload measures the stage's live video on one instance: a
// synthetic publisher (stagetest: generated VP8-framed video at -bitrate
// plus Opus-framed audio) sends to the stage through the API, and more and
// more pion viewers watch it on loopback. For each step it reports how
// many viewers got the stream with at most 1 % of its packets lost and the
// server's CPU per viewer, beside the same run's baseline (the publisher
// alone), into docs/bench/videoload.md. scripts/videoload.sh starts the
// platform and runs it:
//
//	scripts/prio.sh scripts/videoload.sh -steps 25,50,100,150 -d 15s
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchdoc"
	"github.com/yuechuang/yuechuang/scripts/benchrun"
	"github.com/yuechuang/yuechuang/scripts/loadapi"
	"github.com/yuechuang/yuechuang/server/stage/stagetest"
)

var (
	base    = flag.String("base", "http://127.0.0.1:8080", "the platform (loopback only)")
	pid     = flag.Int("pid", 0, "the platform's process id, for its CPU time")
	steps   = flag.String("steps", "25,50,100,150", "viewer counts, in order")
	bitrate = flag.Int("bitrate", 968_000, "video bits per second (audio adds 32 kb/s)")
	window  = flag.Duration("d", 15*time.Second, "measuring time per step")
	out     = flag.String("out", "docs/bench/videoload.md", "where the figures go; empty: only printed")
	maxLoss = flag.Float64("loss", 0.01, "the share of packets a served viewer may lose")
)

func fail(f string, a ...any) { loadapi.Fail("videoload", f, a...) }

func api(method, path, token string, body any) map[string]any {
	return loadapi.Call("videoload", *base, method, path, token, body)
}

func signup(role string) (token, id string) {
	r := api("POST", "/api/v1/auth/register", "", map[string]any{"email": fmt.Sprintf("videoload-%d-%s@load.test", time.Now().UnixNano(), role),
		"password": "load-password-1", "role": role, "name": "压测" + role})
	return r["accessToken"].(string), r["user"].(map[string]any)["id"].(string)
}

// sdp posts an offer with a fresh ticket (token "" a guest's).
func sdp(path, token, offer string) string {
	tk := api("POST", "/api/v1/realtime/ticket", token, nil)["ticket"].(string)
	res, err := http.Post(*base+path+"?ticket="+tk, "application/sdp", strings.NewReader(offer))
	if err != nil {
		fail("%s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		fail("%s: %d %s", path, res.StatusCode, b)
	}
	return string(b)
}

// cpu returns the process's user+system CPU time.
func cpu(p int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	tick := int64(100)
	if o, err := exec.Command("getconf", "CLK_TCK").Output(); err == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(o)), 10, 64); err == nil && n > 0 {
			tick = n
		}
	}
	return time.Duration((ut + st) * int64(time.Second) / tick)
}

type row struct {
	viewers, served         int
	medianLoss, worstLoss   float64
	serverCPU, clientCPU    float64 // share of one core
	perViewerMs             float64 // server CPU ms per second per viewer above the baseline
	kbpsPerViewer           float64
	load                    string
	loadStart, loadEnd      string
	viewerPackets, expected int64
	fps                     float64 // frames the publisher managed to send a second (30 asked)
}

func main() {
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.0.0.1:") && !strings.HasPrefix(*base, "http://localhost:") {
		fail("-base must be a loopback URL")
	}
	var counts []int
	for _, s := range strings.Split(*steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 2000 {
			fail("-steps: %q", s)
		}
		counts = append(counts, n)
	}
	if !slices.IsSorted(counts) {
		fail("-steps must grow")
	}
	host, _ := signup("manager")
	founder, founderID := signup("founder")
	space := api("POST", "/api/v1/spaces", host, map[string]any{"name": "压测众创空间", "level": "city", "model": "training", "services": []string{}, "district": "keqiao"})["id"].(string)
	st := api("POST", "/api/v1/startups", founder, map[string]any{"name": "压测项目", "oneLiner": "压测", "description": "这是一个用于压测路演直播的项目介绍文字，内容足够长。",
		"sector": "ic", "stage": "seed", "askWan": 100, "district": "keqiao"})["id"].(string)
	api("POST", "/api/v1/startups/"+st+"/publish", founder, nil)
	room := api("POST", "/api/v1/roadshows", host, map[string]any{"title": "视频压测路演", "spaceId": space,
		"startsAt": time.Now().Add(time.Minute).Format(time.RFC3339), "visibility": "public",
		"slots": []map[string]any{{"startupId": st, "minutes": 60}}})["id"].(string)
	api("POST", "/api/v1/roadshows/"+room+"/invitations/"+st+"/accept", founder, nil)
	api("POST", "/api/v1/roadshows/"+room+"/start", host, nil)

	ctx := context.Background()
	pub, err := stagetest.NewPublisher(ctx)
	if err != nil {
		fail("publisher: %v", err)
	}
	defer pub.Close()
	if err := pub.Start(sdp("/api/v1/roadshows/"+room+"/stage/publish", founder, pub.Offer), *bitrate); err != nil {
		fail("publisher: %v", err)
	}
	self := os.Getpid()

	// The baseline: the publisher alone (receiving, recording).
	time.Sleep(2 * time.Second)
	c0, t0 := cpu(*pid), time.Now()
	time.Sleep(*window)
	baseline := float64(cpu(*pid)-c0) / float64(time.Since(t0))
	fmt.Printf("baseline (publisher only): server %.1f %% of a core, load %s\n", 100*baseline, benchrun.LoadAvg())

	var viewers []*stagetest.Viewer
	var rows []row
	for _, n := range counts {
		loadStart := benchrun.LoadAvg()
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i := len(viewers); i < n; i++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				v, err := stagetest.NewViewer(ctx)
				if err != nil {
					fail("viewer: %v", err)
				}
				if err := v.Start(sdp("/api/v1/roadshows/"+room+"/stage/watch/"+founderID, "", v.Offer)); err != nil {
					fail("viewer: %v", err)
				}
				mu.Lock()
				viewers = append(viewers, v)
				mu.Unlock()
			}()
		}
		wg.Wait()
		// Everyone has had a key frame, then the window starts.
		wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		for _, v := range viewers {
			if err := v.WaitFor(wctx, func(_, vid stagetest.Count) bool { return vid.Keyframes > 0 }); err != nil {
				fmt.Fprintln(os.Stderr, "videoload: a viewer got no key frame within 60 s")
			}
		}
		cancel()
		before := make([]stagetest.Count, len(viewers))
		for i, v := range viewers {
			before[i] = v.Got("video")
		}
		s0, m0, f0, b0, w0 := cpu(*pid), cpu(self), pub.Frames.Load(), pub.VideoBytes.Load(), time.Now()
		time.Sleep(*window)
		s1, m1, f1, b1, el := cpu(*pid), cpu(self), pub.Frames.Load(), pub.VideoBytes.Load(), time.Since(w0)
		sent := b1 - b0 // what each viewer should have received in the window
		r := row{viewers: n, load: benchrun.LoadAvg(), loadStart: loadStart, fps: float64(f1-f0) / el.Seconds()}
		r.serverCPU = float64(s1-s0) / float64(el)
		r.clientCPU = float64(m1-m0) / float64(el)
		r.perViewerMs = 1000 * (r.serverCPU - baseline) / float64(n)
		var losses []float64
		var bytes int64
		for i, v := range viewers {
			c := v.Got("video")
			exp := c.Expected() - before[i].Expected()
			got := c.Unique - before[i].Unique
			loss := 1.0
			if exp > 0 {
				loss = float64(exp-got) / float64(exp)
			}
			losses = append(losses, loss)
			// Served: nothing (beyond the limit) lost, and kept up: at
			// least 90 % of what was sent in the window read (a viewer
			// that falls behind loses nothing yet, but lags).
			if got := c.Bytes - before[i].Bytes; loss <= *maxLoss && float64(got) >= 0.9*float64(sent) {
				r.served++
			}
			bytes += c.Bytes - before[i].Bytes
			r.viewerPackets += got
			r.expected += exp
		}
		slices.Sort(losses)
		r.medianLoss, r.worstLoss = losses[len(losses)/2], losses[len(losses)-1]
		r.kbpsPerViewer = float64(bytes*8) / el.Seconds() / float64(n) / 1000
		rows = append(rows, r)
		fmt.Printf("%d viewers: %d served (≤%.0f %% loss), median loss %.3f %%, worst %.2f %%, server %.0f %% of a core (%.2f ms/s per viewer above baseline), client %.0f %%, publisher %.1f frames/s, %.0f kb/s video per viewer, load %s→%s\n",
			n, r.served, 100**maxLoss, 100*r.medianLoss, 100*r.worstLoss, 100*r.serverCPU, r.perViewerMs, 100*r.clientCPU, r.fps, r.kbpsPerViewer, loadStart, r.load)
		if r.served < n*9/10 {
			fmt.Println("more than a tenth of the viewers lost more than the limit: stopping")
			break
		}
	}
	for _, v := range viewers {
		v.Close()
	}
	if *out != "" {
		write(rows, baseline)
	}
}

func write(rows []row, baseline float64) {
	var b strings.Builder
	// A step counts when every viewer was served at the publisher's full
	// rate; when the load tool (on the same cores) could not keep its
	// publisher at 95 % of 30 frames a second, the step measured the
	// tool, not the server.
	capacity, bound := 0, 0
	for _, r := range rows {
		switch {
		case r.fps < 0.95*30:
			if bound == 0 {
				bound = r.viewers
			}
		case r.served == r.viewers:
			capacity = r.viewers
		}
	}
	fmt.Fprintf(&b, `One publisher (generated VP8-framed video at %d kb/s and Opus-framed audio, 20 ms frames; the
server forwards and records without decoding, so only sizes and rates matter) and N pion viewers on
loopback, all through the API (WHIP/WHEP with tickets). Each step adds viewers, waits until every
one has had a key frame, then measures %s: a viewer is *served* when at most %.0f %% of the video
packets sent in the window never arrived (NACK repairs count as arrived) and it read at least 90 %%
of the video bytes the publisher sent in the window (a viewer falling behind has lost nothing yet,
but lags). Server CPU is the
platform process's user+system time over the window, as a share of one core; *per viewer* is
above the baseline of the same run (the publisher alone: %.1f %% of a core, receiving and
recording). The viewers run in the load tool on the same 2 cores as the server (client CPU
beside), so they take CPU the server would have on a machine of its own.

| viewers | served (≤ %.0f %% loss) | median loss | worst loss | server CPU | per viewer | client CPU | publisher frames/s | video per viewer | load avg |
|---|---|---|---|---|---|---|---|---|---|
`, *bitrate/1000, *window, 100**maxLoss, 100*baseline, 100**maxLoss)
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %d | %.3f %% | %.2f %% | %.0f %% | %.2f ms/s | %.0f %% | %.1f | %.0f kb/s | %s → %s |\n",
			r.viewers, r.served, 100*r.medianLoss, 100*r.worstLoss, 100*r.serverCPU, r.perViewerMs, 100*r.clientCPU, r.fps, r.kbpsPerViewer, r.loadStart, r.load)
	}
	fmt.Fprintf(&b, "\nLargest step with every viewer served at the publisher's full rate: **%d viewers**.", capacity)
	if bound > 0 {
		fmt.Fprintf(&b, " From %d viewers on, the load tool's own publisher fell below 95 %% of its 30 frames a second (the tool and the server share the 2 cores): those steps measure the tool, not the server.", bound)
	}
	b.WriteString("\n")
	err := benchdoc.Write(*out, benchdoc.Doc{
		Title:   "videoload: the stage's live video on one instance (pion publisher and viewers on loopback)",
		Command: fmt.Sprintf("scripts/prio.sh scripts/videoload.sh -steps %s -d %s -bitrate %d", *steps, *window, *bitrate),
		Body:    b.String(),
	})
	if err != nil {
		fail("write %s: %v", *out, err)
	}
}
