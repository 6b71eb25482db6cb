package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// The server's memory as wsload reports it: RSS from /proc, heap, stacks
// and collections from /metrics.

func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

type mem struct{ inuse, stack, rss, gcs int64 }

// metrics reads the server's heap and stack in use and its count of
// garbage collections from /metrics.
func metrics() mem {
	res, err := http.Get(metricsURL())
	if err != nil {
		fail("metrics: %v", err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	var m mem
	for _, line := range strings.Split(b.String(), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_memstats_heap_inuse_bytes":
			m.inuse += int64(v)
		case "go_memstats_stack_inuse_bytes":
			m.inuse += int64(v)
			m.stack = int64(v)
		case "go_gc_duration_seconds_count":
			m.gcs = int64(v)
		}
	}
	m.rss = rss(*pid)
	return m
}

// serverMem waits for the server's next garbage collection (the runtime
// forces one at least every two minutes) and then reads its memory, so
// that what is counted is what is live, not garbage not yet collected.
func serverMem() mem {
	before := metrics().gcs
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		if m := metrics(); m.gcs > before {
			return m
		}
	}
	fail("no garbage collection in the server within 3 minutes")
	return mem{}
}
