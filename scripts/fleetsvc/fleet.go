package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// buckets of http_request_duration_seconds (upper bounds, seconds; +Inf implied).
var buckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5}

// settings is what POST /control changes.
type settings struct {
	RPS       float64 // synthetic requests per second
	ErrorPct  float64 // percent of them answered with 500
	LatencyMS float64 // every request's latency
	Healthy   bool    // /api/health answers 200 (true) or 503
}

func (s settings) String() string {
	return fmt.Sprintf("rps=%g error_pct=%g latency_ms=%g healthy=%t", s.RPS, s.ErrorPct, s.LatencyMS, s.Healthy)
}

func (s settings) validate() error {
	switch {
	case !(s.RPS >= 0 && s.RPS <= 100000):
		return fmt.Errorf("rps %g out of range [0,100000]", s.RPS)
	case !(s.ErrorPct >= 0 && s.ErrorPct <= 100):
		return fmt.Errorf("error_pct %g out of range [0,100]", s.ErrorPct)
	case !(s.LatencyMS >= 0 && s.LatencyMS <= 600000):
		return fmt.Errorf("latency_ms %g out of range [0,600000]", s.LatencyMS)
	}
	return nil
}

// fleet holds the settings and the metric values; one mutex guards all.
type fleet struct {
	mu sync.Mutex
	s  settings

	// Requests and errors not yet recorded, in millionths, carried from tick
	// to tick. Integers, so 10 % of 10 requests is exactly 1 error (float
	// sums of 0.1 are not).
	reqCarry, errCarry int64

	bucketCounts []uint64 // cumulative per bucket, like the exposition
	count        uint64
	sum          float64
	ok, failed   uint64 // http_requests_total{code="200"} / {code="500"}
}

func newFleet(s settings) *fleet {
	return &fleet{s: s, bucketCounts: make([]uint64, len(buckets))}
}

// tick records one interval's synthetic requests.
func (f *fleet) tick(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	const unit = 1_000_000
	f.reqCarry += int64(math.Round(f.s.RPS * d.Seconds() * unit))
	n := f.reqCarry / unit
	f.reqCarry %= unit
	if n == 0 {
		return
	}
	f.errCarry += n * int64(math.Round(f.s.ErrorPct*unit/100))
	e := f.errCarry / unit
	f.errCarry %= unit

	lat := f.s.LatencyMS / 1000
	for i, ub := range buckets {
		if lat <= ub {
			f.bucketCounts[i] += uint64(n)
		}
	}
	f.count += uint64(n)
	f.sum += float64(n) * lat
	f.failed += uint64(e)
	f.ok += uint64(n - e)
}

func (f *fleet) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	summary := time.NewTicker(30 * time.Second)
	defer summary.Stop()
	f.record(ctx, time.Now(), t.C, summary.C)
}

// record counts the traffic of the time that really passed between ticks,
// not of the ticker's period: a ticker drops the ticks its reader was too
// busy to take (a CPU-starved CI machine lost a sixth of them, and rate()
// read 84 % of the configured rps), so each tick's requests are those of
// the time since the one before.
func (f *fleet) record(ctx context.Context, start time.Time, ticks, summaries <-chan time.Time) {
	last := start
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-ticks:
			if d := now.Sub(last); d > 0 {
				f.tick(d)
				last = now
			}
		case <-summaries:
			f.mu.Lock()
			log.Printf("served %d requests (%d errors) so far; %s", f.count, f.failed, f.s)
			f.mu.Unlock()
		}
	}
}

func (f *fleet) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", f.health)
	mux.HandleFunc("GET /metrics", f.metrics)
	mux.HandleFunc("POST /control", f.control)
	return mux
}

func (f *fleet) health(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	ok := f.s.Healthy
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "unhealthy\n")
		return
	}
	io.WriteString(w, "ok\n")
}

func (f *fleet) control(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	s := f.s
	f.mu.Unlock()
	for key, dst := range map[string]*float64{"rps": &s.RPS, "error_pct": &s.ErrorPct, "latency_ms": &s.LatencyMS} {
		if v := r.Form.Get(key); v != "" {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				http.Error(w, fmt.Sprintf("%s: %v", key, err), http.StatusBadRequest)
				return
			}
			*dst = x
		}
	}
	if v := r.Form.Get("healthy"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			http.Error(w, fmt.Sprintf("healthy: %v", err), http.StatusBadRequest)
			return
		}
		s.Healthy = b
	}
	if err := s.validate(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.s = s
	f.mu.Unlock()
	log.Printf("control: %s", s)
	w.WriteHeader(http.StatusNoContent)
}

// metrics writes the Prometheus text exposition format (version 0.0.4).
//
// It is written by hand, not with client_golang's promhttp: building
// client_golang/prometheus needs go.sum entries (beorn7/perks,
// munnerz/goautoneg, prometheus/procfs) that the module does not carry.
func (f *fleet) metrics(w http.ResponseWriter, _ *http.Request) {
	f.mu.Lock()
	bc := append([]uint64(nil), f.bucketCounts...)
	count, sum, ok, failed, healthy := f.count, f.sum, f.ok, f.failed, f.s.Healthy
	f.mu.Unlock()

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	fmt.Fprintln(w, "# HELP http_request_duration_seconds Latency of the synthetic requests.")
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for i, ub := range buckets {
		fmt.Fprintf(w, "http_request_duration_seconds_bucket{le=%q} %d\n", fmtFloat(ub), bc[i])
	}
	fmt.Fprintf(w, "http_request_duration_seconds_bucket{le=\"+Inf\"} %d\n", count)
	fmt.Fprintf(w, "http_request_duration_seconds_sum %s\n", fmtFloat(sum))
	fmt.Fprintf(w, "http_request_duration_seconds_count %d\n", count)
	fmt.Fprintln(w, "# HELP http_requests_total Synthetic requests by status code.")
	fmt.Fprintln(w, "# TYPE http_requests_total counter")
	// Both codes are always exposed (from 0) so that rate() of the error
	// series exists from the first scrape on.
	fmt.Fprintf(w, "http_requests_total{code=\"200\",method=\"GET\"} %d\n", ok)
	fmt.Fprintf(w, "http_requests_total{code=\"500\",method=\"GET\"} %d\n", failed)
	fmt.Fprintln(w, "# HELP fleetsvc_healthy 1 when /api/health answers 200.")
	fmt.Fprintln(w, "# TYPE fleetsvc_healthy gauge")
	h := 0
	if healthy {
		h = 1
	}
	fmt.Fprintf(w, "fleetsvc_healthy %d\n", h)
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
