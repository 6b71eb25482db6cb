package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuechuang/yuechuang/scripts/benchrun"
)

// result is one measured run of one target.
type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int
	// CPU time per answered request of the server and of this tool
	// (user + system, from /proc; 0 when unknown)
	serverCPU, genCPU time.Duration
	hits, n           int64  // responses the server marked X-Cache: hit, of n
	load              string // the 1-minute load average after the run
	// read and write system calls per answered request of the server and
	// of this tool (from /proc; 0 when unknown)
	serverCalls, genCalls calls
}

// calls are read and write system calls per request.
type calls struct{ reads, writes float64 }

func (c calls) String() string { return fmt.Sprintf("%.1f + %.1f", c.reads, c.writes) }

func (r result) row(name string) string {
	us := func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.0f", float64(d.Nanoseconds())/1000)
	}
	return fmt.Sprintf("| %s | %.0f | %.2f | %.2f | %d | %.0f %% | %s | %s | %s |\n", name, r.rps, ms(r.p50), ms(r.p99), r.errors,
		100*float64(r.hits)/float64(max(r.n, 1)), us(r.serverCPU), us(r.genCPU), r.load)
}

// cpuTime returns the user and system CPU time a process has used, from
// /proc (0 when it cannot be read).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// ioCalls returns how many read and write system calls a process has made
// (syscr and syscw in /proc/PID/io, which count every thread).
func ioCalls(pid int) (reads, writes int64) {
	if pid <= 0 {
		return 0, 0
	}
	raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	for _, l := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(l, "syscr: "); ok {
			reads, _ = strconv.ParseInt(v, 10, 64)
		} else if v, ok := strings.CutPrefix(l, "syscw: "); ok {
			writes, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return reads, writes
}

// clockTicks is USER_HZ, the unit of /proc's CPU times, 100 on Linux.
const clockTicks = 100

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// run sends requests from conc workers for d after a one-second warm-up,
// each worker walking reqs from its own offset.
func run(client *http.Client, reqs []request, fresh bool, conc int, d time.Duration, serverPID int) result {
	warm, cancel := context.WithTimeout(context.Background(), time.Second)
	drive(warm, client, reqs, fresh, conc, nil)
	cancel()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var lat []time.Duration
	var r result
	start := time.Now()
	srv0, gen0 := cpuTime(serverPID), cpuTime(os.Getpid())
	sr0, sw0 := ioCalls(serverPID)
	gr0, gw0 := ioCalls(os.Getpid())
	drive(ctx, client, reqs, fresh, conc, func(l time.Duration, ok, hit bool) {
		mu.Lock()
		if ok {
			lat = append(lat, l)
			r.n++
			if hit {
				r.hits++
			}
		} else {
			r.errors++
		}
		mu.Unlock()
	})
	elapsed := time.Since(start)
	if sr1, sw1 := ioCalls(serverPID); len(lat) > 0 && sr0 > 0 {
		gr1, gw1 := ioCalls(os.Getpid())
		n := float64(len(lat))
		r.serverCalls = calls{float64(sr1-sr0) / n, float64(sw1-sw0) / n}
		r.genCalls = calls{float64(gr1-gr0) / n, float64(gw1-gw0) / n}
	}
	if srv1, gen1 := cpuTime(serverPID), cpuTime(os.Getpid()); len(lat) > 0 && srv0 > 0 {
		r.serverCPU, r.genCPU = (srv1-srv0)/time.Duration(len(lat)), (gen1-gen0)/time.Duration(len(lat))
	}
	r.load = benchrun.LoadAvg()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	r.rps = float64(len(lat)) / elapsed.Seconds()
	if len(lat) > 0 {
		r.p50, r.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return r
}

// validateEvery is how often a worker reads a whole body and checks that
// it is JSON; every status code is checked.
const validateEvery = 256

func drive(ctx context.Context, client *http.Client, reqs []request, fresh bool, conc int, record func(time.Duration, bool, bool)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			for ctx.Err() == nil {
				rq := reqs[int(next.Add(1))%len(reqs)]
				req, _ := http.NewRequestWithContext(ctx, "GET", rq.url, nil)
				if rq.token != "" {
					req.Header.Set("Authorization", "Bearer "+rq.token)
				}
				if fresh {
					req.Header.Set("Cache-Control", "no-cache")
				}
				t := time.Now()
				res, err := client.Do(req)
				ok := err == nil && res.StatusCode == 200
				hit := false
				if err == nil {
					hit = res.Header.Get("X-Cache") == "hit"
					if n++; n%validateEvery == 0 {
						// a sample of the bodies must be whole JSON
						body, err := io.ReadAll(res.Body)
						ok = ok && err == nil && json.Valid(body)
					} else {
						_, _ = io.Copy(io.Discard, res.Body)
					}
					res.Body.Close()
				}
				if ctx.Err() == nil && record != nil {
					record(time.Since(t), ok, hit)
				}
			}
		}()
	}
	wg.Wait()
}
