package httpapi

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no process globals), served at /metrics.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	series   sync.Map // seriesKey → series
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuechuang_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "yuechuang_http_request_duration_seconds", Help: "HTTP request latency by method and route.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(method, route string, status int, d time.Duration) {
	k := seriesKey{method, route, status}
	s, ok := m.series.Load(k)
	if !ok {
		// Looking the series up by their labels hashes and checks every
		// label; the routes, methods and statuses are few, so each
		// combination's series are looked up once and kept.
		s, _ = m.series.LoadOrStore(k, series{m.requests.WithLabelValues(method, route, strconv.Itoa(status)),
			m.duration.WithLabelValues(method, route)})
	}
	s.(series).requests.Inc()
	s.(series).duration.Observe(d.Seconds())
}

// seriesKey names a request's series.
type seriesKey struct {
	method, route string
	status        int
}

// series are one seriesKey's counter and histogram.
type series struct {
	requests prometheus.Counter
	duration prometheus.Observer
}

func (m *metrics) handler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
}
