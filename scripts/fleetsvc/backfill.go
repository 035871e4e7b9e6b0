package main

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// history is the known traffic of the backfilled window: every minute each
// service gets 60 requests, all code 200, all at the same latency, so
//
//	histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket[5m])))
//
// is exactly 0.2425 (chat-backend: 0.1+0.15*0.95), 0.0475 (chat-web:
// 0.05*0.95) and 0.975 (picture-backend: 0.5+0.5*0.95) inside the window.
var history = []struct {
	service string
	latency float64 // seconds
}{
	{"chat-backend", 0.2},
	{"chat-web", 0.03},
	{"picture-backend", 0.7},
}

const (
	backfillStep    = 60 * time.Second
	backfillPerStep = 60 // requests per step
)

// backfillWindow returns the window the history covers for reference time
// now: from now-24h to now-65m (so it ends before the live data and any
// later restart's head block), both aligned down to a whole minute.
func backfillWindow(now time.Time) (start, end time.Time) {
	start = now.Add(-24 * time.Hour).Truncate(time.Minute)
	end = now.Add(-65 * time.Minute).Truncate(time.Minute)
	return start, end
}

// backfillFormat is how writeBackfill writes samples.
type backfillFormat int

const (
	// openMetrics is for `promtool tsdb create-blocks-from openmetrics`:
	// timestamps in seconds and a closing # EOF.
	openMetrics backfillFormat = iota
	// promText is Prometheus' text exposition with timestamps in
	// milliseconds, what VictoriaMetrics' /api/v1/import/prometheus takes.
	promText
)

// writeBackfill writes the history in format f: one # TYPE line per
// family, each series' samples in time order.
func writeBackfill(out io.Writer, now time.Time, f backfillFormat) error {
	start, end := backfillWindow(now)
	w := bufio.NewWriter(out)
	stamp := func(t time.Time) int64 {
		if f == promText {
			return t.UnixMilli()
		}
		return t.Unix()
	}
	steps := int(end.Sub(start)/backfillStep) + 1

	fmt.Fprintln(w, "# HELP http_request_duration_seconds Latency of the synthetic requests.")
	fmt.Fprintln(w, "# TYPE http_request_duration_seconds histogram")
	for _, h := range history {
		lbl := fmt.Sprintf(`job="fleet",instance="backfill",service=%q`, h.service)
		for i := 0; i < steps; i++ {
			ts := stamp(start.Add(time.Duration(i) * backfillStep))
			n := uint64(i) * backfillPerStep
			for _, ub := range buckets {
				c := uint64(0)
				if h.latency <= ub {
					c = n
				}
				fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=%q} %d %d\n", lbl, fmtFloat(ub), c, ts)
			}
			fmt.Fprintf(w, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d %d\n", lbl, n, ts)
			fmt.Fprintf(w, "http_request_duration_seconds_count{%s} %d %d\n", lbl, n, ts)
			fmt.Fprintf(w, "http_request_duration_seconds_sum{%s} %s %d\n", lbl, fmtFloat(float64(n)*h.latency), ts)
		}
	}

	fmt.Fprintln(w, "# HELP http_requests Synthetic requests by status code.")
	fmt.Fprintln(w, "# TYPE http_requests counter")
	for _, h := range history {
		for _, code := range []string{"200", "500"} {
			lbl := fmt.Sprintf(`job="fleet",instance="backfill",service=%q,code=%q,method="GET"`, h.service, code)
			for i := 0; i < steps; i++ {
				ts := stamp(start.Add(time.Duration(i) * backfillStep))
				n := uint64(i) * backfillPerStep
				if code != "200" {
					n = 0 // the history has no errors; the series exists so error ratios are 0, not absent
				}
				fmt.Fprintf(w, "http_requests_total{%s} %d %d\n", lbl, n, ts)
			}
		}
	}
	if f == openMetrics {
		fmt.Fprintln(w, "# EOF")
	}
	return w.Flush()
}
