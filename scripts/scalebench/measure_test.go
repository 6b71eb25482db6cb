package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReadAnswer times one GET of an answer the size of a roadshow
// record (the demo set's and the city's, on average) as the tool reads it
// (client.do, into the buffer it keeps) and as it once did (io.ReadAll, a
// fresh buffer grown as it fills). It reports the time the tool counts
// (from the request sent to the answer read: µs-counted/op, median), and
// the process's page faults per call (the server runs in it too):
//
//	go test ./scripts/scalebench -run XXX -bench ReadAnswer
func BenchmarkReadAnswer(b *testing.B) {
	for _, size := range []int{148_000, 295_000} {
		answer := bytes.Repeat([]byte("x"), size)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(answer) }))
		c := &client{base: srv.URL, http: &http.Client{Timeout: time.Minute}}
		b.Run(fmt.Sprintf("%dKB/client.do", size/1000), func(b *testing.B) {
			read(b, func() (int, time.Duration) {
				code, body, d := c.do("GET", "/", "", nil)
				if code != 200 {
					b.Fatal(code)
				}
				return len(body), d
			}, size)
		})
		b.Run(fmt.Sprintf("%dKB/io.ReadAll", size/1000), func(b *testing.B) {
			read(b, func() (int, time.Duration) {
				began := time.Now()
				res, err := c.http.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				return len(body), time.Since(began)
			}, size)
		})
		srv.Close()
	}
}

func read(b *testing.B, get func() (int, time.Duration), size int) {
	var before, after syscall.Rusage
	var ds []time.Duration
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for b.Loop() {
		n, d := get()
		if n != size {
			b.Fatalf("read %d bytes of %d", n, size)
		}
		ds = append(ds, d)
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "µs-counted/op")
	b.ReportMetric(float64(after.Minflt-before.Minflt)/float64(b.N), "faults/op")
}
